//! The changelist's row counts: the database's own estimate for a large
//! list, which costs a catalog lookup or a query plan instead of a visit to
//! every row; `COUNT(*)` of the first rows only where there is none; an
//! exact `COUNT(*)` for small lists. A page past the middle of a list
//! whose count is not exact counts after all: it is read from the far
//! end, which needs the exact count.

use std::fmt;

use orm_core::db::{estimated_rows, query_key, KeptValues};

use crate::kept::Kept;
use orm_core::query::QuerySpec;
use orm_core::AnyConnection;

use crate::site::AdminModel;

/// How many rows a list holds, and how well that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowCount {
    pub(crate) rows: i64,
    pub(crate) known: Known,
}

/// How well a [`RowCount`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// Counted.
    Exactly,
    /// The database's estimate.
    About,
    /// Counted up to this many, and there are more.
    MoreThan,
}

impl RowCount {
    /// Whether the rows were counted, every one.
    pub(crate) fn is_exact(&self) -> bool {
        self.known == Known::Exactly
    }
}

impl fmt::Display for RowCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known {
            Known::Exactly => {}
            Known::About => f.write_str("about ")?,
            Known::MoreThan => f.write_str("more than ")?,
        }
        write!(f, "{}", self.rows)
    }
}

/// The rows of `model` that `spec` matches. Where the database's
/// statistics put them at `estimate_count_above` or more, that estimate:
/// the table's size without a filter, the query planner's expectation for
/// the sidebar's filters (PostgreSQL, MariaDB and MySQL; SQLite gives
/// none). A search (`searched`) is not estimated: the planner can only
/// guess how many rows contain a word. Under the line by an estimate,
/// counted; with no estimate, counted up to `estimate_count_above` ("more
/// than 10000"). All are kept in `kept` like every count.
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
    let most = model.options.estimate_count_above;
    if let Some(rows) = estimate.filter(|&rows| rows >= most) {
        return Ok(RowCount {
            rows,
            known: Known::About,
        });
    }
    if estimate.is_some() {
        // Under the line by the statistics: few enough to count.
        return exact_count(conn, model, spec, &kept.counts);
    }
    // No estimate (SQLite's filters and searches, a search anywhere, a
    // table never analysed): count the first rows only (a page's worth at
    // least), so that a large list costs no more than a small one.
    let most = most.max(model.options.list_per_page);
    let key = format!("up to {most}:{}", query_key(schema, spec));
    let rows = kept
        .counts
        .get_or_compute(&key, || (model.ops.count_up_to)(conn, spec, most + 1))?;
    Ok(if rows > most {
        RowCount {
            rows: most,
            known: Known::MoreThan,
        }
    } else {
        RowCount {
            rows,
            known: Known::Exactly,
        }
    })
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
        known: Known::Exactly,
    })
}

#[cfg(test)]
mod tests {
    use super::{Known, RowCount};

    #[test]
    fn an_estimate_says_so() {
        let count = |rows, known| RowCount { rows, known }.to_string();
        assert_eq!(count(42, Known::Exactly), "42");
        assert_eq!(count(1_200_000, Known::About), "about 1200000");
        assert_eq!(count(10_000, Known::MoreThan), "more than 10000");
    }
}
