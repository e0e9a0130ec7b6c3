//! A model's typed columns: the one piece of per-field code the derive
//! writes for queries. Everything else (conditions, ordering, aggregates)
//! is generic code over these columns.

use crate::model::Model;

/// The diesel columns of a model, reachable by field index. Implemented by
/// `#[derive(Model)]` as one `match` from index to column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "not a model",
    note = "add `#[derive(Model)]` to `{Self}`"
)]
pub trait ModelColumns: Model {
    /// The model's diesel table.
    type Table: diesel::Table + Default + Copy + Send + Sync + 'static;

    /// Calls `visitor` with the column of field `index` and the
    /// [`ColumnKind`](super::ColumnKind) that says which lookups and aggregates it takes.
    /// `None` for an index with no column (a many-to-many field, or past
    /// the end).
    fn visit_column<V: ColumnVisitor>(index: usize, visitor: V) -> Option<V::Output>;
}

/// Something done with one typed column (see [`ModelColumns::visit_column`]).
pub trait ColumnVisitor {
    /// What the visit gives.
    type Output;
    /// Visits `column`, whose lookups and aggregates `K` implements.
    fn visit<C, K: crate::query::ColumnKind<C>>(self, column: C) -> Self::Output;
}
