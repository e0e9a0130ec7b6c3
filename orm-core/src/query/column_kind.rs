//! What each kind of column takes: its lookups (`exact`, `gt`, `icontains`
//! ...), its ordering and its aggregates. The derive names one kind per
//! field; the SQL is built here, once, for every model.
//!
//! Each group of operations is a trait with one blanket impl, whose bounds
//! say what diesel needs to build that SQL for a column; a kind takes the
//! groups it offers.

use std::marker::PhantomData;

use diesel::dsl;
use diesel::expression::{AsExpression, Expression, TypedExpressionType};
use diesel::expression_methods::{
    EscapeExpressionMethods, ExpressionMethods, TextExpressionMethods,
};
use diesel::helper_types as sql;
use diesel::sql_types::{self, Foldable, Nullable, SingleValue, SqlType};
use diesel::IntoSql;

use crate::db::functions::lower;
use crate::db::AnyConnection;
use crate::error::Result;
use crate::query::aggregate::{AggregateOutput, Selectable};
use crate::query::columns::ModelColumns;
use crate::query::dates::PartIs;
use crate::query::sql::{Fragment, SqlCondition, SqlExpr, SqlOrder};
use crate::query::{like_pattern, Aggregate, Condition, Lookup, Operand, QuerySpec};
use crate::value::{db_value, FieldType, Value, ValueTypeError};

/// A condition, `None` when the column does not take the lookup, or the
/// error of an operand of the wrong type.
pub type Built = std::result::Result<Option<SqlCondition>, ValueTypeError>;

/// The lookups and aggregates of a column `C`. `None` from
/// [`condition`](ColumnKind::condition) or
/// [`aggregate`](ColumnKind::aggregate) means the column does not take that
/// lookup or aggregate.
pub trait ColumnKind<C> {
    /// `column <lookup> operand`.
    fn condition(column: C, condition: &Condition) -> Built;

    /// `column ASC` or `column DESC`.
    fn order(column: C, descending: bool) -> SqlOrder;

    /// The aggregate of the column over the rows of `spec` (a model `M`
    /// whose table holds the column).
    fn aggregate<M: ModelColumns>(
        column: C,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        aggregate: Aggregate,
    ) -> Result<Option<Value>>;
}

/// Text (field type `F`, non-null type `I`): every lookup, `count`, `min`,
/// `max`.
pub struct Text<F, I>(PhantomData<(F, I)>);
/// Integers and floats: ordered lookups and every aggregate.
pub struct Number<F, I>(PhantomData<(F, I)>);
/// Decimals: ordered lookups, `count`, `sum`, `avg` (diesel does not take
/// `min`/`max` of decimals).
pub struct Decimal<F, I>(PhantomData<(F, I)>);
/// Dates, times and foreign keys: ordered lookups, `count`, `min`, `max`.
pub struct Ordered<F, I>(PhantomData<(F, I)>);
/// Everything else (booleans, choices, UUIDs, JSON, bytes): `exact`, `in`,
/// `isnull`, and `count`.
pub struct Plain<F>(PhantomData<F>);

fn bound<F: FieldType>(value: &Value) -> std::result::Result<F::Db, ValueTypeError> {
    db_value::<F>(value.clone())
}

/// `exact`, `in` and `isnull`, which every column takes; operands of field
/// type `F`.
pub trait Equality<F>: Sized {
    /// The condition, for these lookups.
    fn equality(self, condition: &Condition) -> Built;
}

impl<F, C> Equality<F> for C
where
    F: FieldType,
    C: Expression,
    C::SqlType: SqlType + TypedExpressionType + SingleValue,
    F::Db: AsExpression<C::SqlType>,
    dsl::Eq<C, F::Db>: Fragment,
    dsl::EqAny<C, Vec<F::Db>>: Fragment,
    dsl::IsNull<C>: Fragment,
    dsl::IsNotNull<C>: Fragment,
{
    fn equality(self, c: &Condition) -> Built {
        Ok(Some(match (c.lookup, &c.operand) {
            (Lookup::Exact, Operand::One(Value::Null)) | (Lookup::IsNull, Operand::Flag(true)) => {
                SqlCondition::new(self.is_null())
            }
            (Lookup::IsNull, Operand::Flag(false)) => SqlCondition::new(self.is_not_null()),
            (Lookup::Exact, Operand::One(v)) => SqlCondition::new(self.eq(bound::<F>(v)?)),
            (Lookup::In, Operand::Many(vs)) => {
                let vs = vs
                    .iter()
                    .map(bound::<F>)
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                SqlCondition::new(self.eq_any(vs))
            }
            _ => return Ok(None),
        }))
    }
}

/// `gt`, `gte`, `lt`, `lte` and `range`, then the equality lookups.
pub trait Comparison<F>: Equality<F> {
    /// The condition, for these lookups.
    fn comparison(self, condition: &Condition) -> Built;
}

impl<F, C> Comparison<F> for C
where
    F: FieldType,
    C: Equality<F> + Expression,
    C::SqlType: SqlType + TypedExpressionType + SingleValue,
    F::Db: AsExpression<C::SqlType>,
    dsl::Gt<C, F::Db>: Fragment,
    dsl::GtEq<C, F::Db>: Fragment,
    dsl::Lt<C, F::Db>: Fragment,
    dsl::LtEq<C, F::Db>: Fragment,
    dsl::Between<C, F::Db, F::Db>: Fragment,
{
    fn comparison(self, c: &Condition) -> Built {
        Ok(Some(match (c.lookup, &c.operand) {
            (Lookup::Gt, Operand::One(v)) => SqlCondition::new(self.gt(bound::<F>(v)?)),
            (Lookup::Gte, Operand::One(v)) => SqlCondition::new(self.ge(bound::<F>(v)?)),
            (Lookup::Lt, Operand::One(v)) => SqlCondition::new(self.lt(bound::<F>(v)?)),
            (Lookup::Lte, Operand::One(v)) => SqlCondition::new(self.le(bound::<F>(v)?)),
            (Lookup::Range, Operand::Pair(low, high)) => {
                SqlCondition::new(self.between(bound::<F>(low)?, bound::<F>(high)?))
            }
            _ => return self.equality(c),
        }))
    }
}

/// Text or nullable text: the column types the text lookups take.
pub trait TextLike: SqlType + SingleValue + TypedExpressionType + Sized {
    /// The condition of a text lookup on `column` (erased to its type).
    fn text(column: SqlExpr<Self>, condition: &Condition) -> Option<SqlCondition>;
}

macro_rules! text_like {
    ($($sql:ty),+) => {$(
        impl TextLike for $sql {
            fn text(column: SqlExpr<Self>, c: &Condition) -> Option<SqlCondition> {
                let text = |t: String| t.into_sql::<sql_types::Text>();
                Some(match (c.lookup, &c.operand) {
                    (Lookup::IExact, Operand::One(Value::Text(t))) => {
                        SqlCondition::new(lower(column).eq(lower(text(t.clone()))))
                    }
                    (
                        lookup @ (Lookup::Contains | Lookup::StartsWith | Lookup::EndsWith),
                        Operand::One(Value::Text(t)),
                    ) => SqlCondition::new(
                        column.like(text(like_pattern(lookup, t))).escape('\\'),
                    ),
                    (
                        lookup @ (Lookup::IContains | Lookup::IStartsWith | Lookup::IEndsWith),
                        Operand::One(Value::Text(t)),
                    ) => SqlCondition::new(
                        lower(column).like(lower(text(like_pattern(lookup, t)))).escape('\\'),
                    ),
                    _ => return None,
                })
            }
        }
    )+};
}

text_like!(sql_types::Text);

impl TextLike for Nullable<sql_types::Text> {
    fn text(column: SqlExpr<Self>, c: &Condition) -> Option<SqlCondition> {
        // NULL never matches a text lookup: compare the text itself.
        <sql_types::Text as TextLike>::text(SqlExpr::new(column), c)
    }
}

/// `iexact`, `contains`, `icontains`, `startswith`, `istartswith`,
/// `endswith`, `iendswith`, then the ordered lookups.
pub trait TextSearch<F>: Comparison<F> {
    /// The condition, for these lookups.
    fn text(self, condition: &Condition) -> Built;
}

impl<F, C> TextSearch<F> for C
where
    F: FieldType,
    C: Comparison<F> + Expression + Fragment + Copy,
    C::SqlType: TextLike,
{
    fn text(self, c: &Condition) -> Built {
        match <C::SqlType as TextLike>::text(SqlExpr::new(self), c) {
            Some(condition) => Ok(Some(condition)),
            None => self.comparison(c),
        }
    }
}

/// `ASC` and `DESC`, and `count`, which every column takes.
pub trait Basic: Sized {
    /// `column ASC` or `column DESC`.
    fn order_by(self, descending: bool) -> SqlOrder;
    /// `count(column)` over the rows of `spec`.
    fn count<M: ModelColumns>(self, conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Value>;
}

impl<C> Basic for C
where
    C: Expression + diesel::Column,
    C::Table: Default,
    C::SqlType: SqlType + TypedExpressionType + SingleValue,
    dsl::Asc<C>: Fragment,
    dsl::Desc<C>: Fragment,
    dsl::count<C>: Selectable<C::Table, i64>,
{
    fn order_by(self, descending: bool) -> SqlOrder {
        if descending {
            SqlOrder::new(self.desc())
        } else {
            SqlOrder::new(self.asc())
        }
    }

    fn count<M: ModelColumns>(self, conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Value> {
        Ok(Value::BigInt(
            diesel::dsl::count(self).select_one::<M>(conn, spec)?,
        ))
    }
}

/// `min` and `max`, read as a value of the field's non-null type `I`: the
/// first non-null value in the column's order (what `MIN`/`MAX` give,
/// and served by an index on the column).
pub trait Extremes<I>: Sized {
    /// The smallest or largest value over the rows of `spec`.
    fn extreme<M: ModelColumns>(
        self,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        max: bool,
    ) -> Result<Value>;
}

impl<I, C> Extremes<I> for C
where
    I: FieldType,
    C: Expression + diesel::Column + Copy,
    C::SqlType: SqlType + TypedExpressionType + SingleValue + sql_types::IntoNullable,
    <C::SqlType as sql_types::IntoNullable>::Nullable: TypedExpressionType,
    dsl::IsNotNull<C>: Fragment,
    dsl::Asc<C>: Fragment,
    dsl::Desc<C>: Fragment,
    dsl::Nullable<C>: Selectable<C::Table, Option<I::Db>>,
{
    fn extreme<M: ModelColumns>(
        self,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        max: bool,
    ) -> Result<Value> {
        use diesel::NullableExpressionMethods;
        let order = if max {
            SqlOrder::new(self.desc())
        } else {
            SqlOrder::new(self.asc())
        };
        let also = SqlCondition::new(self.is_not_null());
        let value = self
            .nullable()
            .select_first::<M>(conn, spec, also, order)?
            .flatten();
        crate::query::aggregate::extreme_value::<I>(value)
    }
}

/// `sum` and `avg`.
pub trait Folds: Sized {
    /// `sum(column)` or `avg(column)` over the rows of `spec`.
    fn fold<M: ModelColumns>(
        self,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        sum: bool,
    ) -> Result<Value>;
}

/// The Rust type read for a fold `Out` of SQL type.
type FoldRead<Out> = Option<<Out as AggregateOutput>::Rust>;

impl<C> Folds for C
where
    C: Expression + diesel::Column,
    C::Table: Default,
    C::SqlType: SqlType + TypedExpressionType + SingleValue + Foldable,
    <C::SqlType as Foldable>::Sum: AggregateOutput,
    <C::SqlType as Foldable>::Avg: AggregateOutput,
    sql::sum<C>: Selectable<C::Table, FoldRead<<C::SqlType as Foldable>::Sum>>,
    sql::avg<C>: Selectable<C::Table, FoldRead<<C::SqlType as Foldable>::Avg>>,
{
    fn fold<M: ModelColumns>(
        self,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        sum: bool,
    ) -> Result<Value> {
        Ok(if sum {
            let value = diesel::dsl::sum(self).select_one::<M>(conn, spec)?;
            <<C::SqlType as Foldable>::Sum as AggregateOutput>::to_value(value)
        } else {
            let value = diesel::dsl::avg(self).select_one::<M>(conn, spec)?;
            <<C::SqlType as Foldable>::Avg as AggregateOutput>::to_value(value)
        })
    }
}

impl<F, I, C> ColumnKind<C> for Text<F, I>
where
    C: TextSearch<F> + Basic + Extremes<I>,
{
    fn condition(column: C, c: &Condition) -> Built {
        column.text(c)
    }
    fn order(column: C, descending: bool) -> SqlOrder {
        column.order_by(descending)
    }
    fn aggregate<M: ModelColumns>(
        column: C,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        aggregate: Aggregate,
    ) -> Result<Option<Value>> {
        ordered_aggregate::<M, I, C>(column, conn, spec, aggregate)
    }
}

impl<F, I, C> ColumnKind<C> for Ordered<F, I>
where
    F: FieldType,
    C: Comparison<F> + Basic + Extremes<I> + Fragment,
{
    fn condition(column: C, c: &Condition) -> Built {
        match c.lookup {
            // Dates and times; a foreign key has no parts.
            Lookup::Part(part) if part.applies_to(F::KIND) => {
                Ok(PartIs::new(column, part, &c.operand).map(SqlCondition::new))
            }
            Lookup::Part(_) => Ok(None),
            _ => column.comparison(c),
        }
    }
    fn order(column: C, descending: bool) -> SqlOrder {
        column.order_by(descending)
    }
    fn aggregate<M: ModelColumns>(
        column: C,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        aggregate: Aggregate,
    ) -> Result<Option<Value>> {
        ordered_aggregate::<M, I, C>(column, conn, spec, aggregate)
    }
}

impl<F, I, C> ColumnKind<C> for Number<F, I>
where
    C: Comparison<F> + Basic + Extremes<I> + Folds,
{
    fn condition(column: C, c: &Condition) -> Built {
        column.comparison(c)
    }
    fn order(column: C, descending: bool) -> SqlOrder {
        column.order_by(descending)
    }
    fn aggregate<M: ModelColumns>(
        column: C,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        aggregate: Aggregate,
    ) -> Result<Option<Value>> {
        match aggregate {
            Aggregate::Sum | Aggregate::Avg => column
                .fold::<M>(conn, spec, aggregate == Aggregate::Sum)
                .map(Some),
            _ => ordered_aggregate::<M, I, C>(column, conn, spec, aggregate),
        }
    }
}

impl<F, I, C> ColumnKind<C> for Decimal<F, I>
where
    C: Comparison<F> + Basic + Folds,
{
    fn condition(column: C, c: &Condition) -> Built {
        column.comparison(c)
    }
    fn order(column: C, descending: bool) -> SqlOrder {
        column.order_by(descending)
    }
    fn aggregate<M: ModelColumns>(
        column: C,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        aggregate: Aggregate,
    ) -> Result<Option<Value>> {
        Ok(Some(match aggregate {
            Aggregate::Count => column.count::<M>(conn, spec)?,
            Aggregate::Sum | Aggregate::Avg => {
                column.fold::<M>(conn, spec, aggregate == Aggregate::Sum)?
            }
            Aggregate::Min | Aggregate::Max => return Ok(None),
        }))
    }
}

impl<F, C> ColumnKind<C> for Plain<F>
where
    C: Equality<F> + Basic,
{
    fn condition(column: C, c: &Condition) -> Built {
        column.equality(c)
    }
    fn order(column: C, descending: bool) -> SqlOrder {
        column.order_by(descending)
    }
    fn aggregate<M: ModelColumns>(
        column: C,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        aggregate: Aggregate,
    ) -> Result<Option<Value>> {
        match aggregate {
            Aggregate::Count => column.count::<M>(conn, spec).map(Some),
            _ => Ok(None),
        }
    }
}

/// `count`, `min` and `max`.
fn ordered_aggregate<M, I, C>(
    column: C,
    conn: &mut AnyConnection,
    spec: &QuerySpec,
    aggregate: Aggregate,
) -> Result<Option<Value>>
where
    M: ModelColumns,
    C: Basic + Extremes<I>,
{
    Ok(Some(match aggregate {
        Aggregate::Count => column.count::<M>(conn, spec)?,
        Aggregate::Min => column.extreme::<M>(conn, spec, false)?,
        Aggregate::Max => column.extreme::<M>(conn, spec, true)?,
        Aggregate::Sum | Aggregate::Avg => return Ok(None),
    }))
}
