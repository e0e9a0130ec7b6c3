//! Values bound into the statements written here rather than by diesel's
//! DSL (computed updates, bulk updates, upserts), each with its SQL type.

use bigdecimal::BigDecimal;
use diesel::query_builder::AstPass;
use diesel::sql_types::{
    BigInt, Binary, Bool, Date, Double, Float, Integer, Numeric, SmallInt, Text, Time,
};
use diesel::QueryResult;

use crate::db::MultiBackend;
use crate::sql_types::{DateTimeUtc, JsonText, JsonValue, TimestampValue, UuidText, UuidValue};
use crate::value::Value;

/// A constant as it is bound.
pub(crate) enum Bound {
    Null,
    Bool(bool),
    SmallInt(i16),
    Integer(i32),
    BigInt(i64),
    Float(f32),
    Double(f64),
    Text(String),
    Decimal(BigDecimal),
    Timestamp(TimestampValue),
    Date(chrono::NaiveDate),
    Time(chrono::NaiveTime),
    Uuid(UuidValue),
    Json(JsonValue),
    Binary(Vec<u8>),
}

impl Bound {
    /// `value`, converted for binding.
    pub(crate) fn of(value: Value) -> Bound {
        match value {
            Value::Null => Bound::Null,
            Value::Bool(v) => Bound::Bool(v),
            Value::SmallInt(v) => Bound::SmallInt(v),
            Value::Integer(v) => Bound::Integer(v),
            Value::BigInt(v) => Bound::BigInt(v),
            Value::Float(v) => Bound::Float(v),
            Value::Double(v) => Bound::Double(v),
            Value::Text(v) => Bound::Text(v),
            Value::Decimal(v) => Bound::Decimal(v),
            Value::DateTime(v) => Bound::Timestamp(TimestampValue(v.naive_utc())),
            Value::Date(v) => Bound::Date(v),
            Value::Time(v) => Bound::Time(v),
            Value::Uuid(v) => Bound::Uuid(UuidValue(v)),
            Value::Json(v) => Bound::Json(JsonValue(v)),
            Value::Binary(v) => Bound::Binary(v),
        }
    }

    /// Binds the value (`NULL` is written as such).
    pub(crate) fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        match self {
            Bound::Null => out.push_sql("NULL"),
            Bound::Bool(v) => out.push_bind_param::<Bool, bool>(v)?,
            Bound::SmallInt(v) => out.push_bind_param::<SmallInt, i16>(v)?,
            Bound::Integer(v) => out.push_bind_param::<Integer, i32>(v)?,
            Bound::BigInt(v) => out.push_bind_param::<BigInt, i64>(v)?,
            Bound::Float(v) => out.push_bind_param::<Float, f32>(v)?,
            Bound::Double(v) => out.push_bind_param::<Double, f64>(v)?,
            Bound::Text(v) => out.push_bind_param::<Text, String>(v)?,
            Bound::Decimal(v) => out.push_bind_param::<Numeric, BigDecimal>(v)?,
            Bound::Timestamp(v) => out.push_bind_param::<DateTimeUtc, TimestampValue>(v)?,
            Bound::Date(v) => out.push_bind_param::<Date, chrono::NaiveDate>(v)?,
            Bound::Time(v) => out.push_bind_param::<Time, chrono::NaiveTime>(v)?,
            Bound::Uuid(v) => out.push_bind_param::<UuidText, UuidValue>(v)?,
            Bound::Json(v) => out.push_bind_param::<JsonText, JsonValue>(v)?,
            Bound::Binary(v) => out.push_bind_param::<Binary, Vec<u8>>(v)?,
        }
        Ok(())
    }
}
