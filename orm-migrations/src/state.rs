//! The project state: every model as the migrations describe it, rebuilt by
//! replaying operations (Django's `ProjectState`).

use std::collections::BTreeMap;

use orm_core::backend::ddl;
use orm_core::constraints::{IndexEntry, Predicate};
use orm_core::schema::{FieldKind, FieldSchema, ModelSchema, Str};

use crate::error::Error;
use crate::operation::Operation;

/// Every model of every app, keyed by `(app_label, lower-case name)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectState {
    models: BTreeMap<(String, String), ModelSchema>,
}

fn key(app: &str, name: &str) -> (String, String) {
    (app.to_owned(), name.to_lowercase())
}

impl ProjectState {
    /// An empty project.
    pub fn new() -> Self {
        Self::default()
    }

    /// The state the given models describe (from the registry), with every
    /// index named, as migration files name them.
    pub fn from_models<'a>(models: impl IntoIterator<Item = &'a ModelSchema>) -> Self {
        let mut state = ProjectState::new();
        for model in models {
            state.insert(normalized(model.clone()));
        }
        state
    }

    /// Adds or replaces a model.
    pub fn insert(&mut self, model: ModelSchema) {
        self.models
            .insert(key(&model.app_label, &model.name), model);
    }

    /// A model by app and name (name case-insensitive).
    pub fn get(&self, app: &str, name: &str) -> Option<&ModelSchema> {
        self.models.get(&key(app, name))
    }

    /// Every model, ordered by app then name.
    pub fn models(&self) -> impl Iterator<Item = &ModelSchema> {
        self.models.values()
    }

    /// The models of one app.
    pub fn app_models<'a>(&'a self, app: &'a str) -> impl Iterator<Item = &'a ModelSchema> {
        self.models.values().filter(move |m| m.app_label == app)
    }

    /// The app labels present.
    pub fn app_labels(&self) -> Vec<String> {
        let mut apps: Vec<String> = self.models.keys().map(|(app, _)| app.clone()).collect();
        apps.dedup();
        apps
    }

    fn model_mut(&mut self, app: &str, name: &str) -> Result<&mut ModelSchema, Error> {
        self.models
            .get_mut(&key(app, name))
            .ok_or_else(|| Error::UnknownModel {
                app: app.to_owned(),
                model: name.to_owned(),
            })
    }

    /// Applies one operation of app `app` to the state (`state_forwards`).
    pub fn apply(&mut self, app: &str, operation: &Operation) -> Result<(), Error> {
        match operation {
            Operation::CreateModel { model } => {
                let mut model = model.clone();
                model.app_label = Str::from(app.to_owned());
                if self.get(app, &model.name).is_some() {
                    return Err(Error::InvalidOperation(format!(
                        "CreateModel: {app}.{} already exists",
                        model.name
                    )));
                }
                self.insert(normalized(model));
            }
            Operation::DeleteModel { name } => {
                if self.models.remove(&key(app, name)).is_none() {
                    return Err(Error::UnknownModel {
                        app: app.to_owned(),
                        model: name.clone(),
                    });
                }
            }
            Operation::AddField {
                model,
                field,
                preserve_default,
            } => {
                let schema = self.model_mut(app, model)?;
                if schema.field(&field.name).is_some() {
                    return Err(Error::InvalidOperation(format!(
                        "AddField: {app}.{model}.{} already exists",
                        field.name
                    )));
                }
                let mut field = field.clone();
                if !preserve_default {
                    field.default = None;
                }
                schema.fields.to_mut().push(field);
            }
            Operation::RemoveField { model, name } => {
                let schema = self.model_mut(app, model)?;
                let index = field_index(schema, app, name)?;
                schema.fields.to_mut().remove(index);
                forget_field(schema, name);
            }
            Operation::AlterField {
                model,
                name,
                field,
                preserve_default,
            } => {
                let schema = self.model_mut(app, model)?;
                let index = field_index(schema, app, name)?;
                let mut field = field.clone();
                field.name = Str::from(name.clone());
                if !preserve_default {
                    field.default = None;
                }
                schema.fields.to_mut()[index] = field;
            }
            Operation::RenameField {
                model,
                old_name,
                new_name,
            } => {
                let schema = self.model_mut(app, model)?;
                let index = field_index(schema, app, old_name)?;
                rename_field(&mut schema.fields.to_mut()[index], new_name);
                rename_references(schema, old_name, new_name);
            }
            Operation::RenameModel { old_name, new_name } => {
                let mut schema =
                    self.models
                        .remove(&key(app, old_name))
                        .ok_or_else(|| Error::UnknownModel {
                            app: app.to_owned(),
                            model: old_name.clone(),
                        })?;
                let old_label = schema.label();
                let old_table = schema.table.to_string();
                if old_table == default_table(app, old_name) {
                    schema.table = Str::from(default_table(app, new_name));
                }
                schema.name = Str::from(new_name.clone());
                follow_model_name(&mut schema, old_name, new_name);
                let new_label = schema.label();
                let new_table = schema.table.to_string();
                self.insert(schema);
                self.retarget(&old_label, &new_label, &new_table);
            }
            Operation::AlterModelTable { model, table } => {
                let schema = self.model_mut(app, model)?;
                schema.table = Str::from(table.clone());
                let label = schema.label();
                self.retarget(&label, &label, table);
            }
            Operation::AddIndex { model, index } => {
                let schema = self.model_mut(app, model)?;
                schema.indexes.to_mut().push(index.clone());
            }
            Operation::RemoveIndex { model, name } => {
                let schema = self.model_mut(app, model)?;
                let before = schema.indexes.len();
                schema.indexes.to_mut().retain(|i| i.name != *name);
                if schema.indexes.len() == before {
                    return Err(Error::InvalidOperation(format!(
                        "RemoveIndex: {app}.{model} has no index {name}"
                    )));
                }
            }
            Operation::AddConstraint { model, constraint } => {
                let schema = self.model_mut(app, model)?;
                if schema.checks.iter().any(|c| c.name == constraint.name) {
                    return Err(Error::InvalidOperation(format!(
                        "AddConstraint: {app}.{model} has a constraint {} already",
                        constraint.name
                    )));
                }
                schema.checks.to_mut().push(constraint.clone());
            }
            Operation::RemoveConstraint { model, name } => {
                let schema = self.model_mut(app, model)?;
                let before = schema.checks.len();
                schema.checks.to_mut().retain(|c| c.name != *name);
                if schema.checks.len() == before {
                    return Err(Error::InvalidOperation(format!(
                        "RemoveConstraint: {app}.{model} has no constraint {name}"
                    )));
                }
            }
            Operation::AlterUniqueTogether {
                model,
                unique_together,
            } => {
                let schema = self.model_mut(app, model)?;
                schema.unique_together = unique_together
                    .iter()
                    .map(|group| group.iter().map(|f| Str::from(f.clone())).collect())
                    .collect();
            }
            Operation::AlterModelOptions {
                model,
                ordering,
                verbose_name,
                verbose_name_plural,
            } => {
                let schema = self.model_mut(app, model)?;
                schema.ordering = ordering.iter().map(|o| Str::from(o.clone())).collect();
                schema.verbose_name = Str::from(verbose_name.clone());
                schema.verbose_name_plural = Str::from(verbose_name_plural.clone());
            }
            Operation::RunSql { .. } | Operation::RunCode { .. } => {}
        }
        Ok(())
    }

    /// Points foreign keys and many-to-many fields at `old_label` to the
    /// renamed model.
    fn retarget(&mut self, old_label: &str, new_label: &str, new_table: &str) {
        for model in self.models.values_mut() {
            if model
                .many_to_many
                .iter()
                .any(|m2m| m2m.to == old_label || m2m.through == old_label)
            {
                for m2m in model.many_to_many.to_mut() {
                    if m2m.to == old_label {
                        m2m.to = Str::from(new_label.to_owned());
                    }
                    if m2m.through == old_label {
                        m2m.through = Str::from(new_label.to_owned());
                    }
                }
            }
            for field in model.fields.to_mut() {
                if let Some(fk) = &mut field.foreign_key {
                    if fk.to == old_label {
                        fk.to = Str::from(new_label.to_owned());
                        fk.to_table = Str::from(new_table.to_owned());
                    }
                }
            }
        }
    }
}

/// The table name the derive gives a model by default.
pub fn default_table(app: &str, name: &str) -> String {
    format!("{app}_{}", name.to_lowercase())
}

/// Gives a renamed model the names the derive derives from its name, where
/// it had the ones derived from the old name: verbose names and the reverse
/// names of its foreign keys.
fn follow_model_name(schema: &mut ModelSchema, old_name: &str, new_name: &str) {
    let (old_words, new_words) = (camel_to_words(old_name), camel_to_words(new_name));
    if schema.verbose_name == old_words {
        schema.verbose_name = Str::from(new_words.clone());
    }
    if schema.verbose_name_plural == format!("{old_words}s") {
        schema.verbose_name_plural = Str::from(format!("{new_words}s"));
    }
    let (old_related, new_related) = (
        format!("{}_set", old_name.to_lowercase()),
        format!("{}_set", new_name.to_lowercase()),
    );
    for field in schema.fields.to_mut() {
        if let Some(fk) = &mut field.foreign_key {
            if fk.related_name == old_related {
                fk.related_name = Str::from(new_related.clone());
            }
        }
    }
}

/// `BlogPost` → `blog post`, as the derive names a model by default.
fn camel_to_words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Gives `field` the name `new_name`, and with it the column and verbose
/// name the derive derives from a name, where it had those of its old one.
pub(crate) fn rename_field(field: &mut FieldSchema, new_name: &str) {
    let old_name = field.name.to_string();
    if field.column == default_column(&old_name, field) {
        field.column = Str::from(default_column(new_name, field));
    }
    if field.verbose_name == default_verbose_name(&old_name) {
        field.verbose_name = Str::from(default_verbose_name(new_name));
    }
    field.name = Str::from(new_name.to_owned());
}

/// The verbose name the derive gives a field by default: its name in words.
fn default_verbose_name(name: &str) -> String {
    name.trim_start_matches("r#").replace('_', " ")
}

/// The column name the derive gives a field by default.
fn default_column(name: &str, field: &FieldSchema) -> String {
    if field.kind == FieldKind::ForeignKey {
        format!("{name}_id")
    } else {
        name.to_owned()
    }
}

fn field_index(schema: &ModelSchema, app: &str, name: &str) -> Result<usize, Error> {
    schema.field_index(name).ok_or_else(|| {
        Error::InvalidOperation(format!("{app}.{} has no field {name}", schema.name))
    })
}

/// Drops references to a removed field from indexes, unique groups and the
/// ordering.
fn forget_field(schema: &mut ModelSchema, name: &str) {
    let mentions = |entry: &Str| entry.trim_start_matches('-') == name;
    schema.ordering.to_mut().retain(|o| !mentions(o));
    schema
        .indexes
        .to_mut()
        .retain(|index| !index.fields.iter().any(mentions));
    schema
        .unique_together
        .to_mut()
        .retain(|group| !group.iter().any(mentions));
}

fn rename_references(schema: &mut ModelSchema, old: &str, new: &str) {
    let rename = |entry: &mut Str| {
        let renamed = IndexEntry::parse(entry)
            .ok()
            .filter(|parsed| parsed.field == old)
            .map(|parsed| {
                IndexEntry {
                    field: new,
                    ..parsed
                }
                .to_string()
            });
        if let Some(renamed) = renamed {
            *entry = Str::from(renamed);
        }
    };
    let rename_condition = |condition: &mut Str| {
        if let Ok(predicate) = Predicate::parse(condition) {
            *condition = Str::from(predicate.rename_field(old, new).to_string());
        }
    };
    schema.ordering.to_mut().iter_mut().for_each(rename);
    for index in schema.indexes.to_mut() {
        index.fields.to_mut().iter_mut().for_each(rename);
        if !index.condition.is_empty() {
            rename_condition(&mut index.condition);
        }
    }
    for group in schema.unique_together.to_mut() {
        group.to_mut().iter_mut().for_each(rename);
    }
    for check in schema.checks.to_mut() {
        rename_condition(&mut check.check);
    }
}

/// Gives every index its name, as the DDL would, and every condition its
/// written form, so states from models and from files compare equal.
fn normalized(mut model: ModelSchema) -> ModelSchema {
    let names: Vec<String> = model
        .indexes
        .iter()
        .map(|index| ddl::index_name(&model, index))
        .collect();
    for (index, name) in model.indexes.to_mut().iter_mut().zip(names) {
        index.name = Str::from(name);
        canonical(&mut index.condition);
    }
    for check in model.checks.to_mut() {
        canonical(&mut check.check);
    }
    model
}

/// A condition written the one way its parsed form writes it, so that
/// spacing and redundant parentheses make no migration.
fn canonical(condition: &mut Str) {
    if condition.is_empty() {
        return;
    }
    if let Ok(predicate) = Predicate::parse(condition) {
        *condition = Str::from(predicate.to_string());
    }
}
