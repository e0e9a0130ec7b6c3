//! The databases tests run on: SQLite always, PostgreSQL and MySQL/MariaDB
//! when `ORM_TEST_POSTGRES_URL` / `ORM_TEST_MYSQL_URL` are set. Each test gets
//! a database of its own, dropped afterwards, so tests run in parallel.
//!
//! ```
//! use orm_test::databases::each_backend;
//!
//! // Runs once on SQLite, and once more on each configured server.
//! each_backend(&[], |kind, db| {
//!     assert_eq!(db.backend(), kind);
//! });
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use orm::db::{BackendKind, PoolOptions};
use orm::schema::ModelSchema;
use orm::Db;

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "ORM_TEST_POSTGRES_URL";
/// Environment variable naming the MySQL/MariaDB server for tests.
pub const MYSQL_ENV: &str = "ORM_TEST_MYSQL_URL";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database made for one test; dropped with it.
pub struct TestDb {
    /// The handle tests use.
    pub db: Db,
    /// Its URL, for a process of the test's own (a server it starts).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(admin) = Db::open(admin_url) {
                    if let Ok(mut conn) = admin.conn() {
                        let sql = match admin.backend() {
                            BackendKind::Postgres => {
                                format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
                            }
                            _ => format!("DROP DATABASE IF EXISTS `{name}`"),
                        };
                        let _ = conn.batch_execute(&sql);
                    }
                }
            }
        }
    }
}

/// The backends configured for this run, as `(kind, base URL)`. SQLite is
/// always there. A configured server that this build cannot use is a panic:
/// a test told to use a database must not pass without it.
pub fn configured() -> Vec<(BackendKind, Option<String>)> {
    let mut backends = vec![(BackendKind::Sqlite, None)];
    for (kind, env) in [
        (BackendKind::Postgres, POSTGRES_ENV),
        (BackendKind::Mysql, MYSQL_ENV),
    ] {
        match std::env::var(env) {
            Ok(url) if !url.trim().is_empty() => {
                assert!(
                    kind.is_enabled(),
                    "{env} is set but {kind} support is not compiled in: run the tests with `--features {}`",
                    kind.feature()
                );
                backends.push((kind, Some(url)));
            }
            _ => {}
        }
    }
    backends
}

/// A fresh, empty database on `kind`, with `schemas`' tables created
/// (straight from the models, without migrations; see
/// [`TestSite`](crate::TestSite) for a project's migrated database).
pub fn fresh(kind: BackendKind, base_url: Option<&str>, schemas: &[&ModelSchema]) -> TestDb {
    fresh_with(kind, base_url, schemas, PoolOptions::default())
}

/// [`fresh`], with the pool opened with `options` (e.g. a query log).
pub fn fresh_with(
    kind: BackendKind,
    base_url: Option<&str>,
    schemas: &[&ModelSchema],
    options: PoolOptions,
) -> TestDb {
    let test_db = blank(kind, base_url, options);
    let mut conn = test_db
        .db
        .conn()
        .expect("a connection to the test database");
    orm::create_tables(&mut conn, schemas).expect("create the test tables");
    drop(conn);
    test_db
}

/// A fresh database on `kind` with no tables at all, for a test that runs
/// migrations. `base_url` names the server (`None` for SQLite); the
/// database is dropped with the returned [`TestDb`].
///
/// # Panics
///
/// When the server cannot be reached or refuses to create the database:
/// a test told to use a database must not pass without it.
pub fn blank(kind: BackendKind, base_url: Option<&str>, options: PoolOptions) -> TestDb {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("orm_test_{}_{n}", std::process::id());
    let test_db = match (kind, base_url) {
        (BackendKind::Sqlite, _) => {
            let path = std::env::temp_dir().join(format!("{name}.sqlite3"));
            let _ = std::fs::remove_file(&path);
            let url = format!("sqlite://{}", path.display());
            let db = Db::open_with(&url, options)
                .unwrap_or_else(|e| panic!("cannot open SQLite at {}: {e}", path.display()));
            TestDb {
                db,
                url,
                cleanup: Cleanup::File(path),
            }
        }
        (_, Some(base)) => server_database(kind, base, &name, options),
        (_, None) => panic!("{kind} needs a server URL"),
    };
    test_db
}

fn server_database(kind: BackendKind, base: &str, name: &str, options: PoolOptions) -> TestDb {
    let admin = Db::open(base).unwrap_or_else(|e| {
        panic!("the tests were told to use {kind} at {base}, which cannot be reached: {e}")
    });
    {
        let mut conn = admin.conn().expect("a connection to the test server");
        let sql = match kind {
            BackendKind::Postgres => format!("CREATE DATABASE \"{name}\""),
            _ => format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
        };
        conn.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    }
    let url = with_database(base, name);
    let db = Db::open_with(&url, options)
        .unwrap_or_else(|e| panic!("cannot open the test database {name}: {e}"));
    TestDb {
        db,
        url,
        cleanup: Cleanup::Database {
            admin_url: base.to_owned(),
            name: name.to_owned(),
        },
    }
}

/// `base` with its database name replaced by `name`.
pub fn with_database(base: &str, name: &str) -> String {
    let (without_query, query) = match base.split_once('?') {
        Some((url, query)) => (url, Some(query)),
        None => (base, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let path_start = without_query[scheme_end..]
        .find('/')
        .map_or(without_query.len(), |i| i + scheme_end);
    let mut url = format!("{}/{name}", &without_query[..path_start]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// Runs `test` once per configured backend, each on a fresh database with
/// `schemas`' tables. The backend's name is passed for messages.
pub fn each_backend(schemas: &[&ModelSchema], test: impl Fn(BackendKind, &Db)) {
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), schemas);
        test(kind, &test_db.db);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("mysql://root@localhost", "x"),
            "mysql://root@localhost/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
