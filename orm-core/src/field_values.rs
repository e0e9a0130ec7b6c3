//! A field's values at run time: the value a new object starts with and
//! the text a value is shown as. Kept apart from [`crate::schema`], which
//! only describes fields, so that the description does not depend on the
//! values it describes.

use crate::query::parse_value;
use crate::schema::{DefaultValue, FieldKind, FieldSchema, ModelSchema};
use crate::value::Value;

impl ModelSchema {
    /// The values of a new, unsaved object, field by field: Django's
    /// initial form values. The primary key is 0 (assigned on insert),
    /// declared defaults apply, timestamps are now, nullable fields are
    /// null, the rest take their kind's empty value.
    pub fn initial_values(&self) -> Vec<Value> {
        self.fields.iter().map(FieldSchema::initial_value).collect()
    }
}

impl FieldSchema {
    /// A value as a person reads it: the label of a choice, `Yes`/`No` for
    /// booleans, `-` for null, the value's text otherwise.
    ///
    /// ```
    /// use orm_core::schema::{FieldKind, FieldSchema};
    /// use orm_core::Value;
    /// let flag = FieldSchema::new("ok", "ok", FieldKind::Bool);
    /// assert_eq!(flag.display_value(&Value::Bool(true)), "Yes");
    /// ```
    pub fn display_value(&self, value: &Value) -> String {
        match value {
            Value::Null => "-".to_owned(),
            Value::Bool(true) => "Yes".to_owned(),
            Value::Bool(false) => "No".to_owned(),
            Value::Text(text) => self
                .choices
                .iter()
                .find(|c| c.value == *text)
                .map_or_else(|| text.clone(), |c| c.label.to_string()),
            other => other.to_string(),
        }
    }

    /// This field's value in a new, unsaved object (see
    /// [`ModelSchema::initial_values`]).
    pub fn initial_value(&self) -> Value {
        let now = chrono::Utc::now();
        if let Some(default) = &self.default {
            return match (default, self.kind) {
                (DefaultValue::Bool(b), _) => Value::Bool(*b),
                (DefaultValue::Int(i), FieldKind::SmallInt) => {
                    Value::SmallInt(i16::try_from(*i).unwrap_or_default())
                }
                (DefaultValue::Int(i), FieldKind::Integer) => {
                    Value::Integer(i32::try_from(*i).unwrap_or_default())
                }
                (DefaultValue::Int(i), FieldKind::Float) => Value::Float(*i as f32),
                (DefaultValue::Int(i), FieldKind::Double) => Value::Double(*i as f64),
                (DefaultValue::Int(i), FieldKind::Decimal) => Value::Decimal((*i).into()),
                (DefaultValue::Int(i), _) => Value::BigInt(*i),
                (DefaultValue::Float(f), FieldKind::Float) => Value::Float(*f as f32),
                (DefaultValue::Float(f), _) => Value::Double(*f),
                (DefaultValue::Str(s), _) => {
                    parse_value(self, s).unwrap_or_else(|_| Value::Text(s.to_string()))
                }
            };
        }
        if self.nullable {
            return Value::Null;
        }
        match self.kind {
            FieldKind::Bool => Value::Bool(false),
            FieldKind::SmallInt => Value::SmallInt(0),
            FieldKind::Integer => Value::Integer(0),
            FieldKind::BigInt | FieldKind::ForeignKey => Value::BigInt(0),
            FieldKind::Float => Value::Float(0.0),
            FieldKind::Double => Value::Double(0.0),
            FieldKind::Decimal => Value::Decimal(bigdecimal::BigDecimal::from(0)),
            FieldKind::DateTime => Value::DateTime(now),
            FieldKind::Date => Value::Date(now.date_naive()),
            FieldKind::Time => Value::Time(now.time()),
            FieldKind::Uuid => Value::Uuid(uuid::Uuid::new_v4()),
            FieldKind::Json => Value::Json(serde_json::Value::Null),
            FieldKind::Binary => Value::Binary(Vec::new()),
            FieldKind::Char
            | FieldKind::Text
            | FieldKind::Slug
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::File
            | FieldKind::Image => Value::Text(String::new()),
        }
    }
}
