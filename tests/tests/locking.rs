//! `select_for_update` on every backend: only inside a transaction; the
//! rows read are locked (`FOR UPDATE` on PostgreSQL and MariaDB), so that
//! another transaction waits, fails at once (`NoWait`) or passes them by
//! (`SkipLocked`); SQLite, whose transactions hold the whole database,
//! runs the query as it is.

use orm_core::db::{capture_queries, BackendKind};
use orm_core::prelude::*;
use orm_core::query::Lock;
use orm_core::Error;
use tests::backends::each_backend;
use tests::models::Author;

fn authors(conn: &mut AnyConnection) -> Vec<Author> {
    let mut rows: Vec<Author> = ["ada", "bob", "cy"]
        .iter()
        .map(|name| Author {
            id: 0,
            username: (*name).into(),
            email: String::new(),
        })
        .collect();
    Author::bulk_create(conn, &mut rows).unwrap();
    rows
}

#[test]
fn only_inside_a_transaction() {
    each_backend(&[Author::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        authors(&mut conn);
        let err = Author::objects()
            .select_for_update(Lock::Wait)
            .all(&mut conn)
            .expect_err("outside a transaction");
        assert!(
            matches!(err, Error::TransactionRequired { .. }),
            "{kind}: {err}"
        );
        let err = Author::objects()
            .select_for_update(Lock::Wait)
            .get_pk(&mut conn, 1)
            .expect_err("outside a transaction");
        assert!(
            matches!(err, Error::TransactionRequired { .. }),
            "{kind}: {err}"
        );
    });
}

#[test]
fn the_rows_read_are_locked() {
    each_backend(&[Author::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let rows = authors(&mut conn);
        let (ada, bob) = (rows[0].id, rows[1].id);
        orm_core::atomic(&mut conn, |conn| {
            let query = Author::objects()
                .filter(Author::USERNAME.ne("cy"))
                .order_by([Author::USERNAME.desc()])
                .select_for_update(Lock::Wait);
            let (locked, statements) = capture_queries(conn, |conn| query.all(conn));
            let names: Vec<String> = locked?.into_iter().map(|a| a.username).collect();
            assert_eq!(names, ["bob", "ada"], "{kind}");
            let locking = statements.iter().any(|s| s.contains("FOR UPDATE"));
            assert_eq!(
                locking,
                kind != BackendKind::Sqlite,
                "{kind}: {statements:#?}"
            );
            Ok(())
        })
        .unwrap();
        if kind == BackendKind::Sqlite {
            return; // one writer at a time: a second transaction waits for the database
        }
        let mut other = db.conn().unwrap();
        orm_core::atomic(&mut conn, |conn| {
            Author::objects()
                .filter(Author::ID.eq(ada))
                .select_for_update(Lock::Wait)
                .get(conn)?;
            orm_core::atomic(&mut other, |other| {
                let err = Author::objects()
                    .filter(Author::ID.eq(ada))
                    .select_for_update(Lock::NoWait)
                    .all(other)
                    .expect_err("the row is held");
                assert!(matches!(err, Error::Query(_)), "{kind}: {err}");
                Ok(())
            })
            .ok();
            orm_core::atomic(&mut other, |other| {
                let free = Author::objects()
                    .order_by([Author::ID.asc()])
                    .select_for_update(Lock::SkipLocked)
                    .limit(1)
                    .all(other)?;
                assert_eq!(
                    free.iter().map(|a| a.id).collect::<Vec<_>>(),
                    [bob],
                    "{kind}"
                );
                // And held now by this transaction, the first left alone.
                let unheld = Author::objects()
                    .filter(Author::ID.eq(ada))
                    .select_for_update(Lock::SkipLocked)
                    .all(other)?;
                assert!(unheld.is_empty(), "{kind}");
                Ok(())
            })?;
            Ok(())
        })
        .unwrap();
    });
}

#[test]
fn update_or_create_reads_its_row_locked() {
    each_backend(&[Author::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        authors(&mut conn);
        let query = Author::objects().filter(Author::USERNAME.eq("bob"));
        let ((bob, created), statements) = capture_queries(&mut conn, |conn| {
            query
                .update_or_create(
                    conn,
                    |a| a.email = "bob@example.com".into(),
                    || unreachable!("bob is there"),
                )
                .unwrap()
        });
        assert!(!created, "{kind}");
        assert_eq!(bob.email, "bob@example.com", "{kind}");
        let locking = statements.iter().any(|s| s.contains("FOR UPDATE"));
        assert_eq!(
            locking,
            kind != BackendKind::Sqlite,
            "{kind}: {statements:#?}"
        );
    });
}
