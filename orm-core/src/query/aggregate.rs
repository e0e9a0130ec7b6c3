//! Aggregates (`count`, `sum`, `avg`, `min`, `max`) of one field over the
//! rows of a query.

use diesel::dsl;
use diesel::query_dsl::methods::{BoxedDsl, SelectDsl};
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, ThenOrderDsl};
use diesel::query_dsl::LoadQuery;
use diesel::sql_types::Nullable;
use diesel::{OptionalExtension, QueryDsl, RunQueryDsl};

use crate::db::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::query::columns::{ColumnVisitor, ModelColumns};
use crate::query::compile::{apply_spec, SpecQuery};
use crate::query::sql::{SqlCondition, SqlOrder};
use crate::query::{Aggregate, ColumnKind, QuerySpec};
use crate::value::{FieldType, Value};

/// A selection of one aggregate from table `T`, read as `R`.
pub trait Selectable<T, R>: Sized {
    /// `SELECT self FROM T WHERE <spec's filter>`, its one row.
    fn select_one<M: ModelColumns>(self, conn: &mut AnyConnection, spec: &QuerySpec) -> Result<R>;

    /// `SELECT self FROM T WHERE <spec's filter> AND <also> ORDER BY
    /// <order> LIMIT 1`, its row if there is one.
    fn select_first<M: ModelColumns>(
        self,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        also: SqlCondition,
        order: SqlOrder,
    ) -> Result<Option<R>>;
}

impl<S, T, R> Selectable<T, R> for S
where
    S: diesel::Expression,
    T: diesel::Table + Default + SelectDsl<S>,
    dsl::Select<T, S>: QueryDsl + BoxedDsl<'static, MultiBackend>,
    dsl::IntoBoxed<'static, dsl::Select<T, S>, MultiBackend>:
        SpecQuery + LoadQuery<'static, AnyConnection, R>,
{
    fn select_one<M: ModelColumns>(self, conn: &mut AnyConnection, spec: &QuerySpec) -> Result<R> {
        let query = T::default().select(self).into_boxed::<MultiBackend>();
        let query = apply_spec::<M, _>(conn, query, spec)?;
        Ok(query.get_result(conn)?)
    }

    fn select_first<M: ModelColumns>(
        self,
        conn: &mut AnyConnection,
        spec: &QuerySpec,
        also: SqlCondition,
        order: SqlOrder,
    ) -> Result<Option<R>> {
        let query = T::default().select(self).into_boxed::<MultiBackend>();
        let query = apply_spec::<M, _>(conn, query, spec)?
            .filter(also)
            .then_order_by(order)
            .limit(1);
        Ok(query.get_result(conn).optional()?)
    }
}

/// The SQL type of a `sum` or `avg`, and the Rust type it is read as.
pub trait AggregateOutput {
    /// The Rust type read.
    type Rust;
    /// The value read (`None`: no rows, or only NULLs).
    fn to_value(value: Option<Self::Rust>) -> Value;
}

macro_rules! aggregate_output {
    ($($sql:ty => $rust:ty, $variant:ident;)+) => {$(
        impl AggregateOutput for Nullable<$sql> {
            type Rust = $rust;
            fn to_value(value: Option<$rust>) -> Value {
                value.map_or(Value::Null, Value::$variant)
            }
        }
    )+};
}

aggregate_output! {
    diesel::sql_types::BigInt => i64, BigInt;
    diesel::sql_types::Numeric => bigdecimal::BigDecimal, Decimal;
    diesel::sql_types::Float => f32, Float;
    diesel::sql_types::Double => f64, Double;
}

/// The `Value` of a `min`/`max` of field type `I`.
pub(crate) fn extreme_value<I: FieldType>(value: Option<I::Db>) -> Result<Value> {
    match value {
        None => Ok(Value::Null),
        Some(db) => I::from_db(db)
            .map(|v| v.to_value())
            .map_err(|e| Error::Internal(format!("unreadable aggregate: {e}"))),
    }
}

/// The aggregate of field `field` of `M` over the rows of `spec` (its
/// filter only: no ordering, no slice).
pub fn aggregate<M: ModelColumns>(
    conn: &mut AnyConnection,
    spec: &QuerySpec,
    field: usize,
    aggregate: Aggregate,
) -> Result<Value> {
    struct Run<'a, M> {
        conn: &'a mut AnyConnection,
        spec: &'a QuerySpec,
        aggregate: Aggregate,
        model: std::marker::PhantomData<M>,
    }
    impl<M: ModelColumns> ColumnVisitor for Run<'_, M> {
        type Output = Result<Option<Value>>;
        fn visit<C, K: ColumnKind<C>>(self, column: C) -> Self::Output {
            K::aggregate::<M>(column, self.conn, self.spec, self.aggregate)
        }
    }
    let spec = spec.count_spec();
    let run = Run::<M> {
        conn,
        spec: &spec,
        aggregate,
        model: std::marker::PhantomData,
    };
    match M::visit_column(field, run) {
        None => Err(crate::query::compile::unknown_field::<M>(field)),
        Some(result) => result?.ok_or_else(|| {
            let name = M::schema()
                .fields
                .get(field)
                .map_or_else(|| format!("#{field}"), |f| f.name.to_string());
            Error::InvalidLookup {
                field: name,
                lookup: format!("{aggregate:?}").to_lowercase(),
            }
        }),
    }
}
