//! The registry of every model linked into the program, each known by its
//! [`ModelOps`]: what the delete collector, migrations and the admin use
//! for models known by name at run time.
//!
//! `ModelOps::of` is defined beside the [`Model`](crate::Model) trait; this
//! module knows the operations only as function pointers.

use std::any::Any;
use std::sync::Arc;

use crate::db::AnyConnection;
use crate::error::Result;
use crate::query::QuerySpec;
use crate::schema::ModelSchema;
use crate::value::Value;

/// Updates the rows of a query: `(field index, new value)` pairs.
pub type UpdateFn = fn(&mut AnyConnection, &QuerySpec, &[(usize, Value)]) -> Result<usize>;

/// Writes an object given as every field's value: `ModelOps::create`/`save`.
pub type WriteFn = fn(&mut AnyConnection, Vec<Value>) -> Result<Vec<Value>>;

/// A model's operations without its type.
#[derive(Clone, Copy)]
pub struct ModelOps {
    /// The schema IR.
    pub schema: fn() -> &'static ModelSchema,
    /// `SELECT count(*)` for a query.
    pub count: fn(&mut AnyConnection, &QuerySpec) -> Result<i64>,
    /// A condition tree on the model's columns, compiled (the inside of a
    /// lookup across a foreign key).
    pub condition: fn(&crate::query::Q) -> Result<crate::query::SqlCondition>,
    /// The rows the query planner expects a query's filter to match, where
    /// the backend says (`EXPLAIN`; not SQLite).
    pub planned_rows: fn(&mut AnyConnection, &QuerySpec) -> Result<Option<i64>>,
    /// How many of a query's rows there are, counting no further than
    /// `most`: bounded work.
    pub count_up_to: fn(&mut AnyConnection, &QuerySpec, i64) -> Result<i64>,
    /// Every field's value of each matching row.
    pub values: fn(&mut AnyConnection, &QuerySpec) -> Result<Vec<Vec<Value>>>,
    /// Deletes matching rows without applying `on_delete` rules.
    pub delete: fn(&mut AnyConnection, &QuerySpec) -> Result<usize>,
    /// Updates matching rows: `(field index, new value)` pairs.
    pub update: UpdateFn,
    /// Inserts a new object from every field's value (schema order), with
    /// timestamps and validation as `Model::insert`; returns its values,
    /// primary key included.
    pub create: WriteFn,
    /// Saves an existing object from every field's value (schema order),
    /// as `Model::save`; returns its values.
    pub save: WriteFn,
    /// An object built from every field's value (schema order), as `dyn
    /// Any`: a loaded target for a foreign key.
    pub from_values: fn(Vec<Value>) -> Result<Box<dyn Any + Send + Sync>>,
    /// Gives the object (one `from_values` built) the loaded target of its
    /// foreign key `field`; `false` when the field is not such a key or the
    /// target is of another model.
    pub set_related: fn(&mut (dyn Any + Send + Sync), usize, Arc<dyn Any + Send + Sync>) -> bool,
}

impl std::fmt::Debug for ModelOps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ModelOps({})", (self.schema)().label())
    }
}

/// One registered model; the derive submits one per model.
#[derive(Debug)]
pub struct RegisteredModel {
    /// The model's operations.
    pub ops: ModelOps,
}

inventory::collect!(RegisteredModel);

/// Every model linked into the program, in a stable order (by label).
///
/// Models are registered by the derive at link time. A crate whose models
/// are never named by the program is not linked, so its models are absent.
pub fn registered_models() -> Vec<ModelOps> {
    models_by_label().to_vec()
}

/// The registry, sorted once: it is complete before `main` runs.
fn models_by_label() -> &'static [ModelOps] {
    static MODELS: std::sync::OnceLock<Vec<ModelOps>> = std::sync::OnceLock::new();
    MODELS.get_or_init(|| {
        sorted_by_label(
            inventory::iter::<RegisteredModel>
                .into_iter()
                .map(|m| m.ops),
            |m| (m.schema)(),
        )
    })
}

/// The registered model with label `app_label.Name` (case-insensitive on the
/// name, as in URLs: `blog.article`).
pub fn find_model(app_label: &str, model_name: &str) -> Option<ModelOps> {
    find_by_label(models_by_label(), |m| (m.schema)(), app_label, model_name)
}

/// `entries` (registrations of any kind) sorted by their model's label,
/// each label once.
pub(crate) fn sorted_by_label<T>(
    entries: impl IntoIterator<Item = T>,
    schema: impl Fn(&T) -> &'static ModelSchema,
) -> Vec<T> {
    let mut entries: Vec<T> = entries.into_iter().collect();
    entries.sort_by_cached_key(|e| schema(e).label());
    entries.dedup_by_key(|e| schema(e).label());
    entries
}

/// The entry of the model `app_label.Name` (case-insensitive on the name).
pub(crate) fn find_by_label<T: Copy>(
    entries: &[T],
    schema: impl Fn(&T) -> &'static ModelSchema,
    app_label: &str,
    model_name: &str,
) -> Option<T> {
    entries.iter().copied().find(|e| {
        let schema = schema(e);
        schema.app_label == app_label && schema.name.eq_ignore_ascii_case(model_name)
    })
}
