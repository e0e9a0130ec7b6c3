//! Forms for a project's pages: the engine of [`orm_core::forms`] (the
//! admin's too), and their HTML. A template writes a whole form with
//! `{{ form_html|safe }}` (from [`as_html`]), or lays the fields out
//! itself, each with [`field_html`] or with its own markup from the
//! [`BoundField`]'s label, input and messages.
//!
//! ```
//! use orm::forms::{as_html, Form, FormData};
//! use orm::prelude::*;
//!
//! #[derive(Form)]
//! pub struct Search {
//!     #[field(max_length = 50, verbose_name = "search for")]
//!     pub q: String,
//! }
//!
//! let form = Search::bind(&FormData::parse(b"q="));
//! let html = as_html(&form);
//! assert!(html.contains(r#"<label for="id_q">Search for"#));
//! assert!(html.contains("This field is required."));
//! ```

use askama::Template;

pub use orm_core::forms::*;

/// A form's fields, and its messages above them.
#[derive(Template)]
#[template(path = "orm/form.html")]
struct FormTemplate<'a> {
    fields: &'a [BoundField],
    non_field: &'a [String],
}

/// One field: label, messages, input, help.
#[derive(Template)]
#[template(path = "orm/field.html")]
struct FieldTemplate<'a> {
    field: &'a BoundField,
}

/// Every field of the form, each with its label, its messages and its
/// input, after the form's own messages: the HTML inside a `<form>`
/// (which adds the CSRF input and the button).
pub fn as_html<T>(form: &BoundForm<T>) -> String {
    let fields = form.fields();
    FormTemplate {
        fields: &fields,
        non_field: form.non_field_errors(),
    }
    .render()
    .unwrap_or_default()
}

/// One field: its label, its messages, its input and its help text.
pub fn field_html(field: &BoundField) -> String {
    FieldTemplate { field }.render().unwrap_or_default()
}
