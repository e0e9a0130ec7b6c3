//! The `LEFT JOIN` of a foreign key's target table, through diesel's public
//! query-source traits.
//!
//! `Joined<T>` is the target table `T` as the right side of the join, and
//! `OnJoined<E, T>` an expression on its columns. The model holding the key
//! declares (in its derive) that its own table is not `Joined<T>`; every
//! other rule lives here, so joins need no per-pair declarations and two
//! models may each hold a key to the other.

use std::marker::PhantomData;

use diesel::expression::{is_aggregate, TypedExpressionType, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_source::{AppearsInFromClause, Never, Once, QuerySource};
use diesel::sql_types::IntoNullable;
use diesel::{AppearsOnTable, Expression, QueryResult, SelectableExpression, Table};

use crate::model::Model;

/// Target table `T` joined to the table of the model holding the key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Joined<T>(pub T);

/// Expression `E` on the columns of the joined table `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OnJoined<E, T>(E, PhantomData<T>);

/// The same, of nullable SQL type: what a `LEFT JOIN` reads from its
/// right side (diesel's own `.nullable()` asks for a trait it keeps to
/// itself).
#[derive(Debug, Clone, Copy, Default)]
pub struct NullableOnJoined<E, T>(E, PhantomData<T>);

impl<E, T> OnJoined<E, T> {
    /// `expression`, read from the joined table `T`.
    pub const fn new(expression: E) -> Self {
        OnJoined(expression, PhantomData)
    }
}

impl<E, T> NullableOnJoined<E, T> {
    /// `expression`, read from the joined table `T`, NULL where no row
    /// joined.
    pub const fn new(expression: E) -> Self {
        NullableOnJoined(expression, PhantomData)
    }
}

impl<T: QueryId> QueryId for Joined<T> {
    type QueryId = Joined<T::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = T::HAS_STATIC_QUERY_ID;
}

impl<T> QuerySource for Joined<T>
where
    T: Table + Clone,
    T::AllColumns: Clone,
    OnJoined<T::AllColumns, T>: SelectableExpression<Self>,
{
    type FromClause = T::FromClause;
    type DefaultSelection = OnJoined<T::AllColumns, T>;

    fn from_clause(&self) -> Self::FromClause {
        self.0.from_clause()
    }

    fn default_selection(&self) -> Self::DefaultSelection {
        OnJoined::new(T::all_columns())
    }
}

impl<T> AppearsInFromClause<Joined<T>> for Joined<T> {
    type Count = Once;
}

impl<T, U: Table> AppearsInFromClause<U> for Joined<T> {
    type Count = Never;
}

impl<E: Expression, T> Expression for OnJoined<E, T> {
    type SqlType = E::SqlType;
}

impl<E, T> Expression for NullableOnJoined<E, T>
where
    E: Expression,
    E::SqlType: IntoNullable,
    <E::SqlType as IntoNullable>::Nullable: TypedExpressionType,
{
    type SqlType = <E::SqlType as IntoNullable>::Nullable;
}

macro_rules! joined_expression {
    ($($ty:ident),+) => {$(
        impl<E: QueryId, T: 'static> QueryId for $ty<E, T> {
            type QueryId = $ty<E::QueryId, T>;
            const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
        }

        impl<E, T, DB> QueryFragment<DB> for $ty<E, T>
        where
            E: QueryFragment<DB>,
            DB: diesel::backend::Backend,
        {
            fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                self.0.walk_ast(pass)
            }
        }

        impl<E, T, QS> AppearsOnTable<QS> for $ty<E, T>
        where
            Self: Expression,
            QS: AppearsInFromClause<Joined<T>, Count = Once>,
        {
        }

        impl<E, T, QS> SelectableExpression<QS> for $ty<E, T>
        where
            Self: Expression,
            QS: AppearsInFromClause<Joined<T>, Count = Once>,
        {
        }

        impl<E, T, GB> ValidGrouping<GB> for $ty<E, T> {
            type IsAggregate = is_aggregate::No;
        }
    )+};
}

joined_expression!(OnJoined, NullableOnJoined);

/// Compiles only for models: the derive asserts it at each foreign key's
/// target type, so the first error points there.
pub fn assert_model<M: Model>() {}

/// What the derive of a model exposes so that others can left-join its
/// table: the table, its columns and its primary key, and the
/// columns its `to_repr` reads (those of `#[model(display = "...")]`, with
/// the key first; every column without it) with how the text is made.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "not a model",
    note = "add `#[derive(Model)]` to `{Self}`"
)]
pub trait JoinTarget: Model {
    /// The model's table.
    type Table: diesel::Table + Default + Copy + Send + Sync + std::fmt::Debug + 'static;
    /// Every column, in schema order.
    type Columns: Copy;
    /// The primary-key column.
    type PkColumn: diesel::Column + Copy;
    /// Every column, in schema order.
    const COLUMNS: Self::Columns;
    /// The primary-key column.
    const PK: Self::PkColumn;
    /// The columns `to_repr` reads.
    type ReprColumns: Copy;
    /// What those columns read as.
    type ReprRow;
    /// The columns `to_repr` reads.
    const REPR_COLUMNS: Self::ReprColumns;
    /// The text `to_repr` gives, from those columns.
    fn repr_of(row: Self::ReprRow) -> String;
}
