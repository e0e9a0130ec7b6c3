//! Migration operations: each changes the project state and knows the SQL
//! that makes the database follow, forwards and backwards.

use serde::{Deserialize, Serialize};

use orm_core::schema::{CheckSchema, FieldSchema, IndexSchema, ModelSchema};

/// One step of a migration, like Django's `migrations.operations`.
///
/// Models are named by their Rust name within the migration's app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Operation {
    /// Creates a model's table with its fields, indexes and constraints.
    CreateModel {
        /// The whole model.
        model: ModelSchema,
    },
    /// Drops a model's table.
    DeleteModel {
        /// The model's name.
        name: String,
    },
    /// Adds a column.
    AddField {
        /// The model's name.
        model: String,
        /// The new field. Its `default` fills existing rows.
        field: FieldSchema,
        /// Whether the default stays in the model after the migration
        /// (false for a one-off default given to `makemigrations`).
        #[serde(default = "yes", skip_serializing_if = "is_true")]
        preserve_default: bool,
    },
    /// Drops a column.
    RemoveField {
        /// The model's name.
        model: String,
        /// The field's name.
        name: String,
    },
    /// Changes a column's type, nullability, length, constraints.
    AlterField {
        /// The model's name.
        model: String,
        /// The field's name.
        name: String,
        /// The field as it becomes. When it goes from nullable to NOT NULL,
        /// its `default` first fills the rows that hold NULL.
        field: FieldSchema,
        /// Whether the default stays in the model after the migration
        /// (false for a one-off default given to `makemigrations`).
        #[serde(default = "yes", skip_serializing_if = "is_true")]
        preserve_default: bool,
    },
    /// Renames a field (and its column when the column follows the name).
    RenameField {
        /// The model's name.
        model: String,
        /// The field's old name.
        old_name: String,
        /// The field's new name.
        new_name: String,
    },
    /// Renames a model (and its table when the table follows the name).
    RenameModel {
        /// The old name.
        old_name: String,
        /// The new name.
        new_name: String,
    },
    /// Changes a model's table name.
    AlterModelTable {
        /// The model's name.
        model: String,
        /// The new table name.
        table: String,
    },
    /// Adds an index.
    AddIndex {
        /// The model's name.
        model: String,
        /// The index, with its name.
        index: IndexSchema,
    },
    /// Drops an index by name.
    RemoveIndex {
        /// The model's name.
        model: String,
        /// The index name.
        name: String,
    },
    /// Adds a check constraint.
    AddConstraint {
        /// The model's name.
        model: String,
        /// The constraint, with its name.
        constraint: CheckSchema,
    },
    /// Drops a check constraint by name.
    RemoveConstraint {
        /// The model's name.
        model: String,
        /// The constraint's name.
        name: String,
    },
    /// Replaces the model's unique-together groups.
    AlterUniqueTogether {
        /// The model's name.
        model: String,
        /// The groups of field names, as they become.
        unique_together: Vec<Vec<String>>,
    },
    /// Changes options that do not touch the database (ordering, names).
    AlterModelOptions {
        /// The model's name.
        model: String,
        /// Default ordering.
        ordering: Vec<String>,
        /// Singular name.
        verbose_name: String,
        /// Plural name.
        verbose_name_plural: String,
    },
    /// Runs SQL written by hand (a data step), with optional reverse SQL.
    RunSql {
        /// The SQL to run forwards.
        sql: String,
        /// The SQL that undoes it; without it the migration is irreversible.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverse_sql: Option<String>,
    },
    /// Runs a Rust function the app's migration source names (a data step,
    /// Django's `RunPython`), with optional reverse function.
    RunCode {
        /// The name of the function to run forwards, as given to
        /// [`MigrationSource::with_code`](crate::MigrationSource::with_code).
        code: String,
        /// The function that undoes it; without it the migration is
        /// irreversible.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverse_code: Option<String>,
    },
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

impl Operation {
    /// The model the operation changes in place: `None` for those that
    /// create, delete or rename a model, and for SQL and code.
    pub fn altered_model(&self) -> Option<&str> {
        use Operation::*;
        match self {
            AddField { model, .. }
            | RemoveField { model, .. }
            | AlterField { model, .. }
            | RenameField { model, .. }
            | AlterModelTable { model, .. }
            | AddIndex { model, .. }
            | RemoveIndex { model, .. }
            | AddConstraint { model, .. }
            | RemoveConstraint { model, .. }
            | AlterUniqueTogether { model, .. }
            | AlterModelOptions { model, .. } => Some(model),
            CreateModel { .. }
            | DeleteModel { .. }
            | RenameModel { .. }
            | RunSql { .. }
            | RunCode { .. } => None,
        }
    }

    /// A short description, as `migrate` and error messages show it.
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel { model } => format!("Create model {}", model.name),
            Operation::DeleteModel { name } => format!("Delete model {name}"),
            Operation::AddField { model, field, .. } => {
                format!("Add field {} to {}", field.name, model.to_lowercase())
            }
            Operation::RemoveField { model, name } => {
                format!("Remove field {name} from {}", model.to_lowercase())
            }
            Operation::AlterField { model, name, .. } => {
                format!("Alter field {name} on {}", model.to_lowercase())
            }
            Operation::RenameField {
                model,
                old_name,
                new_name,
            } => format!(
                "Rename field {old_name} on {} to {new_name}",
                model.to_lowercase()
            ),
            Operation::RenameModel { old_name, new_name } => {
                format!("Rename model {old_name} to {new_name}")
            }
            Operation::AlterModelTable { model, table } => {
                format!("Rename table for {} to {table}", model.to_lowercase())
            }
            Operation::AddIndex { model, index } => {
                let kind = match index.kind {
                    orm_core::schema::IndexKind::Plain => "index",
                    orm_core::schema::IndexKind::FullText => "full-text index",
                };
                format!("Create {kind} {} on {}", index.name, model.to_lowercase())
            }
            Operation::RemoveIndex { model, name } => {
                format!("Remove index {name} from {}", model.to_lowercase())
            }
            Operation::AddConstraint { model, constraint } => format!(
                "Create constraint {} on {}",
                constraint.name,
                model.to_lowercase()
            ),
            Operation::RemoveConstraint { model, name } => {
                format!("Remove constraint {name} from {}", model.to_lowercase())
            }
            Operation::AlterUniqueTogether { model, .. } => {
                format!("Alter unique_together for {}", model.to_lowercase())
            }
            Operation::AlterModelOptions { model, .. } => {
                format!("Change Meta options on {}", model.to_lowercase())
            }
            Operation::RunSql { .. } => "Raw SQL operation".to_owned(),
            Operation::RunCode { code, .. } => format!("Run code {code}"),
        }
    }
}
