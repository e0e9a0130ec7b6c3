//! Connections the server closed while they sat in the pool (a restart, an
//! idle timeout, an administrator's `KILL`): the pool lends them without a
//! `SELECT 1`, so `Db::run` finds them lost at the work's first statement
//! and runs the work again on a fresh connection. No request fails, and a
//! write is made once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use orm_core::db::{AnyConnection, BackendKind, Db};
use orm_core::prelude::*;
use tests::backends::{configured, fresh};
use tests::models::Author;

/// Closes every connection to `db`'s database but the one it asks on, as a
/// server restart or an administrator would.
fn close_other_connections(db: &Db) {
    let killer = Db::open(db.url().as_str()).unwrap();
    let mut conn = killer.conn().unwrap();
    kill_others(&mut conn);
}

fn kill_others(conn: &mut AnyConnection) {
    use orm_core::__private::diesel::connection::SimpleConnection as _;
    use orm_core::__private::diesel::{sql_query, sql_types::BigInt, QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    // The other connections to this database, and how to close one.
    let (others, close): (&str, fn(i64) -> String) = match conn.backend() {
        BackendKind::Postgres => (
            "SELECT pid::bigint AS id FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            |id| format!("SELECT pg_terminate_backend({id}, 5000)"),
        ),
        BackendKind::Mysql => (
            "SELECT CAST(id AS SIGNED) AS id FROM information_schema.PROCESSLIST \
             WHERE db = DATABASE() AND id <> CONNECTION_ID()",
            |id| format!("KILL CONNECTION {id}"),
        ),
        BackendKind::Sqlite => unreachable!("SQLite has no server connections"),
    };
    let ids: Vec<Id> = sql_query(others).load(conn).unwrap();
    assert!(!ids.is_empty(), "no connection to close");
    for Id { id } in ids {
        conn.batch_execute(&close(id)).unwrap();
    }
}

/// The authors' names, in key order.
async fn usernames(db: &Db) -> Vec<String> {
    db.run(|conn| Author::objects().order_by([Author::ID.asc()]).all(conn))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.username)
        .collect()
}

fn author(name: &str) -> Author {
    Author {
        id: 0,
        username: name.to_owned(),
        email: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn work_on_a_closed_connection_runs_again_on_a_fresh_one() {
    for (kind, url) in configured() {
        if kind == BackendKind::Sqlite {
            continue;
        }
        let test_db = fresh(kind, url.as_deref(), &[Author::schema()]);
        let db = test_db.db.clone();
        // One connection in the pool, then closed by the server.
        db.run(|conn| Author::objects().count(conn)).await.unwrap();
        close_other_connections(&db);

        // A read.
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let n = db
            .run(move |conn| {
                counted.fetch_add(1, Ordering::SeqCst);
                Author::objects().count(conn)
            })
            .await
            .unwrap_or_else(|e| panic!("{kind}: a read after the kill failed: {e}"));
        assert_eq!(n, 0, "{kind}");
        assert_eq!(runs.load(Ordering::SeqCst), 2, "{kind}: run again once");

        // A write as the first statement: made once.
        close_other_connections(&db);
        db.run(|conn| author("ann").save(conn))
            .await
            .unwrap_or_else(|e| panic!("{kind}: a write after the kill failed: {e}"));
        assert_eq!(usernames(&db).await, ["ann"], "{kind}");

        // Work whose first statement ran is not run again: what it did may
        // have taken effect.
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let killer = Db::open(db.url().as_str()).unwrap();
        let failed = db
            .run(move |conn| {
                counted.fetch_add(1, Ordering::SeqCst);
                author("bob").save(conn)?;
                kill_others(&mut *killer.conn()?);
                author("cid").save(conn)
            })
            .await;
        assert!(
            failed.as_ref().is_err_and(orm_core::Error::is_unavailable),
            "{kind}: {failed:?}"
        );
        assert_eq!(runs.load(Ordering::SeqCst), 1, "{kind}: not run again");
        assert_eq!(
            usernames(&db).await,
            ["ann", "bob"],
            "{kind}: the connection after is fresh"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_pages_after_a_restart_fail_no_request() {
    use http::StatusCode;
    use tests::admin_app::{each_app, Role};

    each_app(|app| async move {
        let kind = app.kind;
        if kind == BackendKind::Sqlite {
            return;
        }
        let mut client = app.logged_in(Role::Superuser).await;
        for round in 0..3 {
            close_other_connections(&app.db);
            for path in ["/admin/", "/admin/press/story/", "/admin/press/story/add/"] {
                client
                    .get(path)
                    .await
                    .expect(StatusCode::OK, &format!("{kind}: {path}, round {round}"));
            }
        }
    })
    .await;
}
