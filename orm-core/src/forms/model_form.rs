//! [`ModelForm`]: a form over a model's fields, read from its schema
//! (Django's `ModelForm`), that saves the object.

use std::marker::PhantomData;

use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model_admin::{key_target, names_a_row, INVALID_CHOICE};
use crate::schema::{FieldKind, ModelSchema};

use super::{discard_stored, field_label, store_uploads, BoundForm, FormData, NOT_STORED};

/// Most targets a foreign key's `<select>` lists.
const KEY_CHOICES: i64 = 500;

/// The fields of model `M` a form edits: every editable field (not an
/// auto-assigned key), or those named with [`fields`](ModelForm::fields),
/// less those named with [`exclude`](ModelForm::exclude).
///
/// ```
/// use orm_core::forms::{FormData, ModelForm};
/// use orm_core::prelude::*;
///
/// #[derive(Model, Debug, Clone)]
/// #[model(app_label = "docs")]
/// pub struct Note {
///     pub id: i64,
///     #[field(max_length = 40)]
///     pub title: String,
///     #[field(default = 0)]
///     pub views: i32,
/// }
///
/// # fn main() -> orm_core::Result<()> {
/// let db = Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// orm_core::create_tables(&mut conn, &[Note::schema()])?;
/// let form = ModelForm::<Note>::new().exclude(&["views"])?;
/// let bound = form.bind(&mut conn, None, &FormData::parse(b"title=First"))?;
/// let note = bound.save(&mut conn)?.expect("valid");
/// assert_eq!((note.title.as_str(), note.views), ("First", 0));
///
/// let long = format!("title={}", "x".repeat(41));
/// let bound = form.bind(&mut conn, Some(&note), &FormData::parse(long.as_bytes()))?;
/// let refused = bound.save(&mut conn)?.expect_err("too long");
/// assert_eq!(refused.errors().get("title").len(), 1);
/// assert_eq!(Note::objects().get(&mut conn)?.title, "First", "nothing saved");
/// # Ok(()) }
/// ```
pub struct ModelForm<M> {
    shown: Vec<usize>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for ModelForm<M> {
    fn clone(&self) -> Self {
        ModelForm {
            shown: self.shown.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for ModelForm<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelForm")
            .field("shown", &self.shown)
            .finish()
    }
}

impl<M: Model> Default for ModelForm<M> {
    fn default() -> Self {
        ModelForm::new()
    }
}

impl<M: Model> ModelForm<M> {
    /// Every editable field but an auto-assigned key.
    pub fn new() -> Self {
        let schema = M::schema();
        let shown = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.editable && !(f.primary_key && f.auto_increment))
            .map(|(i, _)| i)
            .collect();
        ModelForm {
            shown,
            _model: PhantomData,
        }
    }

    /// These fields, in this order (Django's `Meta.fields`).
    pub fn fields(names: &[&str]) -> Result<Self> {
        let schema = M::schema();
        let shown = names
            .iter()
            .map(|name| index_of(schema, name))
            .collect::<Result<Vec<_>>>()?;
        Ok(ModelForm {
            shown,
            _model: PhantomData,
        })
    }

    /// Without these fields (Django's `Meta.exclude`): they keep the
    /// object's values, or their defaults on a new object.
    pub fn exclude(mut self, names: &[&str]) -> Result<Self> {
        let schema = M::schema();
        let excluded = names
            .iter()
            .map(|name| index_of(schema, name))
            .collect::<Result<Vec<_>>>()?;
        self.shown.retain(|i| !excluded.contains(i));
        Ok(self)
    }

    /// The form of a new object, each input at its field's default.
    pub fn empty(&self, conn: &mut AnyConnection) -> Result<BoundForm<M>> {
        let schema = M::schema();
        let mut form =
            BoundForm::unbound(schema, self.shown.clone(), schema.initial_values(), true);
        self.load_key_choices(conn, &mut form)?;
        Ok(form)
    }

    /// The form of `instance`, showing its values.
    pub fn initial(&self, conn: &mut AnyConnection, instance: &M) -> Result<BoundForm<M>> {
        let mut form =
            BoundForm::unbound(M::schema(), self.shown.clone(), instance.values(), false);
        self.load_key_choices(conn, &mut form)?;
        Ok(form)
    }

    /// The submitted form over `instance` (a new object for `None`): the
    /// fields read and checked, foreign keys checked to name a row, then
    /// the model's validation (its validators, `clean` and conditional
    /// unique constraints: [`Model::full_clean`]).
    pub fn bind(
        &self,
        conn: &mut AnyConnection,
        instance: Option<&M>,
        data: &FormData,
    ) -> Result<BoundForm<M>> {
        let schema = M::schema();
        let base = instance.map_or_else(|| schema.initial_values(), Model::values);
        let mut form = BoundForm::bind(schema, self.shown.clone(), base, data);
        self.check_keys(conn, &mut form)?;
        if form.errors().is_empty() {
            let object = M::__from_values(form.values.clone())?;
            match object.full_clean(conn) {
                Ok(()) => form.cleaned = Some(object),
                Err(Error::Validation(errors)) => form.add_errors(errors),
                Err(other) => return Err(other),
            }
        }
        self.load_key_choices(conn, &mut form)?;
        Ok(form)
    }

    /// Every shown foreign key that is set names an existing row (Django's
    /// "Select a valid choice").
    fn check_keys(&self, conn: &mut AnyConnection, form: &mut BoundForm<M>) -> Result<()> {
        let schema = M::schema();
        for &index in &self.shown {
            let field = &schema.fields[index];
            if field.foreign_key.is_none() || !form.errors().get(&field.name).is_empty() {
                continue;
            }
            if !names_a_row(conn, field, &form.values[index])? {
                form.add_error(Some(&field.name), INVALID_CHOICE);
            }
        }
        Ok(())
    }

    /// The `(key, text)` of each shown foreign key's targets, for its
    /// `<select>`.
    fn load_key_choices(&self, conn: &mut AnyConnection, form: &mut BoundForm<M>) -> Result<()> {
        let schema = M::schema();
        for &index in &self.shown {
            let field = &schema.fields[index];
            if field.kind != FieldKind::ForeignKey {
                continue;
            }
            if let Some(target) = key_target(field) {
                form.key_choices
                    .push((index, target.choice_rows(conn, KEY_CHOICES)?));
            }
        }
        Ok(())
    }
}

fn index_of(schema: &ModelSchema, name: &str) -> Result<usize> {
    schema.field_index(name).ok_or_else(|| Error::UnknownField {
        model: schema.name.to_string(),
        field: name.to_owned(),
    })
}

impl<M: Model> BoundForm<M> {
    /// Saves the object when the form is valid: `Ok(Ok(object))` with its
    /// key set. A form that is not valid, or that the database refuses (a
    /// value another row holds, a check constraint), comes back as
    /// `Ok(Err(form))` with the message beside its field and nothing saved.
    // The form is the error on purpose: it goes back to the page whole.
    #[allow(clippy::result_large_err)]
    pub fn save(self, conn: &mut AnyConnection) -> Result<std::result::Result<M, Self>> {
        let mut form = self;
        let Some(mut object) = form.cleaned.take().filter(|_| form.errors().is_empty()) else {
            return Ok(Err(form));
        };
        let schema = M::schema();
        let stored = match store_uploads(schema, std::mem::take(&mut form.uploads)) {
            Ok(stored) => stored,
            Err(index) => {
                form.add_error(Some(&schema.fields[index].name), NOT_STORED);
                return Ok(Err(form));
            }
        };
        for (index, name) in &stored {
            if object
                .set_field_value(*index, crate::Value::Text(name.clone()))
                .is_err()
            {
                discard_stored(&stored);
                form.add_error(Some(&schema.fields[*index].name), NOT_STORED);
                return Ok(Err(form));
            }
        }
        let saved = object.save(conn);
        if saved.is_err() {
            // Nothing saved: no file is left behind for it.
            discard_stored(&stored);
        }
        match saved {
            Ok(()) => Ok(Ok(object)),
            Err(Error::Validation(errors)) => {
                form.add_errors(errors);
                Ok(Err(form))
            }
            Err(Error::UniqueViolation { field, .. }) => {
                let label = field
                    .as_deref()
                    .and_then(|f| schema.field(f))
                    .map_or_else(|| "these values".to_owned(), field_label);
                let message = format!(
                    "{} with this {label} already exists.",
                    super::capitalize(&schema.verbose_name)
                );
                form.add_error(field.as_deref(), message);
                Ok(Err(form))
            }
            Err(Error::CheckViolation { constraint, .. }) => {
                form.add_error(None, crate::constraints::violated(&constraint));
                Ok(Err(form))
            }
            Err(other) => Err(other),
        }
    }
}
