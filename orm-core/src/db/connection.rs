//! One connection type for the three backends, chosen at run time.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use super::url::{BackendKind, DatabaseUrl};

macro_rules! any_connection {
    ($($(#[$meta:meta])* $variant:ident($conn:ty)),+ $(,)?) => {
        /// A connection to SQLite, PostgreSQL or MySQL/MariaDB.
        ///
        /// Queries written against it run on whichever backend it holds; the
        /// backend is picked from the database URL when it is opened.
        #[derive(diesel::MultiConnection)]
        pub enum AnyConnection {
            $($(#[$meta])* $variant($conn)),+
        }
    };
}

#[cfg(all(feature = "postgres", feature = "mysql"))]
any_connection!(
    /// An SQLite connection.
    Sqlite(SqliteConnection),
    /// A PostgreSQL connection.
    Postgres(diesel::pg::PgConnection),
    /// A MySQL or MariaDB connection.
    Mysql(diesel::mysql::MysqlConnection),
);

#[cfg(all(feature = "postgres", not(feature = "mysql")))]
any_connection!(
    /// An SQLite connection.
    Sqlite(SqliteConnection),
    /// A PostgreSQL connection.
    Postgres(diesel::pg::PgConnection),
);

#[cfg(all(not(feature = "postgres"), feature = "mysql"))]
any_connection!(
    /// An SQLite connection.
    Sqlite(SqliteConnection),
    /// A MySQL or MariaDB connection.
    Mysql(diesel::mysql::MysqlConnection),
);

#[cfg(all(not(feature = "postgres"), not(feature = "mysql")))]
any_connection!(
    /// An SQLite connection.
    Sqlite(SqliteConnection),
);

impl AnyConnection {
    /// Opens a connection for `url` and applies the session settings every
    /// connection needs (UTC on the servers; foreign keys, WAL and a memory
    /// map on SQLite).
    pub fn open(url: &DatabaseUrl) -> ConnectionResult<AnyConnection> {
        let conn = match url.backend() {
            BackendKind::Sqlite => {
                let mut conn = SqliteConnection::establish(url.sqlite_path())?;
                conn.batch_execute(&url.sqlite_pragmas())
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                AnyConnection::Sqlite(conn)
            }
            #[cfg(feature = "postgres")]
            BackendKind::Postgres => {
                let mut conn = diesel::pg::PgConnection::establish(url.as_str())?;
                conn.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                AnyConnection::Postgres(conn)
            }
            #[cfg(feature = "mysql")]
            BackendKind::Mysql => {
                let mut conn = diesel::mysql::MysqlConnection::establish(url.as_str())?;
                conn.batch_execute("SET time_zone = '+00:00'")
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                AnyConnection::Mysql(conn)
            }
            #[allow(unreachable_patterns)]
            other => {
                return Err(ConnectionError::BadConnection(format!(
                    "{} support is not compiled in: enable the `{}` feature of orm-core",
                    other.name(),
                    other.feature()
                )))
            }
        };
        Ok(conn)
    }

    /// Which backend this connection talks to.
    pub fn backend(&self) -> BackendKind {
        match self {
            AnyConnection::Sqlite(_) => BackendKind::Sqlite,
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres(_) => BackendKind::Postgres,
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql(_) => BackendKind::Mysql,
        }
    }

    /// The id the database gave to the last row inserted on this connection
    /// into a table with an auto-increment key.
    pub fn last_insert_id(&mut self) -> QueryResult<i64> {
        match self {
            AnyConnection::Sqlite(conn) => {
                diesel::select(super::functions::last_insert_rowid()).get_result(conn)
            }
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres(conn) => {
                diesel::select(super::functions::lastval()).get_result(conn)
            }
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql(conn) => {
                let id: u64 =
                    diesel::select(super::functions::last_insert_id()).get_result(conn)?;
                i64::try_from(id).map_err(|e| diesel::result::Error::DeserializationError(e.into()))
            }
        }
    }
}
