//! Conditions and orderings compiled for one model, with their Rust types
//! erased so that every query over the model's table (alone, or joined to
//! a foreign key's target) takes them.

use diesel::expression::expression_types::NotSelectable;
use std::marker::PhantomData;

use diesel::expression::{is_aggregate, TypedExpressionType, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Nullable};
use diesel::{AppearsOnTable, Expression, QueryResult, SelectableExpression};

use crate::db::MultiBackend;

/// SQL a condition or ordering is made of: any diesel fragment for the
/// connection's backend.
pub trait Fragment: QueryFragment<MultiBackend> + Send + 'static {}

impl<T: QueryFragment<MultiBackend> + Send + 'static> Fragment for T {}

/// A `WHERE` condition on one model's columns.
///
/// Built only from the model's own columns (see
/// [`compile::condition`](crate::query::compile::condition)), so it may
/// appear in any query whose `FROM` clause holds the model's table: the
/// table alone, or the table left-joined to a foreign key's target.
pub struct SqlCondition(Box<dyn Fragment>);

/// An `ORDER BY` term on one model's column.
pub struct SqlOrder(Box<dyn Fragment>);

/// An expression of SQL type `ST` on one model's columns (a column, or a
/// function of it).
pub struct SqlExpr<ST>(Box<dyn Fragment>, PhantomData<ST>);

impl<ST> SqlExpr<ST> {
    /// Erases an expression read as `ST`.
    pub fn new(expression: impl Fragment) -> Self {
        SqlExpr(Box::new(expression), PhantomData)
    }
}

impl<ST: TypedExpressionType> Expression for SqlExpr<ST> {
    type SqlType = ST;
}

impl SqlCondition {
    /// Erases a boolean expression on the model's columns.
    pub fn new(expression: impl Fragment) -> Self {
        SqlCondition(Box::new(expression))
    }
}

impl SqlOrder {
    /// Erases an ordering term on the model's columns.
    pub fn new(term: impl Fragment) -> Self {
        SqlOrder(Box::new(term))
    }
}

impl Expression for SqlCondition {
    type SqlType = Nullable<Bool>;
}

impl Expression for SqlOrder {
    type SqlType = NotSelectable;
}

macro_rules! erased_expression {
    ($($ty:ident $(<$st:ident>)?),+) => {$(
        impl$(<$st>)? QueryFragment<MultiBackend> for $ty$(<$st>)? {
            fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
                self.0.walk_ast(pass)
            }
        }

        impl$(<$st>)? QueryId for $ty$(<$st>)? {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl<QS $(, $st)?> AppearsOnTable<QS> for $ty$(<$st>)? where Self: Expression {}

        impl<QS $(, $st)?> SelectableExpression<QS> for $ty$(<$st>)? where Self: Expression {}

        impl<GB $(, $st)?> ValidGrouping<GB> for $ty$(<$st>)? {
            type IsAggregate = is_aggregate::No;
        }
    )+};
}

erased_expression!(SqlCondition, SqlOrder, SqlExpr<ST>);
