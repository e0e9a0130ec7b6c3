//! Values as the admin shows them: dates in a readable form, choices by
//! label, labels capitalised.

use orm_core::schema::{FieldKind, FieldSchema, ModelSchema};
use orm_core::Value;

/// A value as a list cell or read-only field shows it.
pub(crate) fn value_text(field: &FieldSchema, value: &Value) -> String {
    match value {
        Value::DateTime(at) => at.format("%b %-d, %Y, %H:%M").to_string(),
        Value::Date(day) => day.format("%b %-d, %Y").to_string(),
        Value::Time(time) => time.format("%H:%M:%S").to_string(),
        other => field.display_value(other),
    }
}

/// A value as a form input holds it (`2026-11-25T14:03:00` for a
/// datetime-local input, the raw text otherwise).
pub(crate) fn input_text(field: &FieldSchema, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::DateTime(at) => at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        Value::Date(day) => day.format("%Y-%m-%d").to_string(),
        Value::Time(time) => time.format("%H:%M:%S").to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Json(json) => serde_json::to_string_pretty(json).unwrap_or_default(),
        Value::Binary(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        other if field.kind == FieldKind::ForeignKey && other.as_i64() == Some(0) => String::new(),
        other => other.to_string(),
    }
}

/// `Published date` from a field's verbose name.
pub(crate) fn field_label(field: &FieldSchema) -> String {
    let name = if field.verbose_name.is_empty() {
        field.name.replace('_', " ")
    } else {
        field.verbose_name.to_string()
    };
    capitalize(&name)
}

/// `Articles` from the model's plural verbose name.
pub(crate) fn plural_title(schema: &ModelSchema) -> String {
    capitalize(&schema.verbose_name_plural)
}

/// `Article` from the model's verbose name.
pub(crate) fn singular_title(schema: &ModelSchema) -> String {
    capitalize(&schema.verbose_name)
}

/// `Word count` from a method name.
pub(crate) fn method_label(name: &str) -> String {
    capitalize(&name.replace('_', " "))
}

/// The first letter upper-cased.
pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Blog` from an app label.
pub(crate) fn app_title(app_label: &str) -> String {
    capitalize(&app_label.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        let field = FieldSchema::new("published_date", "published_date", FieldKind::DateTime);
        assert_eq!(field_label(&field), "Published date");
        assert_eq!(method_label("word_count"), "Word count");
        assert_eq!(capitalize("élan"), "Élan");
        assert_eq!(app_title("my_blog"), "My blog");
    }
}
