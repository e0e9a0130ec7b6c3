//! Reading one field of a submitted form: the text to show back, and its
//! value or what is wrong with it. The admin's forms and a project's own
//! read every field here.

use crate::query::parse_value;
use crate::schema::{FieldKind, FieldSchema};
use crate::Value;

use super::FormData;

/// One field of a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// What the input shows when the form comes back: what was typed.
    pub text: String,
    /// The field's value, or the message shown beside it.
    pub value: Result<Value, String>,
}

/// Reads the field `name` of `data` as `field` (a checkbox is `true` when
/// sent at all; text keeps `\n` line endings and other kinds are trimmed).
///
/// ```
/// use orm_core::forms::{read_field, FormData};
/// use orm_core::schema::{FieldKind, FieldSchema};
/// use orm_core::Value;
///
/// let pages = FieldSchema::new("pages", "pages", FieldKind::Integer);
/// let read = read_field(&pages, &FormData::parse(b"pages=+12+"), "pages");
/// assert_eq!(read.value, Ok(Value::Integer(12)));
/// let read = read_field(&pages, &FormData::parse(b"pages=many"), "pages");
/// assert_eq!(read.text, "many");
/// assert!(read.value.is_err());
/// ```
pub fn read_field(field: &FieldSchema, data: &FormData, name: &str) -> Read {
    let raw = match data.one(name) {
        Ok(raw) => raw,
        Err(message) => {
            return Read {
                text: data.text(name).to_owned(),
                value: Err(message),
            }
        }
    };
    let text = if field.kind == FieldKind::Bool {
        if raw.is_some() { "true" } else { "false" }.to_owned()
    } else {
        lf_line_endings(raw.unwrap_or(""))
    };
    let value = parse_field(field, &text);
    Read { text, value }
}

/// Text with every line ending as `\n`: browsers send a textarea's lines
/// ending in `\r\n`, which saving unchanged must not write back.
pub fn lf_line_endings(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    }
}

/// A field's text to its value: text is trimmed (as Django's forms do),
/// empty is `""`, `NULL` or "required".
pub fn parse_field(field: &FieldSchema, text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    if field.kind == FieldKind::Bool {
        return Ok(Value::Bool(trimmed == "true"));
    }
    if trimmed.is_empty() {
        if field.is_required() || (field.kind == FieldKind::ForeignKey && !field.nullable) {
            return Err("This field is required.".to_owned());
        }
        if field.nullable {
            return Ok(Value::Null);
        }
        if field.kind.is_text() {
            return Ok(Value::Text(String::new()));
        }
        return Err("This field is required.".to_owned());
    }
    let text = if field.kind == FieldKind::Text {
        text
    } else {
        trimmed
    };
    let value = parse_value(field, text)?;
    if let Value::Text(s) = &value {
        if !field.choices.is_empty() && !field.choices.iter().any(|c| c.value == *s) {
            return Err(format!(
                "Select a valid choice. {s} is not one of the available choices."
            ));
        }
    }
    if let (Some(max), Value::Text(s)) = (field.max_length, &value) {
        let length = s.chars().count();
        if length > max as usize {
            return Err(format!(
                "Ensure this value has at most {max} characters (it has {length})."
            ));
        }
    }
    Ok(value)
}
