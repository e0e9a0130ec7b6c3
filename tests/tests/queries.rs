//! Every lookup, ordering, slicing, aggregates, bulk operations and
//! prefetch_related, on every backend.

use orm_core::prelude::*;
use orm_core::{Error, Value};
use tests::backends::each_backend;
use tests::models::{Article, Author};

fn setup(conn: &mut orm_core::AnyConnection) -> (Author, Author) {
    let mut alice = Author {
        id: 0,
        username: "alice".into(),
        email: "a@example.com".into(),
    };
    let mut bob = Author {
        id: 0,
        username: "Bob_%".into(),
        email: "b@example.com".into(),
    };
    alice.save(conn).unwrap();
    bob.save(conn).unwrap();
    let titles = [
        "Rust in Action",
        "rusty Nails",
        "Django Tips",
        "50% off_sale",
        "Ünïcode Straße",
    ];
    for (n, title) in titles.iter().enumerate() {
        let mut article = Article {
            id: 0,
            title: (*title).into(),
            slug: format!("slug-{n}"),
            author: if n < 3 {
                (&alice).into()
            } else {
                (&bob).into()
            },
            content: String::new() + "x",
            published_date: Utc::now(),
            updated_date: Utc::now(),
            is_published: n % 2 == 0,
        };
        article.save(conn).unwrap();
    }
    (alice, bob)
}

fn titles(rows: Vec<Article>) -> Vec<String> {
    rows.into_iter().map(|a| a.title).collect()
}

#[test]
fn lookups() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        setup(conn);
        let q = || Article::objects().order_by([Article::TITLE.asc()]);
        let n = |conn: &mut orm_core::AnyConnection, f: Filter<Article>| {
            Article::objects().filter(f).count(conn).unwrap()
        };
        assert_eq!(n(conn, Article::TITLE.eq("Django Tips")), 1, "{kind} exact");
        assert_eq!(
            n(conn, Article::TITLE.eq("django tips")),
            0,
            "{kind} exact is case-sensitive"
        );
        assert_eq!(
            n(conn, Article::TITLE.iexact("django TIPS")),
            1,
            "{kind} iexact"
        );
        assert_eq!(
            n(conn, Article::TITLE.contains("ust")),
            2,
            "{kind} contains"
        );
        assert_eq!(
            n(conn, Article::TITLE.contains("RUST")),
            0,
            "{kind} contains is case-sensitive"
        );
        assert_eq!(
            n(conn, Article::TITLE.icontains("RUST")),
            2,
            "{kind} icontains"
        );
        assert_eq!(
            n(conn, Article::TITLE.icontains("%")),
            1,
            "{kind} % is literal"
        );
        assert_eq!(
            n(conn, Article::TITLE.icontains("_")),
            1,
            "{kind} _ is literal"
        );
        assert_eq!(
            n(conn, Article::TITLE.startswith("Rust")),
            1,
            "{kind} startswith"
        );
        assert_eq!(
            n(conn, Article::TITLE.istartswith("rust")),
            2,
            "{kind} istartswith"
        );
        assert_eq!(
            n(conn, Article::TITLE.endswith("Tips")),
            1,
            "{kind} endswith"
        );
        assert_eq!(
            n(conn, Article::TITLE.iendswith("NAILS")),
            1,
            "{kind} iendswith"
        );
        assert_eq!(
            n(conn, Article::TITLE.contains("Straße")),
            1,
            "{kind} unicode"
        );
        assert_eq!(n(conn, Article::ID.gt(2)), 3, "{kind} gt");
        assert_eq!(n(conn, Article::ID.gte(2)), 4, "{kind} gte");
        assert_eq!(n(conn, Article::ID.lt(2)), 1, "{kind} lt");
        assert_eq!(n(conn, Article::ID.lte(2)), 2, "{kind} lte");
        assert_eq!(n(conn, Article::ID.is_in([1, 3, 99])), 2, "{kind} in");
        assert_eq!(
            n(conn, Article::ID.is_in(Vec::<i64>::new())),
            0,
            "{kind} in []"
        );
        assert_eq!(n(conn, Article::ID.range(2, 4)), 3, "{kind} range");
        assert_eq!(n(conn, Article::ID.ne(1)), 4, "{kind} ne");
        assert_eq!(
            n(
                conn,
                Article::IS_PUBLISHED.eq(true) | Article::TITLE.startswith("Dj")
            ),
            3,
            "{kind} or"
        );
        assert_eq!(
            n(conn, !(Article::IS_PUBLISHED.eq(true) | Article::ID.eq(2))),
            1,
            "{kind} not"
        );
        let excluded = Article::objects()
            .exclude(Article::IS_PUBLISHED.eq(true))
            .count(conn)
            .unwrap();
        assert_eq!(excluded, 2, "{kind} exclude");

        let by_name = |conn: &mut orm_core::AnyConnection, name: &str, value: &str| {
            Article::objects()
                .filter_by(name, value)
                .unwrap()
                .count(conn)
                .unwrap()
        };
        assert_eq!(by_name(conn, "title__icontains", "rust"), 2, "{kind}");
        assert_eq!(by_name(conn, "id__in", "1,2"), 2, "{kind}");
        assert_eq!(by_name(conn, "id__range", "2,3"), 2, "{kind}");
        assert_eq!(by_name(conn, "is_published", "true"), 3, "{kind}");
        assert_eq!(by_name(conn, "author_id", "1"), 3, "{kind}");
        assert!(matches!(
            Article::objects().filter_by("nope__icontains", "x"),
            Err(Error::UnknownField { .. })
        ));
        assert!(matches!(
            Article::objects().filter_by("is_published__icontains", "x"),
            Err(Error::InvalidLookup { .. })
        ));
        assert!(matches!(
            Article::objects().filter_by("id", "1; DROP TABLE blog_article"),
            Err(Error::InvalidValue { .. })
        ));

        let searched = Article::objects()
            .search(&["title", "content"], "  rust   NAILS ")
            .unwrap();
        assert_eq!(
            titles(searched.all(conn).unwrap()),
            vec!["rusty Nails"],
            "{kind} search"
        );

        let ordered = titles(q().all(conn).unwrap());
        let mut expected = ordered.clone();
        expected.sort();
        assert_eq!(ordered, expected, "{kind} order_by");
        let desc = titles(
            Article::objects()
                .order_by_names(&["-is_published", "id"])
                .unwrap()
                .all(conn)
                .unwrap(),
        );
        assert_eq!(
            desc,
            vec![
                "Rust in Action",
                "Django Tips",
                "Ünïcode Straße",
                "rusty Nails",
                "50% off_sale"
            ],
            "{kind} multi-key order"
        );
        let sliced = titles(q().offset(1).limit(2).all(conn).unwrap());
        assert_eq!(sliced, expected[1..3].to_vec(), "{kind} slice");
        let first = q().first(conn).unwrap().unwrap();
        assert_eq!(first.title, expected[0], "{kind} first");
        assert!(q().exists(conn).unwrap());
        assert!(!q().filter(Article::ID.eq(999)).exists(conn).unwrap());
        assert!(matches!(
            q().get(conn),
            Err(Error::MultipleReturned { count: 5, .. })
        ));
        assert!(matches!(
            q().filter(Article::ID.eq(999)).get(conn),
            Err(Error::NotFound { .. })
        ));
        assert!(Article::objects().order_by_names(&["-nope"]).is_err());
    });
}

#[test]
fn aggregates_and_bulk_writes() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        setup(conn);
        let all = Article::objects();
        let agg = |conn: &mut orm_core::AnyConnection, a: Aggregate| {
            all.aggregate(conn, a, Article::ID).unwrap()
        };
        assert_eq!(agg(conn, Aggregate::Count), Value::BigInt(5), "{kind}");
        assert_eq!(agg(conn, Aggregate::Min), Value::BigInt(1), "{kind}");
        assert_eq!(agg(conn, Aggregate::Max), Value::BigInt(5), "{kind}");
        assert_eq!(agg(conn, Aggregate::Sum).to_string(), "15", "{kind}");
        let avg = agg(conn, Aggregate::Avg).to_string();
        assert!(avg.starts_with('3'), "{kind}: avg {avg}");
        let max_title = all.aggregate(conn, Aggregate::Max, Article::TITLE).unwrap();
        assert_eq!(max_title, Value::Text("Ünïcode Straße".into()), "{kind}");
        let none = all
            .clone()
            .filter(Article::ID.gt(100))
            .aggregate(conn, Aggregate::Sum, Article::ID)
            .unwrap();
        assert_eq!(none, Value::Null, "{kind}");
        assert!(all
            .aggregate(conn, Aggregate::Sum, Article::IS_PUBLISHED)
            .is_err());

        let updated = all
            .clone()
            .filter(Article::IS_PUBLISHED.eq(false))
            .update(
                conn,
                vec![
                    Article::CONTENT.set("updated"),
                    Article::IS_PUBLISHED.set(true),
                ],
            )
            .unwrap();
        assert_eq!(updated, 2, "{kind}");
        assert_eq!(
            all.clone()
                .filter(Article::CONTENT.eq("updated"))
                .count(conn)
                .unwrap(),
            2
        );
        let too_long = "x".repeat(201);
        assert!(matches!(
            all.update(conn, vec![Article::TITLE.set(too_long)]),
            Err(Error::Validation(_))
        ));

        let sliced_delete = Article::objects()
            .order_by([Article::ID.desc()])
            .limit(2)
            .delete(conn)
            .unwrap();
        assert_eq!(sliced_delete, 2, "{kind}");
        assert_eq!(all.count(conn).unwrap(), 3, "{kind}");
    });
}

#[test]
fn prefetch_related_uses_one_extra_query() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        setup(conn);
        let authors = Author::objects()
            .order_by([Author::ID.asc()])
            .prefetch_related(conn, Article::AUTHOR)
            .unwrap();
        assert_eq!(authors.len(), 2, "{kind}");
        assert_eq!(authors[0].1.len(), 3, "{kind}");
        assert_eq!(authors[1].1.len(), 2, "{kind}");
        assert!(authors[1]
            .1
            .iter()
            .all(|a| a.author.id() == authors[1].0.id));
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn async_code_runs_queries_off_the_executor() {
    let test_db = tests::backends::fresh(
        orm_core::db::BackendKind::Sqlite,
        None,
        &[Author::schema(), Article::schema()],
    );
    let db = test_db.db.clone();
    let count = db
        .run(|conn| {
            setup(conn);
            Article::objects().count(conn)
        })
        .await
        .unwrap();
    assert_eq!(count, 5);
}
