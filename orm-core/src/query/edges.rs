//! The smallest and largest value of a field among a query's rows, in one
//! statement: `SELECT (SELECT col ... ORDER BY col LIMIT 1), (SELECT col
//! ... ORDER BY col DESC LIMIT 1)`. Each subquery is one step along an
//! index of the field on every backend (SQLite reads `MIN` and `MAX`
//! through an index only when a statement has one of them), and the two
//! cost one round trip: what a date hierarchy needs.

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Untyped;
use diesel::{QueryResult, RunQueryDsl};

use super::sql::SqlCondition;
use super::values::{Read, ValuesRow};
use super::QuerySpec;
use crate::db::{AnyConnection, MultiBackend};
use crate::error::Result;
use crate::registry::ModelOps;
use crate::value::Value;

/// The smallest and largest non-`NULL` values of field `field` among the
/// rows `spec` filters (its ordering and slice are ignored); `None` when
/// no row has one.
pub fn field_edges(
    conn: &mut AnyConnection,
    model: &ModelOps,
    spec: &QuerySpec,
    field: usize,
) -> Result<Option<(Value, Value)>> {
    let schema = (model.schema)();
    let target = schema.field_at(field)?;
    let statement = Edges {
        table: schema.table.to_string(),
        column: target.column.to_string(),
        filter: match &spec.filter {
            Some(q) => Some((model.condition)(q)?),
            None => None,
        },
        read: Read::of(target.kind),
    };
    let mut rows: Vec<ValuesRow> = statement.load(conn)?;
    let Some(ValuesRow(mut values)) = rows.pop() else {
        return Ok(None);
    };
    let (Some(last), Some(first)) = (values.pop(), values.pop()) else {
        return Ok(None);
    };
    if first.is_null() || last.is_null() {
        return Ok(None);
    }
    Ok(Some((first, last)))
}

struct Edges {
    table: String,
    column: String,
    filter: Option<SqlCondition>,
    read: Read,
}

impl Edges {
    /// `(SELECT col FROM table WHERE filter AND col IS NOT NULL ORDER BY
    /// col [DESC] LIMIT 1)`.
    fn edge<'b>(
        &'b self,
        mut out: AstPass<'_, 'b, MultiBackend>,
        descending: bool,
    ) -> QueryResult<()> {
        out.push_sql("(SELECT ");
        out.push_identifier(&self.table)?;
        out.push_sql(".");
        out.push_identifier(&self.column)?;
        out.push_sql(" FROM ");
        out.push_identifier(&self.table)?;
        out.push_sql(" WHERE ");
        if let Some(filter) = &self.filter {
            out.push_sql("(");
            filter.walk_ast(out.reborrow())?;
            out.push_sql(") AND ");
        }
        out.push_identifier(&self.table)?;
        out.push_sql(".");
        out.push_identifier(&self.column)?;
        out.push_sql(" IS NOT NULL ORDER BY ");
        out.push_identifier(&self.table)?;
        out.push_sql(".");
        out.push_identifier(&self.column)?;
        out.push_sql(if descending { " DESC" } else { " ASC" });
        out.push_sql(" LIMIT 1)");
        Ok(())
    }
}

impl QueryFragment<MultiBackend> for Edges {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let code = self.read.code();
        out.push_sql("SELECT ");
        self.edge(out.reborrow(), false)?;
        out.push_sql(&format!(" AS v0_{code}, "));
        self.edge(out.reborrow(), true)?;
        out.push_sql(&format!(" AS v1_{code}"));
        Ok(())
    }
}

impl QueryId for Edges {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Edges {
    type SqlType = Untyped;
}

impl RunQueryDsl<AnyConnection> for Edges {}
