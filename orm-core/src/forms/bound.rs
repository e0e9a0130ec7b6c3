//! [`BoundForm`]: a form as a page shows it: what each input holds, the
//! messages beside the fields and above them, and, once every check has
//! passed, the cleaned value.

use std::marker::PhantomData;

use crate::schema::{FieldKind, FieldSchema, ModelSchema};
use crate::validation::{validate_values, ValidationErrors, NON_FIELD_ERRORS};
use crate::Value;

use super::{
    field_label, input_text, read_field, read_upload, FormData, SelectOption, UploadedFile, Widget,
};

/// A form, empty or as submitted. `T` is what it gives once valid: a
/// [`Form`](super::Form) struct, or the model of a
/// [`ModelForm`](super::ModelForm).
pub struct BoundForm<T> {
    schema: &'static ModelSchema,
    /// The fields shown, as indexes of `schema.fields`, in order.
    shown: Vec<usize>,
    /// What each field's input holds (every schema field).
    text: Vec<String>,
    /// Each field's value: submitted over the starting values.
    pub(crate) values: Vec<Value>,
    errors: ValidationErrors,
    /// Choices of foreign keys, loaded by a model form: `(key, text)`.
    pub(crate) key_choices: Vec<(usize, Vec<(String, String)>)>,
    /// Fields shown as password inputs, never holding what was typed.
    secret: Vec<usize>,
    /// Files chosen in file fields, stored when the form is saved.
    pub(crate) uploads: Vec<(usize, UploadedFile)>,
    bound: bool,
    pub(crate) cleaned: Option<T>,
    _gives: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for BoundForm<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundForm")
            .field("form", &self.schema.name)
            .field("bound", &self.bound)
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl<T> BoundForm<T> {
    /// A form not submitted yet, its inputs holding `values`. On a new
    /// object (`new`), required numbers, dates, times and keys without a
    /// default start empty: nobody should save a `0` or today's date they
    /// did not choose.
    pub(crate) fn unbound(
        schema: &'static ModelSchema,
        shown: Vec<usize>,
        values: Vec<Value>,
        new: bool,
    ) -> Self {
        let text = schema
            .fields
            .iter()
            .zip(&values)
            .map(|(field, value)| {
                if new && is_placeholder(field) {
                    String::new()
                } else {
                    input_text(field, value)
                }
            })
            .collect();
        BoundForm {
            schema,
            shown,
            text,
            values,
            errors: ValidationErrors::new(),
            key_choices: Vec::new(),
            secret: Vec::new(),
            uploads: Vec::new(),
            bound: false,
            cleaned: None,
            _gives: PhantomData,
        }
    }

    /// Reads `data` over `base` for the `shown` fields, then checks every
    /// value against the schema. A field whose text does not parse keeps
    /// its text and gets its message; the others' messages follow.
    pub(crate) fn bind(
        schema: &'static ModelSchema,
        shown: Vec<usize>,
        base: Vec<Value>,
        data: &FormData,
    ) -> Self {
        let mut form = BoundForm::unbound(schema, shown, base, false);
        form.bound = true;
        let mut failed = Vec::new();
        for &index in &form.shown {
            let field = &schema.fields[index];
            if field.kind.is_upload() {
                match read_upload(field, data, &field.name) {
                    Ok(upload) => {
                        if let Some((value, file)) = upload.into_value(field) {
                            if file.is_none() {
                                form.text[index] = String::new();
                            }
                            form.values[index] = value;
                            // The name it will be stored under is only
                            // known once it is: the browser's stands in.
                            form.uploads.extend(file.map(|file| (index, file)));
                        }
                    }
                    Err(message) => {
                        form.errors.add(field.name.to_string(), message);
                        failed.push(index);
                    }
                }
                continue;
            }
            let read = read_field(field, data, &field.name);
            form.text[index] = read.text;
            match read.value {
                Ok(value) => form.values[index] = value,
                Err(message) => {
                    form.errors.add(field.name.to_string(), message);
                    failed.push(index);
                }
            }
        }
        let checked = validate_values(schema, &form.values);
        for (name, messages) in checked.iter() {
            let index = schema.field_index(name);
            if index.is_some_and(|i| failed.contains(&i)) {
                continue;
            }
            for message in messages {
                form.add_error(Some(name), message.clone());
            }
        }
        form
    }

    /// Shows these fields as password inputs, which never send back what
    /// was typed (Django's `PasswordInput`).
    pub fn password(mut self, names: &[&str]) -> Self {
        for name in names {
            if let Some(index) = self.schema.field_index(name) {
                self.secret.push(index);
            }
        }
        self
    }

    /// Adds a message beside the field `name` (above the form for `None`,
    /// or for a field the form does not show, prefixed with its name).
    pub fn add_error(&mut self, field: Option<&str>, message: impl Into<String>) {
        let message = message.into();
        let shown = field.filter(|name| self.shows(name));
        match (field, shown) {
            (_, Some(name)) => self.errors.add(name, message),
            (Some(name), None) if name != NON_FIELD_ERRORS => self.errors.add(
                NON_FIELD_ERRORS,
                format!("{}: {message}", name.replace('_', " ")),
            ),
            _ => self.errors.add(NON_FIELD_ERRORS, message),
        }
        self.cleaned = None;
    }

    /// Adds every message of `errors`, each beside its field.
    pub fn add_errors(&mut self, errors: ValidationErrors) {
        for (name, messages) in errors.iter() {
            for message in messages {
                self.add_error(Some(name), message.clone());
            }
        }
    }

    fn shows(&self, name: &str) -> bool {
        self.shown
            .iter()
            .any(|&i| self.schema.fields[i].name == name)
    }

    /// The files chosen in the form's file fields, by field name (a
    /// [`ModelForm`](super::ModelForm) stores them when it saves; a form
    /// of one's own does with them what it needs).
    pub fn uploads(&self) -> impl Iterator<Item = (&str, &UploadedFile)> {
        self.uploads
            .iter()
            .map(|(index, file)| (&*self.schema.fields[*index].name, file))
    }

    /// Whether the form has a file field (its `<form>` then needs
    /// `enctype="multipart/form-data"`).
    pub fn is_multipart(&self) -> bool {
        self.shown
            .iter()
            .any(|&i| self.schema.fields[i].kind.is_upload())
    }

    /// Whether the form was submitted (Django's `is_bound`).
    pub fn is_bound(&self) -> bool {
        self.bound
    }

    /// Whether it was submitted and every check passed.
    pub fn is_valid(&self) -> bool {
        self.bound && self.errors.is_empty() && self.cleaned.is_some()
    }

    /// Every message, by field name (`__all__` for the form's own).
    pub fn errors(&self) -> &ValidationErrors {
        &self.errors
    }

    /// The messages that belong to no field, shown above the form.
    pub fn non_field_errors(&self) -> &[String] {
        self.errors.get(NON_FIELD_ERRORS)
    }

    /// The cleaned value when the form is valid, else the form itself, to
    /// show again with its messages and every value as typed.
    // The form is the error on purpose: it goes back to the page whole.
    #[allow(clippy::result_large_err)]
    pub fn into_valid(self) -> Result<T, Self> {
        match self.cleaned {
            Some(value) if self.bound && self.errors.is_empty() => Ok(value),
            cleaned => Err(BoundForm { cleaned, ..self }),
        }
    }

    /// The cleaned value, when the form is valid.
    pub fn cleaned(&self) -> Option<&T> {
        self.cleaned.as_ref().filter(|_| self.errors.is_empty())
    }

    /// What the input of field `name` holds (what was typed, for a
    /// password input too: it is only not shown).
    pub fn text(&self, name: &str) -> &str {
        self.schema
            .field_index(name)
            .and_then(|i| self.text.get(i))
            .map_or("", String::as_str)
    }

    /// The shown fields, in order, each with its input and messages: what
    /// a template loops over (or picks from, one by one, with
    /// [`field`](BoundForm::field)).
    pub fn fields(&self) -> Vec<BoundField> {
        self.shown.iter().map(|&i| self.bound_field(i)).collect()
    }

    /// The shown field `name`.
    pub fn field(&self, name: &str) -> Option<BoundField> {
        self.shown
            .iter()
            .find(|&&i| self.schema.fields[i].name == name)
            .map(|&i| self.bound_field(i))
    }

    fn bound_field(&self, index: usize) -> BoundField {
        let field = &self.schema.fields[index];
        // A file field shows the stored file: one chosen but not stored
        // (the form had other mistakes) must be chosen again, as browsers
        // never fill a file input.
        let text = self.text[index].clone();
        let widget = match self.key_choices.iter().find(|(i, _)| *i == index) {
            _ if self.secret.contains(&index) => Widget::Input {
                input_type: "password",
                value: String::new(),
                maxlength: field.max_length,
                step: None,
                min: None,
                max: None,
                prepopulate_from: String::new(),
            },
            Some((_, rows)) => key_select(field, rows, &text),
            None if !field.choices.is_empty() => Widget::choices(field, &text),
            None => Widget::for_field(field, text, String::new()),
        };
        BoundField {
            name: field.name.to_string(),
            id: format!("id_{}", field.name),
            label: field_label(field),
            help_text: field.help_text.to_string(),
            required: field.is_required()
                || (field.kind == FieldKind::ForeignKey && !field.nullable),
            errors: self.errors.get(&field.name).to_vec(),
            widget,
        }
    }
}

/// A foreign key's `<select>`: an empty choice, then the targets.
fn key_select(field: &FieldSchema, rows: &[(String, String)], value: &str) -> Widget {
    let mut options = Vec::with_capacity(rows.len() + 1);
    if field.nullable || value.is_empty() {
        options.push(SelectOption {
            value: String::new(),
            label: "---------".into(),
            selected: value.is_empty(),
        });
    }
    options.extend(rows.iter().map(|(key, text)| SelectOption {
        selected: key == value,
        value: key.clone(),
        label: text.clone(),
    }));
    Widget::Select {
        options,
        multiple: false,
    }
}

/// Whether a new object's input starts empty rather than at the field's
/// initial value: required numbers, dates, times and UUIDs without a
/// default (Django's forms start them empty too).
pub fn is_placeholder(field: &FieldSchema) -> bool {
    (field.kind.is_numeric()
        || matches!(
            field.kind,
            FieldKind::Date | FieldKind::DateTime | FieldKind::Time | FieldKind::Uuid
        ))
        && field.default.is_none()
        && !field.auto_now
        && !field.auto_now_add
        && !field.nullable
}

/// One field of a form as a template shows it.
#[derive(Debug, Clone)]
pub struct BoundField {
    /// The input's `name`, the field's name.
    pub name: String,
    /// The input's `id`: `id_` and the name.
    pub id: String,
    /// The label: the verbose name, capitalised.
    pub label: String,
    /// The help text, shown under the input.
    pub help_text: String,
    /// Whether the input must be filled.
    pub required: bool,
    /// The messages beside the field.
    pub errors: Vec<String>,
    /// The input, with what it holds.
    pub widget: Widget,
}
