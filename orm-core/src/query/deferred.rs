//! Objects read without some of their fields: Django's `defer()` and
//! `only()`, for rows whose large columns a page does not show.
//!
//! A Rust struct has no missing field, so a deferred field holds a
//! stand-in (its default, or the value a new object starts with) and the
//! object comes wrapped in a [`Partial`], which knows what was read:
//! [`Partial::save`] writes only those fields, so the stand-ins never reach
//! the database, and [`Partial::load_deferred`] reads the rest.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::path::FieldPath;
use super::queryset::QuerySet;
use super::spec::QuerySpec;
use super::values::Values;
use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::{FieldSchema, ModelSchema};
use crate::value::{FieldType, Value};

/// A query reading only some fields of each object: see
/// [`QuerySet::defer`] and [`QuerySet::only`].
#[derive(Debug, Clone)]
pub struct Deferred<M> {
    query: QuerySet<M>,
    /// For each field of the schema, whether it is read.
    loaded: Arc<[bool]>,
}

/// An object read without some of its fields (see [`QuerySet::defer`]):
/// the object itself through `Deref`, its deferred fields holding
/// stand-ins.
#[derive(Debug, Clone)]
pub struct Partial<M> {
    object: M,
    loaded: Arc<[bool]>,
}

impl<M: Model> QuerySet<M> {
    /// The objects without the fields named (Django's `defer()`): their
    /// columns are not read, which spares a list page its large text. The
    /// primary key is always read.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_defer")]
    /// pub struct Page {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub title: String,
    ///     #[field(text)]
    ///     pub body: String,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Page::schema()])?;
    /// Page { id: 0, title: "Home".into(), body: "A long text.".into() }.save(&mut conn)?;
    ///
    /// let mut pages = Page::objects().defer(&["body"])?.all(&mut conn)?;
    /// assert_eq!(pages[0].title, "Home");
    /// assert!(!pages[0].is_loaded("body"));
    /// pages[0].title = "Start".into();
    /// pages[0].save(&mut conn)?; // writes the title only
    /// let page = pages.remove(0).load_deferred(&mut conn)?;
    /// assert_eq!((page.title.as_str(), page.body.as_str()), ("Start", "A long text."));
    /// # Ok(()) }
    /// ```
    pub fn defer(&self, names: &[&str]) -> Result<Deferred<M>> {
        let schema = M::schema();
        let named = indexes(schema, names)?;
        let loaded = (0..schema.fields.len())
            .map(|i| i == schema.pk_index() || !named.contains(&i))
            .collect();
        Ok(self.deferring(loaded))
    }

    /// The objects with only the fields named, and the primary key
    /// (Django's `only()`); the others are deferred as with
    /// [`defer`](Self::defer).
    pub fn only(&self, names: &[&str]) -> Result<Deferred<M>> {
        let schema = M::schema();
        let named = indexes(schema, names)?;
        let loaded = (0..schema.fields.len())
            .map(|i| i == schema.pk_index() || named.contains(&i))
            .collect();
        Ok(self.deferring(loaded))
    }

    fn deferring(&self, loaded: Arc<[bool]>) -> Deferred<M> {
        Deferred {
            query: self.clone(),
            loaded,
        }
    }
}

/// The indexes of the fields named: an error for a name that is not one.
fn indexes(schema: &ModelSchema, names: &[&str]) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|name| {
            schema.field_index(name).ok_or_else(|| Error::UnknownField {
                model: schema.label(),
                field: (*name).to_owned(),
            })
        })
        .collect()
}

impl<M: Model> Deferred<M> {
    /// Every matching object, its deferred fields not read.
    pub fn all(&self, conn: &mut AnyConnection) -> Result<Vec<Partial<M>>> {
        let schema = M::schema();
        let read: Vec<usize> = (0..schema.fields.len())
            .filter(|&i| self.loaded[i])
            .collect();
        let paths = read
            .iter()
            .map(|&field| FieldPath {
                path: Vec::new(),
                field,
                model: schema,
            })
            .collect();
        let spec = QuerySpec {
            select_related: Vec::new(),
            select_related_deep: Vec::new(),
            ..self.query.spec().clone()
        };
        let rows = Values::<M>::of_paths(spec, paths).all(conn)?;
        rows.into_iter()
            .map(|row| {
                let mut values: Vec<Value> = schema.fields.iter().map(stand_in).collect();
                for (&at, value) in read.iter().zip(row.into_values()) {
                    values[at] = value;
                }
                Ok(Partial {
                    object: M::__from_values(values)?,
                    loaded: self.loaded.clone(),
                })
            })
            .collect()
    }

    /// The first matching object, if any.
    pub fn first(&self, conn: &mut AnyConnection) -> Result<Option<Partial<M>>> {
        let mut one = self.clone();
        let spec = one.query.spec().first_row(M::schema());
        one.query = QuerySet::from_spec(spec);
        Ok(one.all(conn)?.pop())
    }
}

/// What a deferred field holds: its default, else the first of its
/// choices, else the value a new object starts with.
fn stand_in(field: &FieldSchema) -> Value {
    match (&field.default, field.choices.first()) {
        (None, Some(choice)) if !field.nullable => Value::Text(choice.value.to_string()),
        _ => field.initial_value(),
    }
}

impl<M: Model> Partial<M> {
    /// Whether field `name` was read (a field the model lacks was not).
    pub fn is_loaded(&self, name: &str) -> bool {
        M::schema()
            .field_index(name)
            .is_some_and(|i| self.loaded[i])
    }

    /// Writes the fields that were read, and those alone (Django's
    /// `save(update_fields=...)`), after the same checks as
    /// [`Model::save`] makes of them; an `auto_now` field among them is
    /// set to now. A deferred field given a value is not written: load it
    /// first.
    pub fn save(&mut self, conn: &mut AnyConnection) -> Result<()> {
        let schema = M::schema();
        crate::model::touch_timestamps(&mut self.object, chrono::Utc::now(), false)?;
        let mut errors = crate::validation::ValidationErrors::new();
        let mut pairs = Vec::new();
        for (i, field) in schema.fields.iter().enumerate() {
            if !self.loaded[i] || i == schema.pk_index() {
                continue;
            }
            let value = self.object.field_value(i);
            if let Err(message) = crate::validation::validate_value(field, &value) {
                errors.add(field.name.to_string(), message);
            }
            pairs.push((i, value));
        }
        errors.into_result()?;
        if pairs.is_empty() {
            return Ok(());
        }
        let spec = QuerySpec::for_pk(schema, self.object.pk().to_value());
        M::__update(conn, &spec, &pairs).map_err(|e| e.for_model(schema))?;
        Ok(())
    }

    /// The whole object: the deferred fields read now, one query; the
    /// fields read before keep their values (changed or not).
    pub fn load_deferred(self, conn: &mut AnyConnection) -> Result<M> {
        let Partial { mut object, loaded } = self;
        if loaded.iter().all(|&l| l) {
            return Ok(object);
        }
        let fresh = QuerySet::<M>::new().get_pk(conn, object.pk().clone())?;
        for (i, &was_read) in loaded.iter().enumerate() {
            if !was_read {
                object.set_field_value(i, fresh.field_value(i))?;
            }
        }
        Ok(object)
    }
}

impl<M> Deref for Partial<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.object
    }
}

impl<M> DerefMut for Partial<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.object
    }
}
