//! Support for the code `#[derive(Model)]` generates. Not a public API: it
//! changes whenever the derive does.

#![allow(missing_docs, unreachable_pub)]

pub use diesel;
pub use inventory;

pub use crate::db::WriteGuard;
pub use crate::db::{AnyConnection, MultiBackend};
pub use crate::error::{Error, Result};
pub use crate::fields::ManyToMany;
pub use crate::fields::{Choices, ForeignKey};
pub use crate::model::{load_with_loaded_reprs, Model, ModelOps, RegisteredModel};
pub use crate::query::{Aggregate, Condition, Field, Lookup, Operand, OrderBy, QuerySpec, Q};
pub use crate::schema::*;
pub use crate::value::{db_value, FieldType, Value, ValueTypeError};
pub use crate::{
    __aggregate, __condition, __if_mysql, __if_postgres, __insert_keys, __on_own_connection,
    __order,
};
pub use std::borrow::Cow;

use diesel::expression::{is_aggregate, BoxableExpression, ValidGrouping};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, SingleValue, SqlType, Text};

/// A condition usable in a query whose FROM clause is `QS`.
pub type BoxedCondition<QS> = Box<
    dyn BoxableExpression<QS, MultiBackend, (), is_aggregate::No, SqlType = Nullable<Bool>>
        + 'static,
>;

/// An ordering usable in a query whose FROM clause is `QS`.
pub type BoxedOrder<QS> = Box<
    dyn BoxableExpression<
            QS,
            MultiBackend,
            (),
            is_aggregate::No,
            SqlType = diesel::expression::expression_types::NotSelectable,
        > + 'static,
>;

/// An expression given another SQL type without changing its SQL: a boolean
/// (nullable or not) seen as `Nullable<Bool>` so that every condition boxes
/// to one type, or text seen as nullable text. Unlike diesel's `Nullable`,
/// it is selectable wherever its inner expression is, so conditions stay
/// generic over the FROM clause (a table alone or a join).
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
pub struct Retype<T, ST>(pub T, pub std::marker::PhantomData<ST>);

/// Wraps a boolean expression as a condition.
pub fn cond<T>(expr: T) -> Retype<T, Nullable<Bool>> {
    Retype(expr, std::marker::PhantomData)
}

/// Text seen as nullable text, to compare with a nullable column.
pub fn nullable_text<T>(expr: T) -> Retype<T, Nullable<Text>> {
    Retype(expr, std::marker::PhantomData)
}

/// The expression unchanged.
pub fn same<T>(expr: T) -> T {
    expr
}

impl<T: diesel::Expression, ST: SqlType + diesel::expression::TypedExpressionType>
    diesel::Expression for Retype<T, ST>
{
    type SqlType = ST;
}

impl<T, ST, DB> diesel::query_builder::QueryFragment<DB> for Retype<T, ST>
where
    T: diesel::query_builder::QueryFragment<DB>,
    DB: diesel::backend::Backend,
{
    fn walk_ast<'b>(&'b self, pass: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }
}

impl<T, ST, QS> diesel::AppearsOnTable<QS> for Retype<T, ST>
where
    T: diesel::AppearsOnTable<QS>,
    Self: diesel::Expression,
{
}

impl<T, ST, QS> diesel::SelectableExpression<QS> for Retype<T, ST>
where
    T: diesel::SelectableExpression<QS>,
    Self: diesel::Expression,
{
}

impl<T: ValidGrouping<GB>, ST, GB> ValidGrouping<GB> for Retype<T, ST> {
    type IsAggregate = T::IsAggregate;
}

/// Conditions and orderings on a model's columns, for any FROM clause its
/// columns appear in (its table alone, or a join).
pub trait Expressions<QS>: Model {
    fn condition(condition: &Condition) -> Result<BoxedCondition<QS>>;
    fn order(order: &OrderBy) -> Result<BoxedOrder<QS>>;
}

/// Text or nullable text, for `lower()`.
pub trait TextLike: SqlType + SingleValue {}
impl TextLike for Text {}
impl TextLike for Nullable<Text> {}

diesel::define_sql_function! {
    /// `lower(x)`
    fn lower<T: TextLike>(x: T) -> T;
}

/// Text bound as a parameter.
pub fn text(value: String) -> diesel::dsl::AsExprOf<String, Text> {
    value.into_sql::<Text>()
}

/// A literal true or false condition.
pub fn constant<QS: 'static>(value: bool) -> BoxedCondition<QS> {
    Box::new(cond(value.into_sql::<Bool>()))
}

/// Builds a whole condition tree.
pub fn build_condition<QS: 'static, M: Expressions<QS>>(q: &Q) -> Result<BoxedCondition<QS>>
where
    BoxedCondition<QS>: ValidGrouping<(), IsAggregate = is_aggregate::No>,
{
    Ok(match q {
        Q::Condition(c) => M::condition(c)?,
        Q::And(all) => {
            let mut parts = all.iter();
            let Some(first) = parts.next() else {
                return Ok(constant(true));
            };
            let mut acc = build_condition::<QS, M>(first)?;
            for part in parts {
                acc = Box::new(acc.and(build_condition::<QS, M>(part)?));
            }
            acc
        }
        Q::Or(any) => {
            let mut parts = any.iter();
            let Some(first) = parts.next() else {
                return Ok(constant(false));
            };
            let mut acc = build_condition::<QS, M>(first)?;
            for part in parts {
                acc = Box::new(acc.or(build_condition::<QS, M>(part)?));
            }
            acc
        }
        Q::Not(inner) => Box::new(diesel::dsl::not(build_condition::<QS, M>(inner)?)),
    })
}

/// The FROM clause of a boxed select statement.
pub trait BoxedSource {
    type Source;
}

impl<'a, ST, QS, DB, GB> BoxedSource
    for diesel::internal::table_macro::BoxedSelectStatement<
        'a,
        ST,
        diesel::internal::table_macro::FromClause<QS>,
        DB,
        GB,
    >
where
    QS: diesel::QuerySource,
{
    type Source = QS;
}

/// Applies a spec's filter, ordering, limit and offset to a boxed query.
pub fn apply_spec<M, B>(mut query: B, spec: &QuerySpec) -> Result<B>
where
    B: BoxedSource
        + diesel::query_dsl::methods::FilterDsl<BoxedCondition<B::Source>, Output = B>
        + diesel::query_dsl::methods::ThenOrderDsl<BoxedOrder<B::Source>, Output = B>
        + diesel::query_dsl::methods::LimitDsl<Output = B>
        + diesel::query_dsl::methods::OffsetDsl<Output = B>,
    B::Source: 'static,
    M: Expressions<B::Source>,
    BoxedCondition<B::Source>: ValidGrouping<(), IsAggregate = is_aggregate::No>,
{
    if let Some(filter) = &spec.filter {
        query = query.filter(build_condition::<B::Source, M>(filter)?);
    }
    for order in &spec.order {
        query = query.then_order_by(M::order(order)?);
    }
    if let Some(limit) = spec.limit {
        query = query.limit(limit);
    }
    if let Some(offset) = spec.offset {
        if spec.limit.is_none() {
            query = query.limit(i64::MAX);
        }
        query = query.offset(offset);
    }
    Ok(query)
}

/// The filter of an UPDATE or DELETE for a spec: its filter, or, when it is
/// sliced, the primary keys of the slice.
pub fn write_filter<M: Model>(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Option<Q>> {
    if spec.limit.is_none() && spec.offset.is_none() {
        return Ok(spec.filter.clone());
    }
    let pk = M::schema().pk_index();
    let pks = M::__load(conn, spec)?
        .iter()
        .map(|m| m.field_value(pk))
        .collect();
    Ok(QuerySpec::for_pks(M::schema(), pks).filter)
}

/// An unknown field index: a bug in the caller.
pub fn unknown_field<M: Model>(index: usize) -> Error {
    Error::UnknownField {
        model: M::schema().label(),
        field: format!("#{index}"),
    }
}

/// A value of the wrong type for a field.
pub fn bad_value<M: Model>(index: usize, err: ValueTypeError) -> Error {
    let field = M::schema()
        .fields
        .get(index)
        .map_or_else(|| format!("#{index}"), |f| f.name.to_string());
    Error::InvalidValue {
        field,
        message: err.to_string(),
    }
}

/// A lookup that does not apply to a field.
pub fn bad_lookup<M: Model>(condition: &Condition) -> Error {
    let field = M::schema()
        .fields
        .get(condition.field)
        .map_or_else(|| format!("#{}", condition.field), |f| f.name.to_string());
    Error::InvalidLookup {
        field,
        lookup: condition.lookup.name().to_owned(),
    }
}

/// The value of an aggregate's SQL type.
pub trait AggregateOutput {
    type Rust;
    fn to_value(value: Option<Self::Rust>) -> Value;
}

macro_rules! aggregate_output {
    ($($sql:ty => $rust:ty, $variant:ident;)+) => {$(
        impl AggregateOutput for $sql {
            type Rust = $rust;
            fn to_value(value: Option<$rust>) -> Value {
                value.map_or(Value::Null, Value::$variant)
            }
        }
    )+};
}

aggregate_output! {
    Nullable<diesel::sql_types::BigInt> => i64, BigInt;
    Nullable<diesel::sql_types::Numeric> => bigdecimal::BigDecimal, Decimal;
    Nullable<diesel::sql_types::Float> => f32, Float;
    Nullable<diesel::sql_types::Double> => f64, Double;
}

/// The `Value` of a min/max result of field type `T`.
pub fn min_max_value<T: FieldType>(value: Option<T::Db>) -> Result<Value> {
    match value {
        None => Ok(Value::Null),
        Some(db) => T::from_db(db)
            .map(|v| v.to_value())
            .map_err(|e| Error::Internal(format!("unreadable aggregate: {e}"))),
    }
}

/// Compiles only for models: the derive asserts it at each foreign key's
/// target type, so the first error points there.
pub fn assert_model<M: Model>() {}

/// `impl JoinsTable<article::table> for User`: the table of model `User`
/// may appear in one query with `article::table` (Article has a foreign key
/// to User). Emitted by the derive of the model holding the foreign key.
pub trait JoinsTable<T> {}

/// What the derive of a model exposes so that others can join its table
/// under an alias: the table, its columns and its primary key, and the
/// columns its `to_repr` reads (those of `#[model(display = "...")]`, with
/// the key first; every column without it) with how the text is made.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "not a model",
    note = "add `#[derive(Model)]` to `{Self}`"
)]
pub trait JoinTarget: Model {
    type Table: diesel::Table + Default + Copy + Send + Sync + std::fmt::Debug + 'static;
    type Columns: Copy;
    type PkColumn: diesel::Column + Copy;
    const COLUMNS: Self::Columns;
    const PK: Self::PkColumn;
    type ReprColumns: Copy;
    type ReprRow;
    const REPR_COLUMNS: Self::ReprColumns;
    fn repr_of(row: Self::ReprRow) -> String;
}

/// Shows `Some(value)` as the value and `None` as nothing: a nullable
/// field in a declared `display`.
pub struct OptionText<'a, T>(pub &'a Option<T>);

impl<T: std::fmt::Display> std::fmt::Display for OptionText<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(value) => value.fmt(f),
            None => Ok(()),
        }
    }
}

/// `Display` through a closure.
pub struct DisplayWith<F>(pub F);

impl<F> std::fmt::Display for DisplayWith<F>
where
    F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.0)(f)
    }
}

/// Emits the tokens only when PostgreSQL support is compiled in.
#[cfg(feature = "postgres")]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_postgres {
    ($($tokens:tt)*) => { $($tokens)* };
}

/// Emits the tokens only when PostgreSQL support is compiled in.
#[cfg(not(feature = "postgres"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_postgres {
    ($($tokens:tt)*) => {};
}

/// Emits the tokens only when MySQL support is compiled in.
#[cfg(feature = "mysql")]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_mysql {
    ($($tokens:tt)*) => { $($tokens)* };
}

/// Emits the tokens only when MySQL support is compiled in.
#[cfg(not(feature = "mysql"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_mysql {
    ($($tokens:tt)*) => {};
}

/// Most rows in one multi-row `INSERT`: long enough that the statement's
/// round trip and parsing no longer count, short enough to stay far from
/// packet limits.
const MAX_ROWS_PER_INSERT: usize = 1_000;

/// How many rows of `columns` values one multi-row `INSERT` takes on
/// `backend`: at most [`MAX_ROWS_PER_INSERT`], and under the backend's limit
/// on bound parameters (32,766 on SQLite, 65,535 on the servers).
pub fn rows_per_insert(backend: crate::db::BackendKind, columns: usize) -> usize {
    let parameters = match backend {
        crate::db::BackendKind::Sqlite => 32_766,
        _ => 65_535,
    };
    (parameters / columns.max(1)).clamp(1, MAX_ROWS_PER_INSERT)
}

/// The keys that `RETURNING` gave for the rows of one `INSERT`, in the order
/// of its `VALUES`. SQLite does not promise to return rows in that order,
/// but both it and PostgreSQL hand out increasing keys as they insert the
/// rows in order, so sorting restores it.
pub fn returned_keys<K>(keys: QueryResult<Vec<K>>) -> Result<Vec<i64>>
where
    i64: From<K>,
{
    let mut keys: Vec<i64> = keys?.into_iter().map(i64::from).collect();
    keys.sort_unstable();
    Ok(keys)
}

/// `$body` with `$c` bound to the backend's own connection inside `$conn`
/// (SQLite's, PostgreSQL's or MySQL's, as compiled into orm-core). Through
/// the multi-backend layer a statement's SQL is built again for every call
/// (a third of a lookup by primary key); on the backend's own connection a
/// statement of static type is found in the statement cache by its type.
#[macro_export]
#[doc(hidden)]
macro_rules! __on_own_connection {
    ($conn:expr, $c:ident => $body:expr) => {{
        let conn: &mut $crate::__private::AnyConnection = $conn;
        #[allow(irrefutable_let_patterns, unreachable_code)]
        'own: {
            if let $crate::__private::AnyConnection::Sqlite($c) = &mut *conn {
                break 'own $body;
            }
            $crate::__private::__if_postgres! {
                if let $crate::__private::AnyConnection::Postgres($c) = &mut *conn {
                    break 'own $body;
                }
            }
            $crate::__private::__if_mysql! {
                if let $crate::__private::AnyConnection::Mysql($c) = &mut *conn {
                    break 'own $body;
                }
            }
            let $c = conn;
            $body
        }
    }};
}

/// The keys MySQL gave to the `rows` rows of the `INSERT` just run on
/// `conn`: `LAST_INSERT_ID()` is the first one, the others follow it by
/// `@@auto_increment_increment`. InnoDB reserves the keys of a multi-row
/// `INSERT ... VALUES` (whose row count is known in advance) in one block,
/// in every `innodb_autoinc_lock_mode`, so they are consecutive.
#[cfg(feature = "mysql")]
pub fn mysql_inserted_keys(
    conn: &mut diesel::mysql::MysqlConnection,
    rows: usize,
) -> Result<Vec<i64>> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let (first, step): (i64, i64) = diesel::select((
        sql::<BigInt>("CAST(LAST_INSERT_ID() AS SIGNED)"),
        sql::<BigInt>("CAST(@@auto_increment_increment AS SIGNED)"),
    ))
    .get_result(conn)?;
    Ok((0..rows as i64).map(|i| first + i * step).collect())
}

/// Gives each object its key, in order.
pub fn set_keys<M: Model>(objects: &mut [M], keys: Vec<i64>) -> Result<()>
where
    M::Pk: TryFrom<i64>,
    <M::Pk as TryFrom<i64>>::Error: std::fmt::Display,
{
    if keys.len() != objects.len() {
        return Err(Error::Internal(format!(
            "{} rows inserted into {} but {} keys returned",
            objects.len(),
            M::schema().table,
            keys.len()
        )));
    }
    for (object, key) in objects.iter_mut().zip(keys) {
        let pk = M::Pk::try_from(key)
            .map_err(|e| Error::Internal(format!("generated key {key} does not fit: {e}")))?;
        object.set_pk(pk);
    }
    Ok(())
}

/// Runs `INSERT INTO $table ... VALUES $values` (one row's tuple of
/// `column.eq(value)`, or a `Vec` of them: `$rows` rows) on the concrete
/// connection, and evaluates to the keys the database generated for column
/// `$pk` (of Rust type `$key`), in the order of the rows: `RETURNING` on
/// SQLite and PostgreSQL, `LAST_INSERT_ID()` on MySQL.
#[macro_export]
#[doc(hidden)]
macro_rules! __insert_keys {
    ($conn:expr, $table:expr, $pk:expr, $key:ty, $values:expr, $rows:expr) => {{
        use $crate::__private::diesel::prelude::*;
        let conn: &mut $crate::__private::AnyConnection = $conn;
        let rows: usize = $rows;
        let keys: $crate::__private::Result<::std::vec::Vec<i64>> = 'keys: {
            #[allow(irrefutable_let_patterns)]
            if let $crate::__private::AnyConnection::Sqlite(c) = &mut *conn {
                if rows == 1 {
                    // One row: a plain INSERT then `last_insert_rowid()`
                    // (both cached statements). RETURNING buffers its rows
                    // in a temporary table: 1.8x the time of the pair.
                    break 'keys match $crate::__private::diesel::insert_into($table)
                        .values($values)
                        .execute(c)
                    {
                        Ok(_) => match conn.last_insert_id() {
                            Ok(key) => Ok(::std::vec![key]),
                            Err(e) => Err(e.into()),
                        },
                        Err(e) => Err(e.into()),
                    };
                }
                let keys = $crate::__private::diesel::insert_into($table)
                    .values($values)
                    .returning($pk)
                    .get_results::<$key>(c);
                break 'keys $crate::__private::returned_keys(keys);
            }
            $crate::__private::__if_postgres! {
                if let $crate::__private::AnyConnection::Postgres(c) = &mut *conn {
                    let keys = $crate::__private::diesel::insert_into($table)
                        .values($values)
                        .returning($pk)
                        .get_results::<$key>(c);
                    break 'keys $crate::__private::returned_keys(keys);
                }
            }
            $crate::__private::__if_mysql! {
                if let $crate::__private::AnyConnection::Mysql(c) = &mut *conn {
                    break 'keys match $crate::__private::diesel::insert_into($table)
                        .values($values)
                        .execute(c)
                    {
                        Ok(_) => $crate::__private::mysql_inserted_keys(c, rows),
                        Err(e) => Err(e.into()),
                    };
                }
            }
            let _ = rows;
            Err($crate::__private::Error::Internal(
                "no backend took the insert".into(),
            ))
        };
        keys
    }};
}

/// Builds one field's condition. `$kind` is `text`, `ord` or `eq`; text
/// fields pass `same`, or `nullable_text` when they are an `Option`.
#[macro_export]
#[doc(hidden)]
macro_rules! __condition {
    ($model:ty, $kind:ident, $col:expr, $ty:ty, $c:expr $(, $wrap:ident)?) => {{
        #[allow(unused_imports)]
        use $crate::__private::diesel::prelude::*;
        use $crate::__private::{Lookup, Operand, Value};
        let c: &$crate::__private::Condition = $c;
        let col = $col;
        let value = |v: &Value| {
            $crate::__private::db_value::<$ty>(v.clone())
                .map_err(|e| $crate::__private::bad_value::<$model>(c.field, e))
        };
        match (c.lookup, &c.operand) {
            (Lookup::Exact, Operand::One(Value::Null)) | (Lookup::IsNull, Operand::Flag(true)) => {
                Ok(Box::new($crate::__private::cond(col.is_null())) as $crate::__private::BoxedCondition<_>)
            }
            (Lookup::IsNull, Operand::Flag(false)) => Ok(Box::new($crate::__private::cond(col.is_not_null())) as _),
            (Lookup::Exact, Operand::One(v)) => Ok(Box::new($crate::__private::cond(col.eq(value(v)?))) as _),
            (Lookup::In, Operand::Many(vs)) => {
                let vs = vs.iter().map(value).collect::<$crate::__private::Result<Vec<_>>>()?;
                Ok(Box::new($crate::__private::cond(col.eq_any(vs))) as _)
            }
            _ => $crate::__condition!(@$kind $model, col, value, c $(, $wrap)?),
        }
    }};
    (@eq $model:ty, $col:ident, $value:ident, $c:ident $(, $wrap:ident)?) => {
        Err($crate::__private::bad_lookup::<$model>($c))
    };
    (@ord $model:ty, $col:ident, $value:ident, $c:ident $(, $wrap:ident)?) => {
        match (&$c.lookup, &$c.operand) {
            (Lookup::Gt, Operand::One(v)) => Ok(Box::new($crate::__private::cond($col.gt($value(v)?))) as _),
            (Lookup::Gte, Operand::One(v)) => Ok(Box::new($crate::__private::cond($col.ge($value(v)?))) as _),
            (Lookup::Lt, Operand::One(v)) => Ok(Box::new($crate::__private::cond($col.lt($value(v)?))) as _),
            (Lookup::Lte, Operand::One(v)) => Ok(Box::new($crate::__private::cond($col.le($value(v)?))) as _),
            (Lookup::Range, Operand::Pair(low, high)) => {
                Ok(Box::new($crate::__private::cond($col.between($value(low)?, $value(high)?))) as _)
            }
            _ => Err($crate::__private::bad_lookup::<$model>($c)),
        }
    };
    (@text $model:ty, $col:ident, $value:ident, $c:ident, $wrap:ident) => {
        match (&$c.lookup, &$c.operand) {
            (Lookup::IExact, Operand::One(Value::Text(t))) => Ok(Box::new($crate::__private::cond(
                $crate::__private::lower($col)
                    .eq($crate::__private::$wrap($crate::__private::lower($crate::__private::text(t.clone())))),
            )) as _),
            (
                lookup @ (Lookup::Contains | Lookup::StartsWith | Lookup::EndsWith),
                Operand::One(Value::Text(t)),
            ) => {
                let pattern = $crate::__private::text($crate::query::like_pattern(*lookup, t));
                Ok(Box::new($crate::__private::cond($col.like($crate::__private::$wrap(pattern)).escape('\\'))) as _)
            }
            (
                lookup @ (Lookup::IContains | Lookup::IStartsWith | Lookup::IEndsWith),
                Operand::One(Value::Text(t)),
            ) => {
                let pattern = $crate::__private::text($crate::query::like_pattern(*lookup, t));
                Ok(Box::new($crate::__private::cond(
                    $crate::__private::lower($col)
                        .like($crate::__private::$wrap($crate::__private::lower(pattern)))
                        .escape('\\'),
                )) as _)
            }
            _ => $crate::__condition!(@ord $model, $col, $value, $c),
        }
    };
}

/// Builds one field's ordering.
#[macro_export]
#[doc(hidden)]
macro_rules! __order {
    ($col:expr, $o:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::diesel::prelude::*;
        if $o.descending {
            Ok(Box::new($col.desc()) as $crate::__private::BoxedOrder<_>)
        } else {
            Ok(Box::new($col.asc()) as $crate::__private::BoxedOrder<_>)
        }
    }};
}

/// A spec for counting and aggregating: no ordering, no slice.
pub fn count_spec(spec: &QuerySpec) -> QuerySpec {
    QuerySpec {
        filter: spec.filter.clone(),
        ..QuerySpec::default()
    }
}

/// The longest stored value of a choice type, for its column length.
pub const fn choices_max_length(choices: &[Choice]) -> Option<u32> {
    if choices.is_empty() {
        return None;
    }
    let mut longest = 1;
    let mut i = 0;
    while i < choices.len() {
        let len = match &choices[i].value {
            Cow::Borrowed(s) => s.len(),
            Cow::Owned(_) => 0,
        };
        if len > longest {
            longest = len;
        }
        i += 1;
    }
    Some(longest as u32)
}

/// Loads the targets of one foreign key for a batch of rows with one query
/// and attaches them to the rows.
pub fn fill_related<M, T, F>(conn: &mut AnyConnection, rows: &mut [M], mut field: F) -> Result<()>
where
    M: Model,
    T: Model<Pk = i64>,
    F: FnMut(&mut M) -> Option<&mut ForeignKey<T>>,
{
    let mut ids: Vec<i64> = rows
        .iter_mut()
        .filter_map(|row| field(row).map(|fk| fk.id()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let spec = QuerySpec::for_pks(T::schema(), ids.into_iter().map(Value::BigInt).collect());
    let targets: std::collections::HashMap<i64, std::sync::Arc<T>> = T::__load(conn, &spec)?
        .into_iter()
        .map(|t| (*t.pk(), std::sync::Arc::new(t)))
        .collect();
    for row in rows.iter_mut() {
        if let Some(fk) = field(row) {
            if let Some(target) = targets.get(&fk.id()) {
                fk.set_loaded(target.clone());
            }
        }
    }
    Ok(())
}

/// An aggregate that does not apply to a field.
pub fn bad_aggregate<M: Model>(index: usize, aggregate: Aggregate) -> Error {
    let field = M::schema()
        .fields
        .get(index)
        .map_or_else(|| format!("#{index}"), |f| f.name.to_string());
    Error::InvalidLookup {
        field,
        lookup: format!("{aggregate:?}").to_lowercase(),
    }
}

/// One field's aggregate. `$kind` is `num` (all), `dec` (count, sum, avg:
/// diesel does not order decimals), `ord` (count, min, max) or `eq` (count).
#[macro_export]
#[doc(hidden)]
macro_rules! __aggregate {
    ($model:ty, $kind:ident, $index:expr, $table:expr, $col:expr, $inner:ty, $conn:ident, $spec:ident, $agg:ident) => {{
        #[allow(unused_imports)]
        use $crate::__private::diesel::prelude::*;
        match $agg {
            $crate::__private::Aggregate::Count => {
                let query = $table
                    .select($crate::__private::diesel::dsl::count($col))
                    .into_boxed::<$crate::__private::MultiBackend>();
                let query = $crate::__private::apply_spec::<$model, _>(query, $spec)?;
                Ok($crate::__private::Value::BigInt(query.get_result::<i64>($conn)?))
            }
            other => $crate::__aggregate!(@$kind $model, $index, $table, $col, $inner, $conn, $spec, other),
        }
    }};
    (@eq $model:ty, $index:expr, $table:expr, $col:expr, $inner:ty, $conn:ident, $spec:ident, $agg:ident) => {
        Err($crate::__private::bad_aggregate::<$model>($index, $agg))
    };
    (@ord $model:ty, $index:expr, $table:expr, $col:expr, $inner:ty, $conn:ident, $spec:ident, $agg:ident) => {
        match $agg {
            $crate::__private::Aggregate::Min => {
                $crate::__aggregate!(@extreme min, $model, $table, $col, $inner, $conn, $spec)
            }
            $crate::__private::Aggregate::Max => {
                $crate::__aggregate!(@extreme max, $model, $table, $col, $inner, $conn, $spec)
            }
            other => Err($crate::__private::bad_aggregate::<$model>($index, other)),
        }
    };
    (@extreme $fn:ident, $model:ty, $table:expr, $col:expr, $inner:ty, $conn:ident, $spec:ident) => {{
        let query = $table
            .select($crate::__private::diesel::dsl::$fn($col))
            .into_boxed::<$crate::__private::MultiBackend>();
        let query = $crate::__private::apply_spec::<$model, _>(query, $spec)?;
        let value: Option<<$inner as $crate::__private::FieldType>::Db> = query.get_result($conn)?;
        $crate::__private::min_max_value::<$inner>(value)
    }};
    (@foldable $fallback:ident, $model:ty, $index:expr, $table:expr, $col:expr, $inner:ty, $conn:ident, $spec:ident, $agg:ident) => {
        match $agg {
            $crate::__private::Aggregate::Sum => {
                type Out = <<$inner as $crate::__private::FieldType>::Sql as $crate::__private::diesel::sql_types::Foldable>::Sum;
                let query = $table
                    .select($crate::__private::diesel::dsl::sum($col))
                    .into_boxed::<$crate::__private::MultiBackend>();
                let query = $crate::__private::apply_spec::<$model, _>(query, $spec)?;
                let value: Option<<Out as $crate::__private::AggregateOutput>::Rust> = query.get_result($conn)?;
                Ok(<Out as $crate::__private::AggregateOutput>::to_value(value))
            }
            $crate::__private::Aggregate::Avg => {
                type Out = <<$inner as $crate::__private::FieldType>::Sql as $crate::__private::diesel::sql_types::Foldable>::Avg;
                let query = $table
                    .select($crate::__private::diesel::dsl::avg($col))
                    .into_boxed::<$crate::__private::MultiBackend>();
                let query = $crate::__private::apply_spec::<$model, _>(query, $spec)?;
                let value: Option<<Out as $crate::__private::AggregateOutput>::Rust> = query.get_result($conn)?;
                Ok(<Out as $crate::__private::AggregateOutput>::to_value(value))
            }
            other => $crate::__aggregate!(@$fallback $model, $index, $table, $col, $inner, $conn, $spec, other),
        }
    };
    (@num $model:ty, $index:expr, $table:expr, $col:expr, $inner:ty, $conn:ident, $spec:ident, $agg:ident) => {
        $crate::__aggregate!(@foldable ord, $model, $index, $table, $col, $inner, $conn, $spec, $agg)
    };
    (@dec $model:ty, $index:expr, $table:expr, $col:expr, $inner:ty, $conn:ident, $spec:ident, $agg:ident) => {
        $crate::__aggregate!(@foldable eq, $model, $index, $table, $col, $inner, $conn, $spec, $agg)
    };
}
