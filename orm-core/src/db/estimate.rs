//! How many rows a table holds, by the database's own statistics: what the
//! query planner believes, read in a catalog lookup instead of a
//! `COUNT(*)` that visits every row.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::AnyConnection;

/// One estimate, as the catalog queries below name it.
#[derive(QueryableByName)]
struct Estimate {
    #[diesel(sql_type = Nullable<BigInt>)]
    estimate: Option<i64>,
}

/// The planner's row count of `table`, scaled to the table's current size
/// (as the planner itself does): `reltuples / relpages` times the pages the
/// table holds now. `NULL` before the table was first analyzed.
#[cfg(feature = "postgres")]
const POSTGRES: &str = "SELECT CASE \
       WHEN c.reltuples < 0 THEN NULL \
       WHEN c.relpages = 0 THEN c.reltuples::bigint \
       ELSE (c.reltuples / c.relpages \
             * (pg_relation_size(c.oid) / current_setting('block_size')::int))::bigint \
     END AS estimate \
     FROM pg_class c WHERE c.oid = to_regclass(quote_ident($1))";

/// InnoDB's estimate of the table's rows (from sampled index pages).
#[cfg(feature = "mysql")]
const MYSQL: &str = "SELECT CAST(TABLE_ROWS AS SIGNED) AS estimate \
     FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";

/// The row count `ANALYZE` stored: the first number of any of the table's
/// `sqlite_stat1` entries.
const SQLITE: &str = "SELECT CAST(stat AS INTEGER) AS estimate \
     FROM sqlite_stat1 WHERE tbl = ? LIMIT 1";

/// Whether `sqlite_stat1` exists (it does once `ANALYZE` has run).
const SQLITE_HAS_STATS: &str = "SELECT EXISTS (SELECT 1 FROM sqlite_master \
     WHERE type = 'table' AND name = 'sqlite_stat1') AS estimate";

/// How many rows `table` holds by the database's statistics, or `None`
/// where it has none (a PostgreSQL table never analyzed, an SQLite
/// database without `ANALYZE`). An estimate: it lags behind recent writes
/// until the statistics are refreshed (autovacuum, InnoDB's automatic
/// recalculation, `ANALYZE`).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = orm_core::Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// assert_eq!(orm_core::db::estimated_rows(&mut conn, "blog_article")?, None);
/// # Ok(()) }
/// ```
pub fn estimated_rows(conn: &mut AnyConnection, table: &str) -> QueryResult<Option<i64>> {
    macro_rules! estimate {
        ($conn:expr, $query:expr) => {
            diesel::sql_query($query)
                .bind::<Text, _>(table)
                .get_result::<Estimate>($conn)
                .optional()
                .map(|row| row.and_then(|row| row.estimate))
        };
    }
    match conn {
        AnyConnection::Sqlite(conn) => {
            let has_stats = diesel::sql_query(SQLITE_HAS_STATS).get_result::<Estimate>(conn)?;
            if has_stats.estimate.unwrap_or(0) == 0 {
                return Ok(None);
            }
            estimate!(conn, SQLITE)
        }
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(conn) => estimate!(conn, POSTGRES),
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(conn) => estimate!(conn, MYSQL),
    }
}
