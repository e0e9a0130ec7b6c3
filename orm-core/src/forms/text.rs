//! A field's label and a value as an input holds it: what a form shows,
//! the same in the admin's forms and a project's own.

use crate::schema::FieldSchema;
use crate::Value;

/// A value as a form input holds it: `2026-11-25T14:03:00` for a
/// datetime-local input, decimals at their field's scale, the raw text
/// otherwise.
///
/// ```
/// use orm_core::forms::input_text;
/// use orm_core::schema::{FieldKind, FieldSchema};
/// use orm_core::Value;
///
/// let field = FieldSchema::new("published", "published", FieldKind::Bool);
/// assert_eq!(input_text(&field, &Value::Bool(true)), "true");
/// assert_eq!(input_text(&field, &Value::Null), "");
/// ```
pub fn input_text(field: &FieldSchema, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::DateTime(at) => at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        Value::Date(day) => day.format("%Y-%m-%d").to_string(),
        Value::Time(time) => time.format("%H:%M:%S").to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Json(json) => serde_json::to_string_pretty(json).unwrap_or_default(),
        Value::Binary(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Value::Decimal(_) => decimal_text(field, value),
        other
            if field.kind == crate::schema::FieldKind::ForeignKey && other.as_i64() == Some(0) =>
        {
            String::new()
        }
        other => other.to_string(),
    }
}

/// A decimal at its field's scale: `12.50` for two places. SQLite stores
/// decimals as floating point, so `12.5` may come back as
/// `12.4999999999999996`; shown as is, it could not even be saved again.
pub fn decimal_text(field: &FieldSchema, value: &Value) -> String {
    match (value, field.decimal_places) {
        (Value::Decimal(decimal), Some(places)) => {
            let places = i64::from(places);
            decimal.round(places).with_scale(places).to_string()
        }
        (other, _) => other.to_string(),
    }
}

/// A field's label: its verbose name, or its name with spaces, capitalised
/// (`published_date` is "Published date").
pub fn field_label(field: &FieldSchema) -> String {
    let name = if field.verbose_name.is_empty() {
        field.name.replace('_', " ")
    } else {
        field.verbose_name.to_string()
    };
    capitalize(&name)
}

/// The first letter upper-cased.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
