//! Every on_delete rule, unique and foreign-key violations, validation, and
//! transactions, on every backend.

use orm_core::prelude::*;
use orm_core::{atomic, Error};
use tests::backends::each_backend;
use tests::models::*;

struct Family {
    parent: Parent,
    child: CascadeChild,
}

fn family(conn: &mut orm_core::AnyConnection, name: &str) -> Family {
    let mut parent = Parent {
        id: 0,
        name: name.into(),
    };
    parent.save(conn).unwrap();
    let mut child = CascadeChild {
        id: 0,
        parent: (&parent).into(),
    };
    child.save(conn).unwrap();
    GrandChild {
        id: 0,
        child: (&child).into(),
    }
    .save(conn)
    .unwrap();
    Family { parent, child }
}

#[test]
fn cascade_reaches_grandchildren_and_set_null_keeps_rows() {
    each_backend(&rule_schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let doomed = family(conn, "doomed");
        let kept = family(conn, "kept");
        let mut orphan = SetNullChild {
            id: 0,
            parent: Some((&doomed.parent).into()),
        };
        orphan.save(conn).unwrap();

        let deleted = doomed.parent.delete(conn).unwrap();
        assert_eq!(deleted, 3, "{kind}: parent, child, grandchild");
        assert_eq!(CascadeChild::objects().count(conn).unwrap(), 1, "{kind}");
        assert_eq!(GrandChild::objects().count(conn).unwrap(), 1, "{kind}");
        orphan.refresh(conn).unwrap();
        assert!(orphan.parent.is_none(), "{kind}: SetNull");
        assert_eq!(kept.child.parent.id(), kept.parent.id);
    });
}

#[test]
fn protect_names_the_blockers_and_deletes_nothing() {
    each_backend(&rule_schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let f = family(conn, "guarded");
        let mut guard = ProtectChild {
            id: 0,
            parent: (&f.parent).into(),
        };
        guard.save(conn).unwrap();
        match f.parent.delete(conn) {
            Err(Error::Protected { model, blockers }) => {
                assert_eq!(model, "Parent", "{kind}");
                assert_eq!(
                    blockers,
                    vec![format!("rules.ProtectChild({})", guard.id)],
                    "{kind}"
                );
            }
            other => panic!("{kind}: expected Protected, got {other:?}"),
        }
        assert_eq!(
            Parent::objects().count(conn).unwrap(),
            1,
            "{kind}: nothing deleted"
        );
        assert_eq!(
            GrandChild::objects().count(conn).unwrap(),
            1,
            "{kind}: nothing deleted"
        );
        let message = f.parent.delete(conn).unwrap_err().to_string();
        assert!(message.contains("ProtectChild"), "{kind}: {message}");
    });
}

#[test]
fn restrict_allows_rows_the_same_cascade_removes() {
    each_backend(&rule_schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let f = family(conn, "restricted");
        let mut through_cascade = RestrictChild {
            id: 0,
            parent: (&f.parent).into(),
            via: (&f.child).into(),
        };
        through_cascade.save(conn).unwrap();
        assert_eq!(
            f.parent.delete(conn).unwrap(),
            4,
            "{kind}: removed by the cascade too"
        );

        let g = family(conn, "blocked");
        let other = family(conn, "other");
        let mut elsewhere = RestrictChild {
            id: 0,
            parent: (&g.parent).into(),
            via: (&other.child).into(),
        };
        elsewhere.save(conn).unwrap();
        assert!(
            matches!(g.parent.delete(conn), Err(Error::Protected { .. })),
            "{kind}: restricted row outside the cascade blocks"
        );
    });
}

#[test]
fn do_nothing_leaves_it_to_the_database() {
    each_backend(&rule_schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let mut parent = Parent {
            id: 0,
            name: "p".into(),
        };
        parent.save(conn).unwrap();
        DoNothingChild {
            id: 0,
            parent: (&parent).into(),
        }
        .save(conn)
        .unwrap();
        assert!(
            matches!(parent.delete(conn), Err(Error::ForeignKeyViolation { .. })),
            "{kind}: the constraint refuses"
        );
        assert_eq!(Parent::objects().count(conn).unwrap(), 1, "{kind}");
    });
}

#[test]
fn violations_are_typed() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let mut alice = Author {
            id: 0,
            username: "alice".into(),
            email: String::new(),
        };
        alice.save(conn).unwrap();
        let mut twin = Author {
            id: 0,
            username: "alice".into(),
            email: String::new(),
        };
        match twin.save(conn) {
            Err(Error::UniqueViolation { model, field, .. }) => {
                assert_eq!(model, "Author", "{kind}");
                assert_eq!(field.as_deref(), Some("username"), "{kind}");
            }
            other => panic!("{kind}: expected UniqueViolation, got {other:?}"),
        }
        let mut dangling = Article {
            id: 0,
            title: "t".into(),
            slug: "s".into(),
            author: ForeignKey::new(9999),
            content: "c".into(),
            published_date: Utc::now(),
            updated_date: Utc::now(),
            is_published: false,
        };
        assert!(
            matches!(dangling.save(conn), Err(Error::ForeignKeyViolation { .. })),
            "{kind}"
        );
        let mut invalid = dangling.clone();
        invalid.author = (&alice).into();
        invalid.title = "x".repeat(201);
        invalid.slug = "not a slug".into();
        invalid.content = String::new();
        match invalid.save(conn) {
            Err(Error::Validation(errors)) => {
                assert!(errors.get("title")[0].contains("at most 200"), "{kind}");
                assert!(errors.get("slug")[0].contains("slug"), "{kind}");
                assert_eq!(errors.get("content"), ["This field is required."], "{kind}");
            }
            other => panic!("{kind}: expected Validation, got {other:?}"),
        }
        let mut bad_email = Author {
            id: 0,
            username: "bob".into(),
            email: "not-an-email".into(),
        };
        assert!(
            matches!(bad_email.save(conn), Err(Error::Validation(_))),
            "{kind}"
        );
        assert_eq!(
            Article::objects().count(conn).unwrap(),
            0,
            "{kind}: nothing written"
        );
    });
}

#[test]
fn transactions_roll_back_and_nest_as_savepoints() {
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let failed: orm_core::Result<()> = atomic(conn, |conn| {
            Author {
                id: 0,
                username: "ghost".into(),
                email: String::new(),
            }
            .save(conn)?;
            Err(Error::Internal("changed my mind".into()))
        });
        assert!(failed.is_err());
        assert_eq!(
            Author::objects().count(conn).unwrap(),
            0,
            "{kind}: rolled back"
        );

        atomic(conn, |conn| {
            Author {
                id: 0,
                username: "outer".into(),
                email: String::new(),
            }
            .save(conn)?;
            let inner: orm_core::Result<()> = atomic(conn, |conn| {
                Author {
                    id: 0,
                    username: "inner".into(),
                    email: String::new(),
                }
                .save(conn)?;
                Author {
                    id: 0,
                    username: "outer".into(),
                    email: String::new(),
                }
                .save(conn)
            });
            assert!(
                matches!(inner, Err(Error::UniqueViolation { .. })),
                "{kind}"
            );
            Ok(())
        })
        .unwrap();
        let names: Vec<String> = Author::objects()
            .all(conn)
            .unwrap()
            .into_iter()
            .map(|a| a.username)
            .collect();
        assert_eq!(
            names,
            vec!["outer"],
            "{kind}: the savepoint rolled back alone"
        );

        let db_level: orm_core::Result<()> = db.atomic(|conn| {
            Author::objects().delete(conn)?;
            Err(Error::Internal("undo".into()))
        });
        assert!(db_level.is_err());
        assert_eq!(Author::objects().count(conn).unwrap(), 1, "{kind}");
    });
}
