//! Which SQL statements a piece of code runs: for tests that pin query
//! counts, and for debugging.

use std::sync::Arc;

use diesel::connection::Connection;

use super::instrument::{self, Sink};
use super::AnyConnection;

/// Runs `work` on `conn` and returns what it returned with the SQL of every
/// statement it ran, in order.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// let db = orm_core::Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// let (_, queries) = orm_core::db::capture_queries(&mut conn, |conn| {
///     conn.last_insert_id()
/// });
/// assert_eq!(queries.len(), 1);
/// # Ok(()) }
/// ```
pub fn capture_queries<R>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> R,
) -> (R, Vec<String>) {
    let log: Sink = Arc::default();
    if !instrument::add_capture(conn, &log) {
        // A connection opened outside a pool, or whose instrumentation was
        // replaced: give it the pool's.
        conn.set_instrumentation(instrument::Watch::default());
        instrument::add_capture(conn, &log);
    }
    let result = work(conn);
    instrument::remove_capture(conn, &log);
    let queries = log.lock().map(|log| log.clone()).unwrap_or_default();
    (result, queries)
}

/// Every statement run through a [`Db`](super::Db) opened with
/// `PoolOptions { query_log: Some(log), .. }`: for tests that pin how many
/// queries a whole request runs, across every pooled connection it uses.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// use orm_core::db::{PoolOptions, QueryLog};
/// let log = QueryLog::default();
/// let options = PoolOptions { query_log: Some(log.clone()), ..PoolOptions::default() };
/// let db = orm_core::Db::open_with("sqlite://:memory:", options)?;
/// db.conn()?.last_insert_id()?;
/// assert_eq!(log.take().len(), 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct QueryLog(Sink);

impl QueryLog {
    /// Takes the statements recorded so far, leaving the log empty.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut log| std::mem::take(&mut *log))
            .unwrap_or_default()
    }

    /// The list the pool's connections write to.
    pub(crate) fn sink(&self) -> Sink {
        Arc::clone(&self.0)
    }
}
