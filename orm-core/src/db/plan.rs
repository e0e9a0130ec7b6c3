//! How many rows the query planner expects a query to return, from its
//! `EXPLAIN`: an estimate of a filtered count that costs planning the query
//! (index statistics, a few index dives) instead of visiting every row it
//! matches.

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::{QueryResult, RunQueryDsl};

use super::{AnyConnection, BackendKind, MultiBackend};

/// `query` preceded by the backend's `EXPLAIN` asking for a JSON plan.
struct Explain<Q> {
    prefix: &'static str,
    query: Q,
}

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Explain<Q> {
    type SqlType = Text;
}

impl<Q: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for Explain<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_sql(self.prefix);
        self.query.walk_ast(out.reborrow())
    }
}

impl<Q> RunQueryDsl<AnyConnection> for Explain<Q> {}

/// The rows the planner expects `query` (a `SELECT`) to return, or `None`
/// where the backend gives no such number (SQLite) or the plan has none.
///
/// PostgreSQL's estimate comes from the column statistics `ANALYZE` keeps
/// (autovacuum refreshes them); MariaDB's and MySQL's from index dives
/// where an index serves the filter, and from table statistics otherwise.
pub fn planned_rows<Q>(conn: &mut AnyConnection, query: Q) -> QueryResult<Option<i64>>
where
    Q: QueryFragment<MultiBackend>,
{
    let prefix = match conn.backend() {
        BackendKind::Postgres => "EXPLAIN (FORMAT JSON) ",
        BackendKind::Mysql => "EXPLAIN FORMAT=JSON ",
        BackendKind::Sqlite => return Ok(None),
    };
    let plan: String = Explain { prefix, query }.get_result(conn)?;
    let Ok(plan) = serde_json::from_str::<serde_json::Value>(&plan) else {
        return Ok(None);
    };
    Ok(match conn.backend() {
        BackendKind::Postgres => postgres_rows(&plan),
        _ => mysql_rows(&plan),
    })
}

/// `[{"Plan": {"Plan Rows": N, ...}}]`: the top node's rows.
fn postgres_rows(plan: &serde_json::Value) -> Option<i64> {
    let rows = plan.get(0)?.get("Plan")?.get("Plan Rows")?.as_f64()?;
    Some(rows.round() as i64)
}

/// `{"query_block": {"table": {"rows": N, "filtered": F, ...}}}` (maybe
/// under a sort or a temporary table): the table's rows read, times the
/// share of them the rest of the filter is expected to keep. MySQL writes
/// `rows_examined_per_scan` and numbers as text.
fn mysql_rows(plan: &serde_json::Value) -> Option<i64> {
    let table = find_table(plan.get("query_block")?)?;
    let number = |key: &str| -> Option<f64> {
        let value = table.get(key)?;
        value
            .as_f64()
            .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
    };
    let rows = number("rows").or_else(|| number("rows_examined_per_scan"))?;
    let filtered = number("filtered").unwrap_or(100.0);
    Some((rows * filtered / 100.0).round() as i64)
}

/// The first object under a `"table"` key, depth first.
fn find_table(node: &serde_json::Value) -> Option<&serde_json::Value> {
    match node {
        serde_json::Value::Object(map) => map
            .get("table")
            .or_else(|| map.values().find_map(find_table)),
        serde_json::Value::Array(items) => items.iter().find_map(find_table),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_are_read_from_each_backends_plan() {
        let pg = json!([{"Plan": {"Node Type": "Index Only Scan", "Plan Rows": 499_812.0}}]);
        assert_eq!(postgres_rows(&pg), Some(499_812));
        let mariadb = json!({"query_block": {"select_id": 1, "table": {
            "table_name": "blog_article", "access_type": "ref", "rows": 500_000, "filtered": 50}}});
        assert_eq!(mysql_rows(&mariadb), Some(250_000));
        let sorted = json!({"query_block": {"filesort": {"temporary_table": {"table": {
            "rows": "1200", "filtered": "100.00"}}}}});
        assert_eq!(mysql_rows(&sorted), Some(1_200));
        let mysql =
            json!({"query_block": {"table": {"rows_examined_per_scan": 10, "filtered": "10.00"}}});
        assert_eq!(mysql_rows(&mysql), Some(1));
        assert_eq!(
            mysql_rows(&json!({"query_block": {"message": "Impossible WHERE"}})),
            None
        );
    }
}
