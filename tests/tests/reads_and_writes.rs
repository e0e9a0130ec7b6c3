//! `get_or_create`, `update_or_create`, chunked reads and raw statements,
//! on every backend.

use std::sync::{Arc, Barrier};

use orm_core::prelude::*;
use orm_core::{Error, Value};
use tests::backends::each_backend;
use tests::models::{Article, Author};

fn author(name: &str) -> Author {
    Author {
        id: 0,
        username: name.to_owned(),
        email: String::new(),
    }
}

/// Authors of these names, saved.
fn saved(conn: &mut orm_core::AnyConnection, names: &[&str]) -> Vec<Author> {
    names
        .iter()
        .map(|name| {
            let mut a = author(name);
            a.save(conn).unwrap();
            a
        })
        .collect()
}

/// An article by the author with key `by`, its slug its title.
fn article(title: &str, by: i64, published: bool) -> Article {
    Article {
        id: 0,
        title: title.to_owned(),
        slug: title.replace('\'', "-"),
        author: ForeignKey::new(by),
        content: "text".to_owned(),
        published_date: Utc::now(),
        updated_date: Utc::now(),
        is_published: published,
    }
}

#[test]
fn get_or_create_finds_or_creates_once_even_when_racing() {
    each_backend(&[Author::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let ada = Author::objects().filter(Author::USERNAME.eq("ada"));
        let (first, created) = ada.get_or_create(conn, || author("ada")).unwrap();
        assert!(created, "{kind}");
        let (again, created) = ada.get_or_create(conn, || author("ada")).unwrap();
        assert!(!created, "{kind}");
        assert_eq!(again.id, first.id, "{kind}");

        // Four connections at once: one creates, the others find its row.
        for round in 0..4 {
            let name = format!("racer{round}");
            let start = Arc::new(Barrier::new(4));
            let results: Vec<(i64, bool)> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..4)
                    .map(|_| {
                        let (db, start, name) = (db.clone(), start.clone(), name.clone());
                        scope.spawn(move || {
                            let mut conn = db.conn().unwrap();
                            start.wait();
                            let (row, created) = Author::objects()
                                .filter(Author::USERNAME.eq(name.clone()))
                                .get_or_create(&mut conn, || author(&name))
                                .unwrap();
                            (row.id, created)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let created = results.iter().filter(|(_, created)| *created).count();
            assert_eq!(created, 1, "{kind}: {results:?}");
            assert!(results.iter().all(|(id, _)| *id == results[0].0), "{kind}");
        }

        // A unique violation for a row the query does not name is the
        // caller's error; an enclosing transaction goes on after it.
        orm_core::atomic(conn, |conn| {
            let other = Author::objects()
                .filter(Author::USERNAME.eq("ada") & Author::EMAIL.eq("not@this.one"));
            let refused = other.get_or_create(conn, || author("ada"));
            assert!(
                matches!(refused, Err(Error::UniqueViolation { .. })),
                "{kind}: {refused:?}"
            );
            Author::objects().count(conn)
        })
        .unwrap();
    });
}

#[test]
fn update_or_create_updates_the_row_or_creates_it() {
    each_backend(&[Author::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let bo = Author::objects().filter(Author::USERNAME.eq("bo"));
        let set_email = |a: &mut Author| a.email = "bo@example.com".into();
        let (row, created) = bo
            .update_or_create(conn, set_email, || author("bo"))
            .unwrap();
        assert!(created, "{kind}");
        assert_eq!(row.email, "", "{kind}: created as given");
        let (row, created) = bo
            .update_or_create(conn, set_email, || author("bo"))
            .unwrap();
        assert!(!created, "{kind}");
        assert_eq!(row.email, "bo@example.com", "{kind}");
        assert_eq!(bo.get(conn).unwrap().email, "bo@example.com", "{kind}");
        assert_eq!(Author::objects().count(conn).unwrap(), 1, "{kind}");
    });
}

#[test]
fn chunks_read_every_row_by_keyset_in_the_query_order() {
    each_backend(&[Author::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let mut authors: Vec<Author> = (0..250).map(|i| author(&format!("a{i:03}"))).collect();
        Author::bulk_create(conn, &mut authors).unwrap();
        let newest_first = Author::objects().order_by([Author::USERNAME.desc()]);
        let (chunks, queries) = orm_core::db::capture_queries(conn, |conn| {
            newest_first
                .chunks(conn, 100)
                .collect::<orm_core::Result<Vec<Vec<Author>>>>()
        });
        let chunks = chunks.unwrap();
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes, [100, 100, 50], "{kind}");
        let names: Vec<&str> = chunks
            .iter()
            .flatten()
            .map(|a| a.username.as_str())
            .collect();
        assert_eq!(names.first(), Some(&"a249"), "{kind}");
        assert_eq!(names.last(), Some(&"a000"), "{kind}");
        assert!(names.windows(2).all(|w| w[0] > w[1]), "{kind}: in order");
        assert_eq!(queries.len(), 3, "{kind}: one statement a chunk");
        assert!(
            queries.iter().all(|q| !q.to_uppercase().contains("OFFSET")),
            "{kind}: no offsets: {queries:?}"
        );

        let limited: Vec<usize> = newest_first
            .clone()
            .limit(130)
            .chunks(conn, 100)
            .map(|chunk| chunk.unwrap().len())
            .collect();
        assert_eq!(limited, [100, 30], "{kind}: the limit holds");
        let offset = newest_first.clone().offset(5).chunks(conn, 100).next();
        assert!(
            matches!(offset, Some(Err(Error::InvalidValue { .. }))),
            "{kind}: {offset:?}"
        );
        let none = Author::objects()
            .filter(Author::USERNAME.eq("nobody"))
            .chunks(conn, 10)
            .count();
        assert_eq!(none, 0, "{kind}");
    });
}

#[test]
fn raw_statements_return_models_with_bound_parameters() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let mut ada = author("ada");
        ada.save(conn).unwrap();
        for (slug, published) in [("one", true), ("two", false), ("it's", true)] {
            article(slug, ada.id, published).save(conn).unwrap();
        }
        let table = orm_core::backend::ddl::quote_ident("blog_article", kind);
        let sql =
            format!("SELECT * FROM {table} WHERE is_published = ? AND slug <> '?' ORDER BY title");
        let rows = Article::raw(conn, &sql, &[Value::Bool(true)]).unwrap();
        let titles: Vec<&str> = rows.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["it's", "one"], "{kind}");
        // A value is bound, never spliced: quotes in it are data.
        let sql = format!("SELECT * FROM {table} WHERE title = ?");
        let rows = Article::raw(conn, &sql, &[Value::Text("it's".into())]).unwrap();
        assert_eq!(rows.len(), 1, "{kind}");
        let injected = Article::raw(conn, &sql, &[Value::Text("x' OR '1'='1".into())]).unwrap();
        assert!(injected.is_empty(), "{kind}");
        // A bad statement is an error, not a panic.
        assert!(
            Article::raw(conn, "SELECT * FROM missing_table", &[]).is_err(),
            "{kind}"
        );
    });
}

#[test]
fn related_follows_a_foreign_key_back_to_its_rows() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let [ada, bo] = <[Author; 2]>::try_from(saved(conn, &["ada", "bo"])).unwrap();
        for (title, by, published) in [("a", &ada, true), ("b", &ada, false), ("c", &bo, true)] {
            article(title, by.id, published).save(conn).unwrap();
        }
        let of_ada = ada.related(Article::AUTHOR);
        assert_eq!(of_ada.count(conn).unwrap(), 2, "{kind}");
        let published = of_ada
            .filter(Article::IS_PUBLISHED.eq(true))
            .all(conn)
            .unwrap();
        assert_eq!(published.len(), 1, "{kind}");
        assert_eq!(published[0].title, "a", "{kind}");
        assert_eq!(
            bo.related(Article::AUTHOR).count(conn).unwrap(),
            1,
            "{kind}"
        );
    });
}

#[test]
fn lookups_follow_foreign_keys_typed_and_by_name() {
    use tests::models::{CascadeChild, GrandChild, Parent};
    let schemas = [
        Author::schema(),
        Article::schema(),
        Parent::schema(),
        CascadeChild::schema(),
        GrandChild::schema(),
    ];
    each_backend(&schemas, |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let [ada, bo] = <[Author; 2]>::try_from(saved(conn, &["ada", "bo"])).unwrap();
        for (title, by) in [("a", &ada), ("b", &ada), ("c", &bo)] {
            article(title, by.id, true).save(conn).unwrap();
        }
        let by_ada = Article::AUTHOR.matches(Author::USERNAME.eq("ada"));
        assert_eq!(
            Article::objects()
                .filter(by_ada.clone())
                .count(conn)
                .unwrap(),
            2,
            "{kind}"
        );
        assert_eq!(
            Article::objects()
                .exclude(by_ada.clone())
                .count(conn)
                .unwrap(),
            1,
            "{kind}"
        );
        // Beside a join of the same table (select_related), and combined.
        let rows = Article::objects()
            .select_related(Article::AUTHOR)
            .filter(by_ada.clone() & Article::TITLE.eq("b"))
            .all(conn)
            .unwrap();
        assert_eq!(rows.len(), 1, "{kind}");
        assert_eq!(
            rows[0].author.get().map(|a| a.username.as_str()),
            Some("ada"),
            "{kind}"
        );
        let named = Article::objects()
            .filter_by("author__username__startswith", "b")
            .unwrap();
        assert_eq!(named.count(conn).unwrap(), 1, "{kind}: by name");
        let unknown = Article::objects().filter_by("author__nothing", "x");
        assert!(
            unknown.is_err(),
            "{kind}: an unknown field of the target is an error"
        );
        // Updates and deletes take them too.
        let changed = Article::objects()
            .filter(by_ada)
            .update(conn, vec![Article::IS_PUBLISHED.set(false)])
            .unwrap();
        assert_eq!(changed, 2, "{kind}");

        // Two levels: grandchildren of the parent named "p1".
        let mut parents = Vec::new();
        for name in ["p1", "p2"] {
            let mut parent = Parent {
                id: 0,
                name: name.into(),
            };
            parent.save(conn).unwrap();
            let mut child = CascadeChild {
                id: 0,
                parent: ForeignKey::new(parent.id),
            };
            child.save(conn).unwrap();
            GrandChild {
                id: 0,
                child: ForeignKey::new(child.id),
            }
            .save(conn)
            .unwrap();
            parents.push(parent);
        }
        let of_p1 = GrandChild::CHILD.matches(CascadeChild::PARENT.matches(Parent::NAME.eq("p1")));
        assert_eq!(
            GrandChild::objects().filter(of_p1).count(conn).unwrap(),
            1,
            "{kind}"
        );
        let named = GrandChild::objects()
            .filter_by("child__parent__name__in", "p1,p2")
            .unwrap();
        assert_eq!(named.count(conn).unwrap(), 2, "{kind}");
        let deleted = GrandChild::objects()
            .filter_by("child__parent__name", "p2")
            .unwrap()
            .delete(conn)
            .unwrap();
        assert_eq!(deleted, 1, "{kind}");
    });
}

#[test]
fn on_commit_work_waits_for_the_outermost_commit() {
    use std::cell::RefCell;
    use std::rc::Rc;
    each_backend(&[Author::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let log = Rc::new(RefCell::new(Vec::<&str>::new()));
        let note = |what: &'static str| {
            let log = log.clone();
            move || log.borrow_mut().push(what)
        };
        orm_core::db::on_commit(conn, note("outside: at once"));
        assert_eq!(*log.borrow(), ["outside: at once"], "{kind}");
        log.borrow_mut().clear();

        orm_core::atomic(conn, |conn| {
            author("cy").save(conn)?;
            orm_core::db::on_commit(conn, note("outer"));
            // A savepoint that commits: its work waits for the outer commit.
            orm_core::atomic(conn, |conn| {
                orm_core::db::on_commit(conn, note("inner kept"));
                Ok(())
            })?;
            // A savepoint rolled back: its work is dropped.
            let failed: orm_core::Result<()> = orm_core::atomic(conn, |conn| {
                orm_core::db::on_commit(conn, note("inner dropped"));
                Err(orm_core::Error::Internal("no".into()))
            });
            assert!(failed.is_err());
            assert!(log.borrow().is_empty(), "{kind}: nothing before the commit");
            Ok(())
        })
        .unwrap();
        assert_eq!(*log.borrow(), ["outer", "inner kept"], "{kind}");
        log.borrow_mut().clear();

        let rolled_back: orm_core::Result<()> = orm_core::atomic(conn, |conn| {
            orm_core::db::on_commit(conn, note("never"));
            orm_core::atomic(conn, |conn| {
                orm_core::db::on_commit(conn, note("never either"));
                Ok(())
            })?;
            Err(orm_core::Error::Internal("roll back".into()))
        });
        assert!(rolled_back.is_err());
        assert!(log.borrow().is_empty(), "{kind}: {:?}", log.borrow());
        assert_eq!(Author::objects().count(conn).unwrap(), 1, "{kind}");
    });
}

#[test]
fn bulk_update_and_upsert_write_many_rows_in_few_statements() {
    use orm_core::query::OnConflict;
    each_backend(&[Author::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let mut authors: Vec<Author> = (0..600).map(|i| author(&format!("u{i:03}"))).collect();
        Author::bulk_create(conn, &mut authors).unwrap();
        for (i, a) in authors.iter_mut().enumerate() {
            a.email = format!("u{i}@example.com");
        }
        let (changed, queries) = orm_core::db::capture_queries(conn, |conn| {
            Author::bulk_update(conn, &authors, &["email"])
        });
        assert_eq!(changed.unwrap(), 600, "{kind}");
        let updates = queries.iter().filter(|q| q.starts_with("UPDATE")).count();
        assert_eq!(updates, 2, "{kind}: 500 objects a statement");
        let one = Author::objects()
            .filter(Author::USERNAME.eq("u599"))
            .get(conn)
            .unwrap();
        assert_eq!(one.email, "u599@example.com", "{kind}");
        // Checked first: a bad value changes nothing.
        authors[0].email = "not an address".into();
        assert!(
            Author::bulk_update(conn, &authors, &["email"]).is_err(),
            "{kind}"
        );
        assert!(
            Author::bulk_update(conn, &authors, &["id"]).is_err(),
            "{kind}: not the key"
        );
        let first = Author::objects()
            .filter(Author::USERNAME.eq("u000"))
            .get(conn)
            .unwrap();
        assert_eq!(first.email, "u0@example.com", "{kind}");

        let mut more = vec![author("u000"), author("new1"), author("new2")];
        more[0].email = "changed@example.com".into();
        Author::bulk_upsert(conn, &mut more, OnConflict::Ignore).unwrap();
        assert_eq!(
            Author::objects().count(conn).unwrap(),
            602,
            "{kind}: the taken name skipped"
        );
        let kept = Author::objects()
            .filter(Author::USERNAME.eq("u000"))
            .get(conn)
            .unwrap();
        assert_eq!(
            kept.email, "u0@example.com",
            "{kind}: the existing row kept"
        );
        let update = OnConflict::Update {
            unique: &["username"],
            update: &["email"],
        };
        let mut again = vec![author("u000"), author("new3")];
        again[0].email = "changed@example.com".into();
        Author::bulk_upsert(conn, &mut again, update).unwrap();
        assert_eq!(Author::objects().count(conn).unwrap(), 603, "{kind}");
        let changed = Author::objects()
            .filter(Author::USERNAME.eq("u000"))
            .get(conn)
            .unwrap();
        assert_eq!(
            changed.email, "changed@example.com",
            "{kind}: the existing row updated"
        );
    });
}

#[test]
fn lookups_follow_foreign_keys_backwards() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        let [ada, bo, _cy] = <[Author; 3]>::try_from(saved(conn, &["ada", "bo", "cy"])).unwrap();
        for (title, by, published) in [("a", &ada, true), ("b", &ada, true), ("c", &bo, false)] {
            article(title, by.id, published).save(conn).unwrap();
        }
        let published = Article::AUTHOR.referencing(Article::IS_PUBLISHED.eq(true));
        let names = |q: QuerySet<Author>, conn: &mut orm_core::AnyConnection| -> Vec<String> {
            q.all(conn)
                .unwrap()
                .into_iter()
                .map(|a| a.username)
                .collect()
        };
        // Each author once, however many articles match.
        assert_eq!(
            names(Author::objects().filter(published.clone()), conn),
            ["ada"],
            "{kind}"
        );
        let any = Article::AUTHOR.referencing(Article::TITLE.ne(""));
        assert_eq!(
            names(Author::objects().exclude(any), conn),
            ["cy"],
            "{kind}: no articles"
        );
        // By name: the model's name, as Django's query name.
        let named = Author::objects()
            .filter_by("article__is_published", "false")
            .unwrap();
        assert_eq!(names(named, conn), ["bo"], "{kind}");
        let named = Author::objects()
            .filter_by("article__title__in", "a,c")
            .unwrap();
        assert_eq!(names(named, conn), ["ada", "bo"], "{kind}");
        assert!(
            Author::objects().filter_by("nothing__title", "a").is_err(),
            "{kind}"
        );
    });
}
