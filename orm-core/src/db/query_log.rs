//! Which SQL statements a piece of code runs: for tests that pin query
//! counts, and for debugging.

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, InstrumentationEvent};

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
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            if let Ok(mut log) = sink.lock() {
                log.push(query.to_string());
            }
        }
    });
    let result = work(conn);
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
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
pub struct QueryLog(Arc<Mutex<Vec<String>>>);

impl QueryLog {
    /// Takes the statements recorded so far, leaving the log empty.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut log| std::mem::take(&mut *log))
            .unwrap_or_default()
    }

    pub(crate) fn attach(&self, conn: &mut AnyConnection) {
        let sink = Arc::clone(&self.0);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                if let Ok(mut log) = sink.lock() {
                    log.push(query.to_string());
                }
            }
        });
    }
}
