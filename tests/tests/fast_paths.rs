//! Multi-row inserts on every backend: `bulk_create` writes up to 1,000 rows
//! a statement and gives every object the key of its own row; `save` of a
//! new object reads its key back in the same statement where it can.

use orm_core::db::capture_queries;
use orm_core::prelude::*;
use tests::backends::each_backend;
use tests::models::{Article, Author};

fn schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    vec![Author::schema(), Article::schema()]
}

fn author(conn: &mut AnyConnection) -> Author {
    let mut author = Author {
        id: 0,
        username: "writer".into(),
        email: String::new(),
    };
    author.save(conn).unwrap();
    author
}

fn articles(author: &Author, prefix: &str, n: usize) -> Vec<Article> {
    (0..n)
        .map(|i| Article {
            id: 0,
            title: format!("{prefix} {i}"),
            slug: format!("{prefix}-{i}"),
            author: ForeignKey::new(author.id),
            content: format!("body of {prefix} {i}"),
            published_date: DateTime::<Utc>::MIN_UTC,
            updated_date: DateTime::<Utc>::MIN_UTC,
            is_published: i % 2 == 0,
        })
        .collect()
}

fn inserts(queries: &[String]) -> usize {
    queries
        .iter()
        .filter(|q| q.trim_start().to_uppercase().starts_with("INSERT"))
        .count()
}

/// Every object holds the key of the row that has its slug.
fn assert_keys_match(conn: &mut AnyConnection, objects: &[Article], kind: impl std::fmt::Display) {
    let rows = Article::objects()
        .filter(Article::ID.is_in(objects.iter().map(|a| a.id)))
        .all(conn)
        .unwrap();
    assert_eq!(rows.len(), objects.len(), "{kind}: one row per key");
    let by_id: std::collections::HashMap<i64, &Article> = rows.iter().map(|a| (a.id, a)).collect();
    for object in objects {
        let row = by_id[&object.id];
        assert_eq!(
            row.slug, object.slug,
            "{kind}: key {} is another row's",
            object.id
        );
        assert_eq!(row.content, object.content, "{kind}");
    }
}

#[test]
fn bulk_create_uses_multi_row_inserts_and_gives_each_object_its_key() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let writer = author(conn);
        let mut objects = articles(&writer, "bulk", 2_345);
        let (result, queries) =
            capture_queries(conn, |conn| Article::bulk_create(conn, &mut objects));
        result.unwrap();
        assert_eq!(inserts(&queries), 3, "{kind}: 1,000 rows a statement");
        let mut keys: Vec<i64> = objects.iter().map(|a| a.id).collect();
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "{kind}: keys in order"
        );
        keys.dedup();
        assert_eq!(keys.len(), 2_345, "{kind}");
        assert_keys_match(conn, &objects, kind);
        // auto_now_add and auto_now were applied, and are what was stored.
        assert!(objects
            .iter()
            .all(|a| a.published_date > DateTime::<Utc>::MIN_UTC));
        let stored = Article::objects().get_pk(conn, objects[7].id).unwrap();
        assert_eq!(stored.published_date, objects[7].published_date, "{kind}");
        assert_eq!(stored.updated_date, objects[7].updated_date, "{kind}");
    });
}

#[test]
fn bulk_create_validates_before_writing_and_rolls_back_every_chunk() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let writer = author(conn);

        let mut invalid = articles(&writer, "invalid", 10);
        invalid[9].title = "x".repeat(201);
        let (result, queries) =
            capture_queries(conn, |conn| Article::bulk_create(conn, &mut invalid));
        assert!(
            matches!(result, Err(orm_core::Error::Validation(_))),
            "{kind}: {result:?}"
        );
        assert_eq!(inserts(&queries), 0, "{kind}: nothing written");

        // A unique clash in the second statement undoes the first one too.
        let mut clash = articles(&writer, "clash", 1_500);
        clash[1_200].slug = clash[3].slug.clone();
        assert!(Article::bulk_create(conn, &mut clash).is_err(), "{kind}");
        assert_eq!(Article::objects().count(conn).unwrap(), 0, "{kind}");
    });
}

#[test]
fn bulk_create_with_given_keys_inserts_them_as_given() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let writer = author(conn);
        let mut objects = articles(&writer, "mixed", 4);
        objects[1].id = 1_000;
        Article::bulk_create(conn, &mut objects).unwrap();
        assert_eq!(objects[1].id, 1_000, "{kind}");
        assert!(objects.iter().all(|a| a.id > 0), "{kind}");
        assert_keys_match(conn, &objects, kind);
    });
}

#[test]
fn save_reads_the_new_key_back_with_the_insert() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let writer = author(conn);
        let mut objects = articles(&writer, "one", 3);
        for object in &mut objects {
            let (result, queries) = capture_queries(conn, |conn| object.save(conn));
            result.unwrap();
            let expected = match kind {
                // No RETURNING: LAST_INSERT_ID() follows.
                orm_core::db::BackendKind::Mysql => 2,
                // RETURNING buffers its row in a temporary table: a plain
                // INSERT and last_insert_rowid() are faster.
                orm_core::db::BackendKind::Sqlite => 2,
                orm_core::db::BackendKind::Postgres => 1,
            };
            assert_eq!(queries.len(), expected, "{kind}: {queries:?}");
        }
        assert!(objects.windows(2).all(|w| w[0].id < w[1].id), "{kind}");
        assert_keys_match(conn, &objects, kind);
    });
}

#[test]
fn concurrent_bulk_creates_each_get_their_own_keys() {
    each_backend(&schemas(), |kind, db| {
        let writer = author(&mut db.conn().unwrap());
        let results: Vec<Vec<Article>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..3)
                .map(|t| {
                    let writer = &writer;
                    scope.spawn(move || {
                        let mut conn = db.conn().unwrap();
                        let mut all = Vec::new();
                        for round in 0..4 {
                            let mut objects = articles(writer, &format!("t{t}r{round}"), 700);
                            Article::bulk_create(&mut conn, &mut objects).unwrap();
                            all.extend(objects);
                        }
                        all
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut conn = db.conn().unwrap();
        for objects in &results {
            assert_keys_match(&mut conn, objects, kind);
        }
    });
}

#[test]
fn get_by_key_is_one_unordered_statement() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let writer = author(conn);
        let mut objects = articles(&writer, "get", 3);
        Article::bulk_create(conn, &mut objects).unwrap();
        let (found, queries) =
            capture_queries(conn, |conn| Article::objects().get_pk(conn, objects[1].id));
        assert_eq!(found.unwrap().slug, "get-1", "{kind}");
        assert_eq!(queries.len(), 1, "{kind}: {queries:?}");
        assert!(!queries[0].contains("ORDER BY"), "{kind}: {}", queries[0]);
        assert!(matches!(
            Article::objects().get_pk(conn, 999_999),
            Err(orm_core::Error::NotFound { .. })
        ));
        // A key with another filter, or with select_related, still applies both.
        let hidden = Article::objects()
            .filter(Article::IS_PUBLISHED.eq(true))
            .get_pk(conn, objects[1].id);
        assert!(
            matches!(hidden, Err(orm_core::Error::NotFound { .. })),
            "{kind}"
        );
        let joined = Article::objects()
            .select_related(Article::AUTHOR)
            .get_pk(conn, objects[2].id)
            .unwrap();
        assert_eq!(joined.author.get().map(|a| a.id), Some(writer.id), "{kind}");
        // `get` by another field ignores the default ordering too.
        let (found, queries) = capture_queries(conn, |conn| {
            Article::objects()
                .filter(Article::SLUG.eq("get-2"))
                .get(conn)
        });
        assert_eq!(found.unwrap().id, objects[2].id, "{kind}");
        assert!(!queries[0].contains("ORDER BY"), "{kind}: {}", queries[0]);
    });
}

#[test]
fn delete_of_rows_nothing_points_at_is_one_statement() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let writer = author(conn);
        let mut objects = articles(&writer, "del", 30);
        Article::bulk_create(conn, &mut objects).unwrap();
        // No model has a foreign key to Article: one DELETE with the filter.
        let (deleted, queries) = capture_queries(conn, |conn| {
            Article::objects()
                .filter(Article::IS_PUBLISHED.eq(true))
                .delete(conn)
        });
        assert_eq!(deleted.unwrap(), 15, "{kind}");
        assert_eq!(queries.len(), 1, "{kind}: {queries:?}");
        assert!(queries[0].trim_start().starts_with("DELETE"), "{kind}");
        assert_eq!(Article::objects().count(conn).unwrap(), 15, "{kind}");
        // A slice deletes just its rows.
        let deleted = Article::objects()
            .order_by([Article::ID.asc()])
            .limit(5)
            .delete(conn)
            .unwrap();
        assert_eq!(deleted, 5, "{kind}");
        let left = Article::objects()
            .order_by([Article::ID.asc()])
            .all(conn)
            .unwrap();
        assert_eq!(left.len(), 10, "{kind}");
        assert_eq!(left[0].id, objects[11].id, "{kind}");
        // Author has articles pointing at it: they cascade, as before.
        assert_eq!(writer.delete(conn).unwrap(), 11, "{kind}");
        assert_eq!(Article::objects().count(conn).unwrap(), 0, "{kind}");
    });
}

/// Saves `n` articles by a new author whose titles repeat every `distinct`
/// rows, so that an order by title needs its second column.
fn save_with_repeating_titles(conn: &mut AnyConnection, prefix: &str, n: usize, distinct: usize) {
    let writer = author(conn);
    let mut objects = articles(&writer, prefix, n);
    for (i, object) in objects.iter_mut().enumerate() {
        object.title = format!("{prefix} {:04}", i % distinct);
    }
    Article::bulk_create(conn, &mut objects).unwrap();
}

/// A page far into the rows reads its keys first, then the rows by key
/// (a deferred join), and gives the same rows in the same order as the
/// plain query, with their related objects.
#[test]
fn a_deep_page_is_read_by_its_keys_first() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        save_with_repeating_titles(conn, "deep", 2_400, 700);
        let query = Article::objects()
            .filter(Article::IS_PUBLISHED.eq(true))
            .order_by([Article::TITLE.desc(), Article::ID.asc()])
            .select_related(Article::AUTHOR);
        let deep = query.clone().offset(1_000).limit(20);
        let (rows, statements) = capture_queries(conn, |conn| deep.all(conn).unwrap());
        assert_eq!(
            statements.len(),
            2,
            "{kind}: keys, then rows: {statements:#?}"
        );
        let all = query.all(conn).unwrap();
        assert!(all.len() > 1_020, "{kind}: {} rows", all.len());
        let expected: Vec<i64> = all.iter().skip(1_000).take(20).map(|a| a.id).collect();
        let got: Vec<i64> = rows.iter().map(|a| a.id).collect();
        assert_eq!(got, expected, "{kind}");
        assert!(
            rows.iter()
                .all(|a| a.author.get().map(|u| u.username.as_str()) == Some("writer")),
            "{kind}: authors joined"
        );
        let past_the_end = query.offset(1_200).limit(20).all(conn).unwrap();
        assert!(past_the_end.is_empty(), "{kind}");
    });
}

/// `paginate` and `ListView` read a page past the middle with the order
/// reversed from the far end, and give the same rows in the same order as
/// reading from the start would.
#[test]
fn pages_past_the_middle_are_read_from_the_far_end() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        save_with_repeating_titles(conn, "far", 1_050, 300);
        let query = Article::objects().order_by([Article::TITLE.desc()]);
        // The order made total: equal titles by descending key.
        let all: Vec<i64> = query
            .clone()
            .order_by([Article::TITLE.desc(), Article::ID.desc()])
            .all(conn)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        let list = orm_core::views::ListView::new(query.clone()).paginate_by(100);
        for number in 1..=11 {
            let expected: Vec<i64> = all
                .iter()
                .skip((number - 1) * 100)
                .take(100)
                .copied()
                .collect();
            let (page, statements) = capture_queries(conn, |conn| {
                query.paginate(conn, &number.to_string(), 100).unwrap()
            });
            let got: Vec<i64> = page.objects.iter().map(|a| a.id).collect();
            assert_eq!(got, expected, "{kind}: page {number}");
            let rows = statements
                .last()
                .unwrap()
                .replace(['`', '"'], "")
                .to_lowercase();
            let from_the_end = rows.contains("order by blog_article.title asc");
            assert_eq!(from_the_end, number >= 6, "{kind}: page {number}: {rows}");
            let listed = list.get(conn, &format!("page={number}")).unwrap();
            let got: Vec<i64> = listed.objects.iter().map(|a| a.id).collect();
            assert_eq!(got, expected, "{kind}: ListView page {number}");
        }
    });
}

/// `CursorListView` walks a list by cursor, forwards and back, giving the
/// rows of the plain query in its order, ties broken by the key, each page
/// in one statement; a cursor that does not fit is a 404.
#[test]
fn cursor_pages_walk_the_list_both_ways() {
    use orm_core::views::CursorListView;

    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        save_with_repeating_titles(conn, "cursor", 230, 40);
        let query = Article::objects()
            .filter(Article::TITLE.startswith("cursor"))
            .order_by([Article::TITLE.desc()]);
        let all: Vec<i64> = query
            .clone()
            .order_by([Article::TITLE.desc(), Article::ID.desc()])
            .all(conn)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        let view = CursorListView::new(query).paginate_by(25);
        let ids = |objects: &[Article]| objects.iter().map(|a| a.id).collect::<Vec<i64>>();

        // Forwards: every row once, in order.
        let mut pages = Vec::new();
        let mut url = String::new();
        loop {
            let (page, statements) = capture_queries(conn, |conn| {
                view.get(conn, url.trim_start_matches('?')).unwrap()
            });
            assert_eq!(statements.len(), 1, "{kind}: {statements:#?}");
            assert_eq!(page.previous_url.is_some(), !pages.is_empty(), "{kind}");
            pages.push((url.clone(), ids(&page.objects)));
            match page.next_url {
                Some(next) => url = next,
                None => break,
            }
        }
        let walked: Vec<i64> = pages.iter().flat_map(|(_, ids)| ids.clone()).collect();
        assert_eq!(walked, all, "{kind}: forwards");
        assert_eq!(pages.len(), 10, "{kind}: 230 rows, 25 a page");

        // Back from the last page: the same pages in turn.
        let last = view.get(conn, pages[9].0.trim_start_matches('?')).unwrap();
        let mut previous = last.previous_url;
        for (_, expected) in pages[..9].iter().rev() {
            let url = previous.expect("a previous page");
            let page = view.get(conn, url.trim_start_matches('?')).unwrap();
            assert_eq!(&ids(&page.objects), expected, "{kind}: backwards");
            previous = page.previous_url;
        }
        assert_eq!(previous, None, "{kind}: the first page has none before it");

        for bad in ["cursor=zzz", "cursor=aW10", "cursor=a%5B%5D", "cursor=b"] {
            assert!(
                matches!(view.get(conn, bad), Err(orm_core::Error::NotFound { .. })),
                "{kind}: {bad}"
            );
        }
    });
}
