//! Field values known only at run time, and the Rust types a field may have.
//!
//! [`Value`] carries one field's value between the typed world (model
//! structs, diesel columns) and the by-name world (admin forms, filters from a
//! query string, migration defaults). [`FieldType`] ties each Rust field type
//! to its diesel SQL type, its [`FieldKind`] and its `Value` conversions.

use std::fmt;

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::sql_types;
use uuid::Uuid;

use crate::schema::FieldKind;
use crate::sql_types::{JsonText, JsonValue, UuidText, UuidValue};

/// One field's value, whatever its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL (`None`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A 16-bit integer.
    SmallInt(i16),
    /// A 32-bit integer.
    Integer(i32),
    /// A 64-bit integer (also foreign keys).
    BigInt(i64),
    /// A 32-bit float.
    Float(f32),
    /// A 64-bit float.
    Double(f64),
    /// Text.
    Text(String),
    /// An arbitrary-precision decimal.
    Decimal(BigDecimal),
    /// A UTC timestamp.
    DateTime(DateTime<Utc>),
    /// A calendar date.
    Date(NaiveDate),
    /// A time of day.
    Time(NaiveTime),
    /// A UUID.
    Uuid(Uuid),
    /// A JSON document.
    Json(serde_json::Value),
    /// Raw bytes.
    Binary(Vec<u8>),
}

impl Value {
    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as an `i64`, when it is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::SmallInt(v) => Some(i64::from(*v)),
            Value::Integer(v) => Some(i64::from(*v)),
            Value::BigInt(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as text, when it is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the variant, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::SmallInt(_) => "i16",
            Value::Integer(_) => "i32",
            Value::BigInt(_) => "i64",
            Value::Float(_) => "f32",
            Value::Double(_) => "f64",
            Value::Text(_) => "text",
            Value::Decimal(_) => "decimal",
            Value::DateTime(_) => "datetime",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::Uuid(_) => "uuid",
            Value::Json(_) => "json",
            Value::Binary(_) => "binary",
        }
    }
}

/// Shows the value as a person would type it in a form.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(v) => write!(f, "{v}"),
            Value::SmallInt(v) => write!(f, "{v}"),
            Value::Integer(v) => write!(f, "{v}"),
            Value::BigInt(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Double(v) => write!(f, "{v}"),
            Value::Text(v) => f.write_str(v),
            Value::Decimal(v) => write!(f, "{v}"),
            Value::DateTime(v) => write!(f, "{}", v.format("%Y-%m-%d %H:%M:%S")),
            Value::Date(v) => write!(f, "{}", v.format("%Y-%m-%d")),
            Value::Time(v) => write!(f, "{}", v.format("%H:%M:%S")),
            Value::Uuid(v) => write!(f, "{v}"),
            Value::Json(v) => write!(f, "{v}"),
            Value::Binary(v) => {
                for b in v {
                    write!(f, "{b:02x}")?;
                }
                Ok(())
            }
        }
    }
}

/// A value that does not fit the field it was given to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, got {got}")]
pub struct ValueTypeError {
    /// What the field holds.
    pub expected: &'static str,
    /// What it was given.
    pub got: &'static str,
}

/// A Rust type that a model field may have.
///
/// Implemented for the supported scalar types, `Option<T>` (a nullable
/// column), [`ForeignKey`](crate::ForeignKey) and enums deriving
/// [`Choices`](crate::Choices).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a model field",
    label = "not a field type",
    note = "use bool, i16, i32, i64, f32, f64, String, BigDecimal, DateTime<Utc>, NaiveDate, NaiveTime, Uuid, serde_json::Value, Vec<u8>, ForeignKey<M>, an enum deriving Choices, or Option of one of them"
)]
pub trait FieldType: Sized + Clone + Send + Sync + 'static {
    /// The diesel SQL type of the column.
    type Sql: sql_types::SqlType + sql_types::SingleValue;
    /// The Rust type diesel reads from and binds to the column.
    type Db: Send + 'static;
    /// The field kind recorded in the schema IR.
    const KIND: FieldKind;
    /// Whether the column accepts NULL.
    const NULLABLE: bool = false;
    /// The allowed values for choice types.
    const CHOICES: &'static [crate::schema::Choice] = &[];

    /// The value bound to the column.
    fn to_db(&self) -> Self::Db;
    /// The field value from what diesel read; fails on stored values the
    /// type cannot hold (an unknown choice).
    fn from_db(db: Self::Db) -> diesel::deserialize::Result<Self>;
    /// The field value as a [`Value`].
    fn to_value(&self) -> Value;
    /// The field value from a [`Value`] of the right type.
    fn from_value(value: Value) -> Result<Self, ValueTypeError>;
}

/// The bound value of a field, converted from a [`Value`]; used by the
/// generated by-name queries.
pub fn db_value<T: FieldType>(value: Value) -> Result<T::Db, ValueTypeError> {
    T::from_value(value).map(|v| v.to_db())
}

macro_rules! plain_field_type {
    ($ty:ty, $sql:ty, $kind:expr, $variant:ident, $name:literal) => {
        impl FieldType for $ty {
            type Sql = $sql;
            type Db = $ty;
            const KIND: FieldKind = $kind;

            fn to_db(&self) -> Self::Db {
                self.clone()
            }
            fn from_db(db: Self::Db) -> diesel::deserialize::Result<Self> {
                Ok(db)
            }
            fn to_value(&self) -> Value {
                Value::$variant(self.clone())
            }
            fn from_value(value: Value) -> Result<Self, ValueTypeError> {
                match value {
                    Value::$variant(v) => Ok(v),
                    other => Err(ValueTypeError {
                        expected: $name,
                        got: other.type_name(),
                    }),
                }
            }
        }
    };
}

plain_field_type!(bool, sql_types::Bool, FieldKind::Bool, Bool, "bool");
plain_field_type!(f32, sql_types::Float, FieldKind::Float, Float, "f32");
plain_field_type!(f64, sql_types::Double, FieldKind::Double, Double, "f64");
plain_field_type!(String, sql_types::Text, FieldKind::Char, Text, "text");
plain_field_type!(
    BigDecimal,
    sql_types::Numeric,
    FieldKind::Decimal,
    Decimal,
    "decimal"
);
plain_field_type!(NaiveDate, sql_types::Date, FieldKind::Date, Date, "date");
plain_field_type!(NaiveTime, sql_types::Time, FieldKind::Time, Time, "time");
plain_field_type!(
    Vec<u8>,
    sql_types::Binary,
    FieldKind::Binary,
    Binary,
    "binary"
);

macro_rules! int_field_type {
    ($ty:ty, $sql:ty, $kind:expr, $variant:ident, $name:literal) => {
        impl FieldType for $ty {
            type Sql = $sql;
            type Db = $ty;
            const KIND: FieldKind = $kind;

            fn to_db(&self) -> Self::Db {
                *self
            }
            fn from_db(db: Self::Db) -> diesel::deserialize::Result<Self> {
                Ok(db)
            }
            fn to_value(&self) -> Value {
                Value::$variant(*self)
            }
            fn from_value(value: Value) -> Result<Self, ValueTypeError> {
                let got = value.type_name();
                value
                    .as_i64()
                    .and_then(|v| <$ty>::try_from(v).ok())
                    .ok_or(ValueTypeError {
                        expected: $name,
                        got,
                    })
            }
        }
    };
}

int_field_type!(
    i16,
    sql_types::SmallInt,
    FieldKind::SmallInt,
    SmallInt,
    "i16"
);
int_field_type!(i32, sql_types::Integer, FieldKind::Integer, Integer, "i32");
int_field_type!(i64, sql_types::BigInt, FieldKind::BigInt, BigInt, "i64");

impl FieldType for DateTime<Utc> {
    type Sql = crate::sql_types::DateTimeUtc;
    type Db = crate::sql_types::TimestampValue;
    const KIND: FieldKind = FieldKind::DateTime;

    fn to_db(&self) -> Self::Db {
        crate::sql_types::TimestampValue(self.naive_utc())
    }
    fn from_db(db: Self::Db) -> diesel::deserialize::Result<Self> {
        Ok(db.0.and_utc())
    }
    fn to_value(&self) -> Value {
        Value::DateTime(*self)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::DateTime(v) => Ok(v),
            other => Err(ValueTypeError {
                expected: "datetime",
                got: other.type_name(),
            }),
        }
    }
}

impl FieldType for Uuid {
    type Sql = UuidText;
    type Db = UuidValue;
    const KIND: FieldKind = FieldKind::Uuid;

    fn to_db(&self) -> Self::Db {
        UuidValue(*self)
    }
    fn from_db(db: Self::Db) -> diesel::deserialize::Result<Self> {
        Ok(db.0)
    }
    fn to_value(&self) -> Value {
        Value::Uuid(*self)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::Uuid(v) => Ok(v),
            other => Err(ValueTypeError {
                expected: "uuid",
                got: other.type_name(),
            }),
        }
    }
}

impl FieldType for serde_json::Value {
    type Sql = JsonText;
    type Db = JsonValue;
    const KIND: FieldKind = FieldKind::Json;

    fn to_db(&self) -> Self::Db {
        JsonValue(self.clone())
    }
    fn from_db(db: Self::Db) -> diesel::deserialize::Result<Self> {
        Ok(db.0)
    }
    fn to_value(&self) -> Value {
        Value::Json(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::Json(v) => Ok(v),
            other => Err(ValueTypeError {
                expected: "json",
                got: other.type_name(),
            }),
        }
    }
}

impl<T> FieldType for Option<T>
where
    T: FieldType,
    T::Sql: sql_types::SqlType<IsNull = sql_types::is_nullable::NotNull>,
{
    type Sql = sql_types::Nullable<T::Sql>;
    type Db = Option<T::Db>;
    const KIND: FieldKind = T::KIND;
    const NULLABLE: bool = true;
    const CHOICES: &'static [crate::schema::Choice] = T::CHOICES;

    fn to_db(&self) -> Self::Db {
        self.as_ref().map(T::to_db)
    }
    fn from_db(db: Self::Db) -> diesel::deserialize::Result<Self> {
        db.map(T::from_db).transpose()
    }
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_value)
    }
    fn from_value(value: Value) -> Result<Self, ValueTypeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}
