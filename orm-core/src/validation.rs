//! Field validation run before every save, and the errors it collects.

use std::collections::BTreeMap;
use std::fmt;

use crate::schema::{FieldKind, FieldSchema, ModelSchema};
use crate::value::Value;

/// The key of errors that belong to no single field.
pub const NON_FIELD_ERRORS: &str = "__all__";

/// Error messages per field name; empty when everything is valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    errors: BTreeMap<String, Vec<String>>,
}

impl ValidationErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message for `field` (or [`NON_FIELD_ERRORS`]).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors
            .entry(field.into())
            .or_default()
            .push(message.into());
    }

    /// Whether there is no error.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The messages for one field.
    pub fn get(&self, field: &str) -> &[String] {
        self.errors.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every field with messages.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.errors.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// The errors of `other` too.
    pub fn extend(&mut self, other: ValidationErrors) {
        for (field, messages) in other.errors {
            self.errors.entry(field).or_default().extend(messages);
        }
    }

    /// One message for `field`: `Err(ValidationErrors::field("end", "..."))`
    /// from a model's `clean`.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::new();
        errors.add(field, message);
        errors
    }

    /// `Ok(())` when empty, else `Err(self)`.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (field, messages) in &self.errors {
            for message in messages {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{field}: {message}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// A model's own rules over several fields (Django's `Model.clean`),
/// which validation runs when the model says `#[model(clean)]`: before
/// every save, and in forms and the admin.
///
/// ```
/// use orm_core::prelude::*;
/// use orm_core::validation::{Clean, ValidationErrors};
///
/// #[derive(Model, Debug, Clone)]
/// #[model(app_label = "docs_clean", clean)]
/// pub struct Trip {
///     pub id: i64,
///     pub starts: NaiveDate,
///     pub ends: NaiveDate,
/// }
///
/// impl Clean for Trip {
///     fn clean(&self) -> Result<(), ValidationErrors> {
///         if self.ends < self.starts {
///             return Err(ValidationErrors::field("ends", "A trip ends after it starts."));
///         }
///         Ok(())
///     }
/// }
///
/// let day = |d| NaiveDate::from_ymd_opt(2026, 5, d).unwrap();
/// let trip = Trip { id: 0, starts: day(3), ends: day(1) };
/// assert_eq!(trip.validate().unwrap_err().get("ends"), ["A trip ends after it starts."]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`clean` (in `#[model(clean)]` or `#[form(clean)]`) asks for `impl Clean for {Self}`",
    label = "`{Self}` does not implement `Clean`",
    note = "write `impl Clean for {Self} {{ fn clean(&self) -> Result<(), ValidationErrors> {{ ... }} }}`, or remove `clean`"
)]
pub trait Clean {
    /// What is wrong with the object as a whole: a message given as text
    /// (`Err("...".into())`) belongs to no single field.
    fn clean(&self) -> Result<(), ValidationErrors>;
}

/// A message that belongs to no single field (Django's `ValidationError`
/// raised from `clean`): `Err("The end comes before the start.".into())`.
impl From<&str> for ValidationErrors {
    fn from(message: &str) -> Self {
        ValidationErrors::field(NON_FIELD_ERRORS, message)
    }
}

impl From<String> for ValidationErrors {
    fn from(message: String) -> Self {
        ValidationErrors::field(NON_FIELD_ERRORS, message)
    }
}

/// Checks every field value of a model against its schema (required
/// values, max_length, slug, email and URL formats, choices), then the
/// row against the model's check constraints
/// ([`check_errors`](crate::constraints::check_errors)).
pub fn validate_values(schema: &ModelSchema, values: &[Value]) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    for (field, value) in schema.fields.iter().zip(values) {
        if let Err(message) = validate_value(field, value) {
            errors.add(field.name.to_string(), message);
        }
    }
    if !schema.checks.is_empty() && errors.is_empty() {
        errors = crate::constraints::check_errors(schema, values);
    }
    errors
}

/// Checks one value against its field; the message says what is wrong.
pub fn validate_value(field: &FieldSchema, value: &Value) -> Result<(), String> {
    let Value::Text(text) = value else {
        return Ok(());
    };
    if text.is_empty() {
        return if field.blank || !field.editable {
            Ok(())
        } else {
            Err("This field is required.".to_owned())
        };
    }
    if let Some(max) = field.max_length {
        let len = text.chars().count();
        if len > max as usize {
            return Err(format!(
                "Ensure this value has at most {max} characters (it has {len})."
            ));
        }
    }
    if !field.choices.is_empty() && !field.choices.iter().any(|c| c.value == *text) {
        return Err(format!(
            "Select a valid choice. {text} is not one of the available choices."
        ));
    }
    match field.kind {
        FieldKind::Slug if !is_slug(text) => Err(
            "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
                .to_owned(),
        ),
        FieldKind::Email if !is_email(text) => Err("Enter a valid email address.".to_owned()),
        FieldKind::Url if !is_url(text) => Err("Enter a valid URL.".to_owned()),
        _ => Ok(()),
    }
}

/// Letters, digits, `-` and `_` only (Unicode letters allowed).
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// A plausible e-mail address: one `@`, a non-empty local part, a domain with
/// a dot, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// An absolute http(s) or ftp(s) URL with a host.
pub fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "ftp" | "ftps"
    ) && !host.is_empty()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_slug("hello-world_2"));
        assert!(!is_slug("hello world"));
        assert!(is_email("a@b.co"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.de"));
        assert!(is_url("https://example.com/x?y"));
        assert!(!is_url("javascript:alert(1)"));
        assert!(!is_url("https://"));
    }
}
