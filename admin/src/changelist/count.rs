//! The changelist's row counts: `COUNT(*)`, or for the whole of a large
//! table the database's own estimate, which costs a catalog lookup instead
//! of a visit to every row. A page past the middle of an estimated list
//! counts after all: it is read from the far end, which needs the exact
//! count.

use std::fmt;

use orm_core::db::{estimated_rows, query_key, KeptValues};

use crate::kept::Kept;
use orm_core::query::QuerySpec;
use orm_core::AnyConnection;

use crate::site::AdminModel;

/// How many rows a list holds, and whether that is an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowCount {
    pub(crate) rows: i64,
    pub(crate) estimated: bool,
}

impl fmt::Display for RowCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.estimated {
            f.write_str("about ")?;
        }
        write!(f, "{}", self.rows)
    }
}

/// The rows of `model` that `spec` matches. Where the database's
/// statistics put them at `estimate_count_above` or more, that estimate:
/// the table's size without a filter, the query planner's expectation for
/// the sidebar's filters (PostgreSQL, MariaDB and MySQL; SQLite gives
/// none). A search (`searched`) is counted: the planner can only guess how
/// many rows contain a word. Both are kept in `kept` like every count.
pub(crate) fn count_rows(
    conn: &mut AnyConnection,
    model: &AdminModel,
    spec: &QuerySpec,
    searched: bool,
    kept: &Kept,
) -> orm_core::Result<RowCount> {
    let schema = model.schema;
    let estimate = if spec.filter.is_none() {
        kept.estimates
            .get_or_compute(&schema.label(), || Ok(estimated_rows(conn, &schema.table)?))?
    } else if searched {
        None
    } else {
        let key = format!("planned:{}", query_key(schema, spec));
        kept.estimates
            .get_or_compute(&key, || (model.ops.planned_rows)(conn, spec))?
    };
    if let Some(rows) = estimate.filter(|&rows| rows >= model.options.estimate_count_above) {
        return Ok(RowCount {
            rows,
            estimated: true,
        });
    }
    exact_count(conn, model, spec, &kept.counts)
}

/// The rows of `model` that `spec` matches, counted (`COUNT(*)`, kept in
/// `counts`).
pub(crate) fn exact_count(
    conn: &mut AnyConnection,
    model: &AdminModel,
    spec: &QuerySpec,
    counts: &KeptValues<i64>,
) -> orm_core::Result<RowCount> {
    let rows = counts.get_or_compute(&query_key(model.schema, spec), || {
        (model.ops.count)(conn, spec)
    })?;
    Ok(RowCount {
        rows,
        estimated: false,
    })
}

#[cfg(test)]
mod tests {
    use super::RowCount;

    #[test]
    fn an_estimate_says_so() {
        let count = |rows, estimated| RowCount { rows, estimated }.to_string();
        assert_eq!(count(42, false), "42");
        assert_eq!(count(1_200_000, true), "about 1200000");
    }
}
