//! What the database's own catalog says about its tables.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::AnyConnection;

/// One count, as the catalog queries below name it.
#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = BigInt)]
    found: i64,
}

#[cfg(feature = "postgres")]
const POSTGRES: &str = "SELECT CAST(count(*) AS BIGINT) AS found FROM pg_class \
     WHERE oid = to_regclass(quote_ident($1))";

#[cfg(feature = "mysql")]
const MYSQL: &str = "SELECT CAST(count(*) AS SIGNED) AS found FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";

const SQLITE: &str = "SELECT count(*) AS found FROM sqlite_master \
     WHERE type = 'table' AND name = ?";

/// Whether the database has a table named `table`, read from its catalog
/// (nothing is created, nothing fails when it is missing).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = orm_core::Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// assert!(!orm_core::db::table_exists(&mut conn, "blog_article")?);
/// # Ok(()) }
/// ```
pub fn table_exists(conn: &mut AnyConnection, table: &str) -> QueryResult<bool> {
    macro_rules! found {
        ($conn:expr, $query:expr) => {
            diesel::sql_query($query)
                .bind::<Text, _>(table)
                .get_result::<Found>($conn)
                .map(|row| row.found > 0)
        };
    }
    match conn {
        AnyConnection::Sqlite(conn) => found!(conn, SQLITE),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(conn) => found!(conn, POSTGRES),
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(conn) => found!(conn, MYSQL),
    }
}
