//! The seed's Article, end to end on every backend: create, query with
//! filter/order/paginate/select_related, update, delete.

use orm_core::prelude::*;
use orm_core::Error;
use tests::backends::each_backend;
use tests::models::{Article, Author};

fn schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    vec![Author::schema(), Article::schema()]
}

fn author(conn: &mut orm_core::AnyConnection, name: &str) -> Author {
    let mut author = Author {
        id: 0,
        username: name.to_owned(),
        email: format!("{name}@example.com"),
    };
    author.save(conn).expect("save author");
    author
}

fn article(
    conn: &mut orm_core::AnyConnection,
    author: &Author,
    n: usize,
    published: bool,
) -> Article {
    let mut article = Article {
        id: 0,
        title: format!("Article {n:02}"),
        slug: format!("article-{n:02}"),
        author: author.into(),
        content: "Body".to_owned(),
        published_date: Utc::now(),
        updated_date: Utc::now(),
        is_published: published,
    };
    article.save(conn).expect("save article");
    article
}

#[test]
fn article_lifecycle() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let alice = author(conn, "alice");
        let bob = author(conn, "bob");
        assert!(
            alice.id > 0 && bob.id > alice.id,
            "{kind}: ids are assigned"
        );
        for n in 0..25 {
            let who = if n % 2 == 0 { &alice } else { &bob };
            article(conn, who, n, n % 5 != 0);
        }

        let published = Article::objects().filter(Article::IS_PUBLISHED.eq(true));
        assert_eq!(published.count(conn).unwrap(), 20, "{kind}");

        let page = published
            .clone()
            .select_related(Article::AUTHOR)
            .order_by([Article::TITLE.asc()])
            .paginate(conn, "2", 10)
            .unwrap();
        assert_eq!(page.number, 2, "{kind}");
        assert_eq!(page.num_pages, 2, "{kind}");
        assert_eq!(page.objects.len(), 10, "{kind}");
        assert!(page.has_previous() && !page.has_next(), "{kind}");
        let first = &page.objects[0];
        assert_eq!(first.title, "Article 13", "{kind}");
        let loaded = first
            .author
            .get()
            .expect("author loaded with select_related");
        assert_eq!(loaded.username, "bob", "{kind}");

        let by_alice = Article::objects()
            .filter(Article::AUTHOR.is(&alice) & Article::TITLE.icontains("ARTICLE 1"))
            .all(conn)
            .unwrap();
        assert_eq!(by_alice.len(), 5, "{kind}: 10, 12, 14, 16, 18");

        let mut one = Article::objects()
            .filter(Article::SLUG.eq("article-03"))
            .get(conn)
            .unwrap();
        let created = one.published_date;
        one.title = "Renamed".into();
        one.save(conn).unwrap();
        let again = Article::objects().get_pk(conn, one.id).unwrap();
        assert_eq!(again.title, "Renamed", "{kind}");
        assert_eq!(
            again.published_date.timestamp_micros(),
            created.timestamp_micros(),
            "{kind}: auto_now_add kept"
        );
        assert!(again.updated_date >= created, "{kind}: auto_now moved");

        let changed = Article::objects()
            .filter(Article::IS_PUBLISHED.eq(false))
            .update(conn, vec![Article::IS_PUBLISHED.set(true)])
            .unwrap();
        assert_eq!(changed, 5, "{kind}");
        assert_eq!(published.count(conn).unwrap(), 25, "{kind}");

        let deleted = alice.delete(conn).unwrap();
        assert_eq!(deleted, 14, "{kind}: alice and her 13 articles");
        assert_eq!(Article::objects().count(conn).unwrap(), 12, "{kind}");
        assert!(matches!(
            Author::objects().get_pk(conn, alice.id),
            Err(Error::NotFound { .. })
        ));
    });
}

#[test]
fn select_related_is_one_joined_query() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let alice = author(conn, "alice");
        for n in 0..12 {
            article(conn, &alice, n, true);
        }
        let query = Article::objects()
            .filter(Article::IS_PUBLISHED.eq(true))
            .select_related(Article::AUTHOR)
            .limit(10);
        let (rows, queries) = orm_core::db::capture_queries(conn, |conn| query.all(conn));
        let rows = rows.unwrap();
        assert_eq!(rows.len(), 10, "{kind}");
        assert!(rows
            .iter()
            .all(|a| a.author.get().is_some_and(|u| u.username == "alice")));
        assert_eq!(queries.len(), 1, "{kind}: {queries:?}");
        assert!(queries[0].contains("JOIN"), "{kind}: {}", queries[0]);

        let (_, without) = orm_core::db::capture_queries(conn, |conn| {
            Article::objects().limit(10).all(conn).unwrap();
        });
        assert_eq!(without.len(), 1, "{kind}");
        assert!(!without[0].contains("JOIN"), "{kind}");
    });
}

#[test]
fn bulk_create_is_all_or_nothing() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let mut authors: Vec<Author> = (0..50)
            .map(|n| Author {
                id: 0,
                username: format!("user{n}"),
                email: String::new(),
            })
            .collect();
        Author::bulk_create(conn, &mut authors).unwrap();
        assert!(authors.iter().all(|a| a.id > 0), "{kind}: keys assigned");
        assert_eq!(Author::objects().count(conn).unwrap(), 50, "{kind}");
        let mut clash = vec![
            Author {
                id: 0,
                username: "fresh".into(),
                email: String::new(),
            },
            Author {
                id: 0,
                username: "user3".into(),
                email: String::new(),
            },
        ];
        assert!(Author::bulk_create(conn, &mut clash).is_err(), "{kind}");
        assert_eq!(
            Author::objects().count(conn).unwrap(),
            50,
            "{kind}: none inserted"
        );
    });
}
