//! Forms: reading a submitted form into typed values, with a message beside
//! each field that is wrong and every value kept as typed. One engine
//! serves the admin's forms, a project's own forms (`#[derive(Form)]`) and
//! forms over a model ([`ModelForm`]).
//!
//! A form is described by the same IR as a model: its fields are
//! [`FieldSchema`](crate::schema::FieldSchema)s, with the same kinds,
//! attributes and checks.
//!
//! ```
//! use orm_core::forms::{Form, FormData};
//! use orm_core::prelude::*;
//!
//! #[derive(Form, Debug)]
//! pub struct Contact {
//!     #[field(max_length = 100)]
//!     pub subject: String,
//!     #[field(email)]
//!     pub sender: String,
//!     pub copy_me: bool,
//! }
//!
//! let form = Contact::bind(&FormData::parse(b"subject=Hi&sender=nobody"));
//! assert!(!form.is_valid());
//! assert_eq!(form.errors().get("sender"), ["Enter a valid email address."]);
//! assert_eq!(form.text("subject"), "Hi", "what was typed is kept");
//!
//! let form = Contact::bind(&FormData::parse(b"subject=Hi&sender=a%40example.com"));
//! let contact = form.into_valid().expect("valid");
//! assert_eq!(contact.sender, "a@example.com");
//! assert!(!contact.copy_me);
//! ```

mod bound;
mod data;
mod model_form;
mod read;
mod text;
mod upload;
mod widget;

pub use bound::{is_placeholder, BoundField, BoundForm};
pub use data::{FormData, UploadedFile};
pub use model_form::ModelForm;
pub use read::{lf_line_endings, parse_field, read_field, Read};
pub use text::{capitalize, decimal_text, field_label, input_text};
pub use upload::{
    clear_name, discard_stored, image_size, read_upload, store_uploads, Upload, NOT_STORED,
};
pub use widget::{SelectOption, Widget};

use crate::schema::ModelSchema;
use crate::validation::ValidationErrors;
use crate::Value;

/// A form of its own (not over a model): a struct whose fields are the
/// form's, with the same field types and `#[field(...)]` checks as a
/// model's. Written by `#[derive(Form)]`, with `#[form(clean)]` for a
/// check over the whole form (`impl Clean for ...`) and
/// `#[field(validators = [...])]` for checks of one field.
pub trait Form: Sized {
    /// The form's fields, as the IR describes a model's (it has no table).
    fn schema() -> &'static ModelSchema;

    /// The form from its fields' values, in schema order.
    fn from_values(values: Vec<Value>) -> crate::Result<Self>;

    /// Its fields' values, in schema order.
    fn values(&self) -> Vec<Value>;

    /// What the fields' validators and the form's `clean` find.
    #[doc(hidden)]
    fn __extra_checks(&self, errors: &mut ValidationErrors) {
        let _ = errors;
    }

    /// The form, empty: each input at its field's default.
    fn empty() -> BoundForm<Self> {
        let schema = Self::schema();
        BoundForm::unbound(schema, all_fields(schema), schema.initial_values(), true)
    }

    /// The form showing these values (Django's `initial`).
    fn initial(&self) -> BoundForm<Self> {
        let schema = Self::schema();
        BoundForm::unbound(schema, all_fields(schema), self.values(), false)
    }

    /// The submitted form: each field read and checked, then the
    /// validators and `clean` on the whole. Valid when nothing was found.
    fn bind(data: &FormData) -> BoundForm<Self> {
        let schema = Self::schema();
        let mut form = BoundForm::bind(schema, all_fields(schema), schema.initial_values(), data);
        if form.errors().is_empty() {
            match Self::from_values(form.values.clone()) {
                Ok(value) => {
                    let mut found = ValidationErrors::new();
                    value.__extra_checks(&mut found);
                    if found.is_empty() {
                        form.cleaned = Some(value);
                    } else {
                        form.add_errors(found);
                    }
                }
                Err(error) => form.add_error(None, error.to_string()),
            }
        }
        form
    }
}

fn all_fields(schema: &ModelSchema) -> Vec<usize> {
    (0..schema.fields.len()).collect()
}
