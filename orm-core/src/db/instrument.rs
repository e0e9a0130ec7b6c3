//! What every pooled connection notes about the statements it runs: how
//! many since it was lent (so that [`Db::run`](super::Db::run) knows
//! whether a lost connection failed the work's first statement, and may
//! run it again on a fresh one), and the SQL for the logs that want it.

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, Instrumentation, InstrumentationEvent};

use super::AnyConnection;

/// A list of SQL statements shared with whoever reads them.
pub(crate) type Sink = Arc<Mutex<Vec<String>>>;

/// The instrumentation the pool installs on each connection it opens.
#[derive(Default)]
pub(crate) struct Watch {
    /// Statements started since the connection was last lent.
    started: u64,
    /// The pool's [`QueryLog`](super::QueryLog), when it has one.
    pool_log: Option<Sink>,
    /// Logs of [`capture_queries`](super::capture_queries) calls under way.
    captures: Vec<Sink>,
}

impl Watch {
    pub(crate) fn new(pool_log: Option<Sink>) -> Watch {
        Watch {
            pool_log,
            ..Watch::default()
        }
    }

    fn record(&self, query: &dyn std::fmt::Display) {
        if self.pool_log.is_none() && self.captures.is_empty() {
            return;
        }
        let sql = query.to_string();
        for sink in self.pool_log.iter().chain(&self.captures) {
            if let Ok(mut log) = sink.lock() {
                log.push(sql.clone());
            }
        }
    }
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            self.started += 1;
            self.record(query);
        }
    }
}

/// The connection's [`Watch`], unless its instrumentation was replaced.
fn watch(conn: &mut AnyConnection) -> Option<&mut Watch> {
    conn.instrumentation().downcast_mut::<Watch>()
}

/// Starts counting statements afresh, as the connection is lent.
pub(crate) fn lent(conn: &mut AnyConnection) {
    if let Some(watch) = watch(conn) {
        watch.started = 0;
    }
}

/// Whether at most one statement ran since the connection was lent, so
/// that an error on it means nothing the borrower did took effect. `false`
/// when the connection's statements are not counted.
pub(crate) fn at_most_one_statement(conn: &mut AnyConnection) -> bool {
    watch(conn).is_some_and(|watch| watch.started <= 1)
}

/// Adds `sink` to the logs the connection writes to; `false` when its
/// instrumentation is not a [`Watch`].
pub(crate) fn add_capture(conn: &mut AnyConnection, sink: &Sink) -> bool {
    match watch(conn) {
        Some(watch) => {
            watch.captures.push(Arc::clone(sink));
            true
        }
        None => false,
    }
}

/// Removes a log [`add_capture`] added.
pub(crate) fn remove_capture(conn: &mut AnyConnection, sink: &Sink) {
    if let Some(watch) = watch(conn) {
        watch.captures.retain(|s| !Arc::ptr_eq(s, sink));
    }
}
