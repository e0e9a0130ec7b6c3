//! The SQL each operation runs, forwards and backwards, for one backend
//! (Django's `database_forwards` / `database_backwards`). The statements come
//! from orm-core's schema editor.

use orm_core::backend::schema_editor as editor;
use orm_core::db::BackendKind;
use orm_core::schema::{FieldSchema, ModelSchema};

use crate::error::Error;
use crate::operation::Operation;
use crate::state::ProjectState;

fn model<'a>(state: &'a ProjectState, app: &str, name: &str) -> Result<&'a ModelSchema, Error> {
    state.get(app, name).ok_or_else(|| Error::UnknownModel {
        app: app.to_owned(),
        model: name.to_owned(),
    })
}

/// The statements that apply `op`, taking the database from `before` to
/// `after` (the states around the operation).
pub fn forwards(
    app: &str,
    op: &Operation,
    before: &ProjectState,
    after: &ProjectState,
    backend: BackendKind,
) -> Result<Vec<String>, Error> {
    Ok(match op {
        Operation::CreateModel { model: m } => {
            editor::create_model(model(after, app, &m.name)?, backend)
        }
        Operation::DeleteModel { name } => editor::delete_model(model(before, app, name)?, backend),
        Operation::AddField {
            model: m, field, ..
        } => {
            let old = model(before, app, m)?;
            // The SQL fills existing rows with the operation's default, even
            // a one-off default the state does not keep.
            let new = with_field(model(after, app, m)?, &field.name, field);
            editor::add_field(old, &new, &field.name, backend)
        }
        Operation::RemoveField { model: m, name } => {
            editor::remove_field(model(before, app, m)?, model(after, app, m)?, name, backend)
        }
        Operation::AlterField {
            model: m,
            name,
            field,
            preserve_default,
        } => {
            let old = model(before, app, m)?;
            let new = model(after, app, m)?;
            if *preserve_default {
                editor::alter_field(old, new, name, backend)
            } else {
                // The SQL fills NULLs with the operation's one-off default,
                // which the state does not keep.
                editor::alter_field(old, &with_field(new, name, field), name, backend)
            }
        }
        Operation::RenameField {
            model: m,
            old_name,
            new_name,
        } => editor::rename_field(
            model(before, app, m)?,
            model(after, app, m)?,
            old_name,
            new_name,
            backend,
        ),
        Operation::RenameModel { old_name, new_name } => rename_model(
            model(before, app, old_name)?,
            model(after, app, new_name)?,
            before,
            after,
            backend,
        ),
        Operation::AlterModelTable { model: m, .. } => rename_model(
            model(before, app, m)?,
            model(after, app, m)?,
            before,
            after,
            backend,
        ),
        Operation::AddIndex { model: m, index } => {
            editor::add_index(model(after, app, m)?, index, backend)
        }
        Operation::RemoveIndex { model: m, name } => {
            let old = model(before, app, m)?;
            let index = old
                .indexes
                .iter()
                .find(|i| i.name == *name)
                .ok_or_else(|| Error::InvalidOperation(format!("{app}.{m} has no index {name}")))?;
            editor::remove_index(old, index, backend)
        }
        Operation::AddConstraint {
            model: m,
            constraint,
        } => editor::add_check(
            model(before, app, m)?,
            model(after, app, m)?,
            constraint,
            backend,
        ),
        Operation::RemoveConstraint { model: m, name } => {
            editor::remove_check(model(before, app, m)?, model(after, app, m)?, name, backend)
        }
        Operation::AlterUniqueTogether { model: m, .. } => {
            editor::alter_unique_together(model(before, app, m)?, model(after, app, m)?, backend)
        }
        Operation::AlterModelOptions { .. } => Vec::new(),
        Operation::RunSql { sql, .. } => vec![sql.clone()],
        Operation::RunCode { code, .. } => vec![code_statement(app, code)],
    })
}

/// What begins the "statement" of a [`Operation::RunCode`] step: an SQL
/// comment naming the function (`-- code: blog.fill_slugs`), which
/// `sqlmigrate` shows and the executor runs by calling the function.
pub const CODE_PREFIX: &str = "-- code: ";

/// The statement standing for app `app`'s function `code`.
pub fn code_statement(app: &str, code: &str) -> String {
    format!("{CODE_PREFIX}{app}.{code}")
}

/// The statements that undo `op`: the database goes from `after` back to
/// `before`. Each operation is undone by its inverse run forwards.
pub fn backwards(
    app: &str,
    op: &Operation,
    before: &ProjectState,
    after: &ProjectState,
    backend: BackendKind,
) -> Result<Vec<String>, Error> {
    match op {
        Operation::RunSql { reverse_sql, .. } => match reverse_sql {
            Some(sql) => Ok(vec![sql.clone()]),
            None => Err(Error::InvalidOperation(
                "RunSql without reverse_sql cannot be undone".to_owned(),
            )),
        },
        Operation::RunCode { reverse_code, .. } => match reverse_code {
            Some(code) => Ok(vec![code_statement(app, code)]),
            None => Err(Error::InvalidOperation(
                "RunCode without reverse_code cannot be undone".to_owned(),
            )),
        },
        _ => forwards(app, &inverse(app, op, before)?, after, before, backend),
    }
}

/// The operation that undoes `op`, given the state before it.
fn inverse(app: &str, op: &Operation, before: &ProjectState) -> Result<Operation, Error> {
    Ok(match op {
        Operation::CreateModel { model: m } => Operation::DeleteModel {
            name: m.name.to_string(),
        },
        Operation::DeleteModel { name } => Operation::CreateModel {
            model: model(before, app, name)?.clone(),
        },
        Operation::AddField {
            model: m, field, ..
        } => Operation::RemoveField {
            model: m.clone(),
            name: field.name.to_string(),
        },
        Operation::RemoveField { model: m, name } => {
            let field = model(before, app, m)?
                .field(name)
                .cloned()
                .ok_or_else(|| Error::InvalidOperation(format!("{app}.{m} has no field {name}")))?;
            Operation::AddField {
                model: m.clone(),
                field,
                preserve_default: true,
            }
        }
        Operation::RenameField {
            model: m,
            old_name,
            new_name,
        } => Operation::RenameField {
            model: m.clone(),
            old_name: new_name.clone(),
            new_name: old_name.clone(),
        },
        Operation::RenameModel { old_name, new_name } => Operation::RenameModel {
            old_name: new_name.clone(),
            new_name: old_name.clone(),
        },
        Operation::AddConstraint {
            model: m,
            constraint,
        } => Operation::RemoveConstraint {
            model: m.clone(),
            name: constraint.name.to_string(),
        },
        Operation::RemoveConstraint { model: m, name } => {
            let constraint = model(before, app, m)?
                .checks
                .iter()
                .find(|c| c.name == *name)
                .cloned()
                .ok_or_else(|| {
                    Error::InvalidOperation(format!("{app}.{m} has no constraint {name}"))
                })?;
            Operation::AddConstraint {
                model: m.clone(),
                constraint,
            }
        }
        Operation::AddIndex { model: m, index } => Operation::RemoveIndex {
            model: m.clone(),
            name: index.name.to_string(),
        },
        Operation::RemoveIndex { model: m, name } => {
            let index = model(before, app, m)?
                .indexes
                .iter()
                .find(|i| i.name == *name)
                .cloned()
                .ok_or_else(|| Error::InvalidOperation(format!("{app}.{m} has no index {name}")))?;
            Operation::AddIndex {
                model: m.clone(),
                index,
            }
        }
        // Back to the field as it was: no one-off default to fill with.
        Operation::AlterField { model: m, name, .. } => Operation::AlterField {
            model: m.clone(),
            name: name.clone(),
            field: model(before, app, m)?
                .field(name)
                .cloned()
                .ok_or_else(|| Error::InvalidOperation(format!("{app}.{m} has no field {name}")))?,
            preserve_default: true,
        },
        // These read both states only: run forwards with the states swapped.
        Operation::AlterModelTable { .. }
        | Operation::AlterUniqueTogether { .. }
        | Operation::AlterModelOptions { .. }
        | Operation::RunSql { .. }
        | Operation::RunCode { .. } => op.clone(),
    })
}

/// `model` with its field `name` replaced by `field`.
fn with_field(model: &ModelSchema, name: &str, field: &FieldSchema) -> ModelSchema {
    let mut model = model.clone();
    if let Some(slot) = model.fields.to_mut().iter_mut().find(|f| f.name == name) {
        *slot = field.clone();
    }
    model
}

/// Renames `old`'s table to `new`'s with the names derived from it, then
/// gives the foreign keys of other models that point at it the names derived
/// from the new table, as the state names them.
fn rename_model(
    old: &ModelSchema,
    new: &ModelSchema,
    before: &ProjectState,
    after: &ProjectState,
    backend: BackendKind,
) -> Vec<String> {
    if old.table == new.table {
        return Vec::new();
    }
    let mut sql = editor::rename_model(old, new, backend);
    let label = new.label();
    for other in after.models() {
        let points_here = other
            .fields
            .iter()
            .any(|f| f.foreign_key.as_ref().is_some_and(|fk| fk.to == label));
        if other.label() == label || !points_here {
            continue;
        }
        if let Some(previous) = before.get(&other.app_label, &other.name) {
            sql.extend(editor::rename_foreign_keys(previous, other, backend));
        }
    }
    sql
}
