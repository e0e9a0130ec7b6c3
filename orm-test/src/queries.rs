//! How many statements a piece of code runs: Django's `assertNumQueries`.

use std::fmt::Display;

use orm::db::QueryLog;

/// Runs `work` and panics, listing the statements, unless it ran exactly
/// `expected` statements through the pool `log` is attached to
/// (`PoolOptions { query_log: Some(log), .. }`). The pool's own connection
/// checks (`SELECT 1`) are not counted.
///
/// ```
/// use orm::db::{PoolOptions, QueryLog};
///
/// let log = QueryLog::default();
/// let options = PoolOptions { query_log: Some(log.clone()), ..PoolOptions::default() };
/// let db = orm::Db::open_with("sqlite://:memory:", options).unwrap();
/// let mut conn = db.conn().unwrap();
/// orm_test::assert_num_queries(&log, 1, || conn.last_insert_id().unwrap());
/// ```
///
/// # Panics
///
/// When the count differs.
pub fn assert_num_queries<R>(log: &QueryLog, expected: usize, work: impl FnOnce() -> R) -> R {
    log.take();
    let output = work();
    assert_statements(log, expected, "the database");
    output
}

/// The statements `log` holds, taken, less the pool's connection checks.
pub(crate) fn statements(log: &QueryLog) -> Vec<String> {
    log.take()
        .into_iter()
        .filter(|sql| {
            let statement = sql.split(" -- binds:").next().unwrap_or(sql);
            statement.trim() != "SELECT 1"
        })
        .collect()
}

/// Panics unless `log` holds `expected` statements.
pub(crate) fn assert_statements(log: &QueryLog, expected: usize, on: impl Display) {
    let ran = statements(log);
    if ran.len() != expected {
        let list: Vec<String> = ran
            .iter()
            .enumerate()
            .map(|(i, sql)| format!("  {}. {sql}", i + 1))
            .collect();
        panic!(
            "{on}: expected {expected} queries, {} ran:\n{}",
            ran.len(),
            list.join("\n")
        );
    }
}
