//! The cases of the ORM's breadth: lookups and ordering across a foreign
//! key, rows of values, groups and aggregates, an `F()` update,
//! `get_or_create`, full-text search, `distinct` and `exists`, each beside
//! the diesel a user writes for the same result.

use diesel::dsl::{count_star, exists, max, sql};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use orm_contrib::auth::User;
use orm_core::query::{Agg, Filter, Lower, F};
use orm_core::{ForeignKey, Model};

use super::schema::{auth_user, blog_article};
use super::{each, lower, Article, ArticleRow, Backend, Case, Raw, Sides, ARTICLES, PAGE, USERS};

/// Every case of this module, in the order of the table.
pub(crate) const CASES: &[(&str, &str)] = &[
    (
        "filter_related",
        "articles of one author, by username (`author__username`)",
    ),
    (
        "order_related",
        "100 articles ordered by their author's username",
    ),
    (
        "values_related",
        "title and author's username of 100 articles (`values`)",
    ),
    (
        "group_count",
        "articles per author (`values().annotate(Count)`)",
    ),
    (
        "group_related",
        "published articles per author's username (group across the key)",
    ),
    ("aggregates", "count and latest date of published articles"),
    ("f_update", "lower 1,000 titles in one `UPDATE` (`F()`)"),
    (
        "get_or_create",
        "`get_or_create` of an existing row by slug",
    ),
    (
        "full_text",
        "full-text search: about 100 of 10,000 articles",
    ),
    ("distinct", "the distinct authors of published articles"),
    ("exists", "whether a row with a slug exists"),
    ("update_filter", "update 5,000 rows with one filter"),
];

pub(crate) fn cases(backend: &Backend) -> Vec<Case> {
    vec![
        filter_related(),
        order_related(),
        values_related(),
        group_count(),
        group_related(),
        aggregates(),
        f_update(backend),
        get_or_create(),
        full_text(),
        distinct(),
        exists_case(),
        update_filter(),
    ]
}

/// The username of the author whose articles the lookups read.
const AUTHOR: &str = "user07";

fn filter_related() -> Case {
    let expected = ARTICLES / USERS;
    Case {
        id: "filter_related",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                let rows = Article::objects()
                    .filter(Article::AUTHOR.matches(User::USERNAME.eq(AUTHOR)))
                    .all(&mut s.orm)
                    .expect("filter");
                assert_eq!(rows.len(), expected);
                rows
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let rows = blog_article::table
                    .inner_join(auth_user::table)
                    .filter(auth_user::username.eq(AUTHOR))
                    .order(blog_article::published_date.desc())
                    .select(ArticleRow::as_select())
                    .load::<ArticleRow>(c)
                    .expect("filter");
                assert_eq!(rows.len(), expected);
                rows
            }))
        }),
    }
}

fn order_related() -> Case {
    Case {
        id: "order_related",
        slow: false,
        orm: Box::new(|s: &mut Sides, n| {
            each(n, || {
                let rows = Article::objects()
                    .order_by([
                        Article::AUTHOR.then(User::USERNAME.asc()),
                        Article::ID.asc(),
                    ])
                    .limit(PAGE)
                    .all(&mut s.orm)
                    .expect("order");
                assert_eq!(rows.len() as i64, PAGE);
                rows
            })
        }),
        diesel: Box::new(|s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let rows = blog_article::table
                    .inner_join(auth_user::table)
                    .order((auth_user::username.asc(), blog_article::id.asc()))
                    .limit(PAGE)
                    .select(ArticleRow::as_select())
                    .load::<ArticleRow>(c)
                    .expect("order");
                assert_eq!(rows.len() as i64, PAGE);
                rows
            }))
        }),
    }
}

fn values_related() -> Case {
    Case {
        id: "values_related",
        slow: false,
        orm: Box::new(|s: &mut Sides, n| {
            each(n, || {
                let rows: Vec<(String, String)> = Article::objects()
                    .filter(Article::IS_PUBLISHED.eq(true))
                    .limit(PAGE)
                    .values(&["title", "author__username"])
                    .expect("values")
                    .tuples(&mut s.orm)
                    .expect("values");
                assert_eq!(rows.len() as i64, PAGE);
                rows
            })
        }),
        diesel: Box::new(|s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let rows = blog_article::table
                    .inner_join(auth_user::table)
                    .filter(blog_article::is_published.eq(true))
                    .order(blog_article::published_date.desc())
                    .limit(PAGE)
                    .select((blog_article::title, auth_user::username))
                    .load::<(String, String)>(c)
                    .expect("values");
                assert_eq!(rows.len() as i64, PAGE);
                rows
            }))
        }),
    }
}

fn group_count() -> Case {
    Case {
        id: "group_count",
        slow: false,
        orm: Box::new(|s: &mut Sides, n| {
            each(n, || {
                let rows: Vec<(ForeignKey<User>, i64)> = Article::objects()
                    .values(&["author"])
                    .expect("values")
                    .annotate("n", Agg::count_rows())
                    .expect("annotate")
                    .tuples(&mut s.orm)
                    .expect("group");
                assert_eq!(rows.len(), USERS);
                rows
            })
        }),
        diesel: Box::new(|s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let rows = blog_article::table
                    .group_by(blog_article::author_id)
                    .select((blog_article::author_id, count_star()))
                    .order(blog_article::author_id)
                    .load::<(i64, i64)>(c)
                    .expect("group");
                assert_eq!(rows.len(), USERS);
                rows
            }))
        }),
    }
}

fn group_related() -> Case {
    Case {
        id: "group_related",
        slow: false,
        orm: Box::new(|s: &mut Sides, n| {
            each(n, || {
                let rows: Vec<(String, i64)> = Article::objects()
                    .filter(Article::IS_PUBLISHED.eq(true))
                    .values(&["author__username"])
                    .expect("values")
                    .annotate("n", Agg::count_rows())
                    .expect("annotate")
                    .tuples(&mut s.orm)
                    .expect("group");
                assert_eq!(rows.len(), USERS / 2);
                rows
            })
        }),
        diesel: Box::new(|s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let rows = blog_article::table
                    .inner_join(auth_user::table)
                    .filter(blog_article::is_published.eq(true))
                    .group_by(auth_user::username)
                    .select((auth_user::username, count_star()))
                    .order(auth_user::username)
                    .load::<(String, i64)>(c)
                    .expect("group");
                assert_eq!(rows.len(), USERS / 2);
                rows
            }))
        }),
    }
}

fn aggregates() -> Case {
    let expected = (ARTICLES as i64 + 1) / 2;
    Case {
        id: "aggregates",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                let [count, latest] = Article::objects()
                    .filter(Article::IS_PUBLISHED.eq(true))
                    .aggregates(&mut s.orm, [Agg::count_rows(), Agg::max("published_date")])
                    .expect("aggregates");
                assert_eq!(count, orm_core::Value::BigInt(expected));
                latest
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let (count, latest) = blog_article::table
                    .filter(blog_article::is_published.eq(true))
                    .select((count_star(), max(blog_article::published_date)))
                    .first::<(i64, Option<chrono::NaiveDateTime>)>(c)
                    .expect("aggregates");
                assert_eq!(count, expected);
                latest
            }))
        }),
    }
}

fn f_update(backend: &Backend) -> Case {
    let last = backend.article_ids[999];
    Case {
        id: "f_update",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                Article::objects()
                    .filter(Article::ID.lte(last))
                    .update(
                        &mut s.orm,
                        vec![Article::TITLE.set_to(Lower(F(Article::TITLE)))],
                    )
                    .expect("update")
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                diesel::update(blog_article::table.filter(blog_article::id.le(last)))
                    .set(blog_article::title.eq(lower(blog_article::title)))
                    .execute(c)
                    .expect("update")
            }))
        }),
    }
}

fn get_or_create() -> Case {
    let slug = |i: usize| format!("article-{}", (i * 7919) % ARTICLES);
    let (mut i, mut j) = (0, 0);
    Case {
        id: "get_or_create",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                i += 1;
                let (row, created) = Article::objects()
                    .filter(Article::SLUG.eq(slug(i)))
                    .get_or_create(&mut s.orm, || unreachable!("the row exists"))
                    .expect("get_or_create");
                assert!(!created);
                row
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                j += 1;
                let found = blog_article::table
                    .filter(blog_article::slug.eq(slug(j)))
                    .select(ArticleRow::as_select())
                    .first::<ArticleRow>(c)
                    .optional()
                    .expect("get");
                found.expect("the row exists")
            }))
        }),
    }
}

fn full_text() -> Case {
    // One title in 100 has "Rust", less those the write cases changed: the
    // first side to search sets the count the other must find.
    let expected = std::rc::Rc::new(std::cell::Cell::new(None::<usize>));
    let same = move |count: usize| match expected.get() {
        None => {
            assert!(count > ARTICLES / 200, "{count} matches");
            expected.set(Some(count));
        }
        Some(expected) => assert_eq!(count, expected),
    };
    let orm_same = same.clone();
    let index = Article::schema()
        .full_text_index()
        .map(|index| orm_core::backend::ddl::index_name(Article::schema(), index))
        .expect("the blog's articles have a full-text index");
    let check = move |rows: diesel::QueryResult<Vec<ArticleRow>>| {
        let rows = rows.expect("search");
        same(rows.len());
        rows
    };
    // The condition a diesel user writes for the index the migration made.
    let sqlite =
        format!("blog_article.id IN (SELECT rowid FROM {index} WHERE {index} MATCH 'rust*')");
    let postgres = "to_tsvector('simple'::regconfig, coalesce(blog_article.title, '') || ' ' || \
                    coalesce(blog_article.content, '')) @@ to_tsquery('simple', 'rust:*')"
        .to_owned();
    let mysql = format!("MATCH({index}) AGAINST('+rust*' IN BOOLEAN MODE)");
    macro_rules! search {
        ($c:ident, $condition:expr) => {
            blog_article::table
                .filter(sql::<Bool>($condition))
                .order(blog_article::published_date.desc())
                .select(ArticleRow::as_select())
                .load::<ArticleRow>($c)
        };
    }
    Case {
        id: "full_text",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                let rows = Article::objects()
                    .filter(Filter::full_text("rust"))
                    .all(&mut s.orm)
                    .expect("search");
                orm_same(rows.len());
                rows
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| match &mut s.raw {
            Raw::Sqlite(c) => each(n, || check(search!(c, &sqlite))),
            #[cfg(feature = "postgres")]
            Raw::Pg(c) => each(n, || check(search!(c, &postgres))),
            #[cfg(feature = "mysql")]
            Raw::Mysql(c) => each(n, || check(search!(c, &mysql))),
        }),
    }
}

fn distinct() -> Case {
    Case {
        id: "distinct",
        slow: false,
        orm: Box::new(|s: &mut Sides, n| {
            each(n, || {
                let authors: Vec<ForeignKey<User>> = Article::objects()
                    .filter(Article::IS_PUBLISHED.eq(true))
                    .values(&["author"])
                    .expect("values")
                    .distinct()
                    .flat(&mut s.orm)
                    .expect("distinct");
                assert_eq!(authors.len(), USERS / 2);
                authors
            })
        }),
        diesel: Box::new(|s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let authors = blog_article::table
                    .filter(blog_article::is_published.eq(true))
                    .select(blog_article::author_id)
                    .distinct()
                    .order(blog_article::author_id)
                    .load::<i64>(c)
                    .expect("distinct");
                assert_eq!(authors.len(), USERS / 2);
                authors
            }))
        }),
    }
}

fn exists_case() -> Case {
    let slug = format!("article-{}", ARTICLES / 2);
    let raw_slug = slug.clone();
    Case {
        id: "exists",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                let found = Article::objects()
                    .filter(Article::SLUG.eq(slug.clone()))
                    .exists(&mut s.orm)
                    .expect("exists");
                assert!(found);
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let found: bool = diesel::select(exists(
                    blog_article::table.filter(blog_article::slug.eq(&raw_slug)),
                ))
                .get_result(c)
                .expect("exists");
                assert!(found);
            }))
        }),
    }
}

fn update_filter() -> Case {
    Case {
        id: "update_filter",
        slow: false,
        orm: Box::new(|s: &mut Sides, n| {
            each(n, || {
                Article::objects()
                    .filter(Article::IS_PUBLISHED.eq(true))
                    .update(&mut s.orm, vec![Article::IS_PUBLISHED.set(true)])
                    .expect("update")
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                diesel::update(
                    blog_article::table.filter(blog_article::is_published.eq(true)),
                )
                .set(blog_article::is_published.eq(true))
                .execute(c)
                .expect("update")
            }))
        }),
    }
}
