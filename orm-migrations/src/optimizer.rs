//! Folds a list of operations into a shorter one with the same effect, as
//! `squashmigrations` does with the operations of the migrations it joins
//! (the idea of Django's `MigrationOptimizer`).
//!
//! Two operations on one model reduce to fewer: a `CreateModel` takes in the
//! later changes to its model, a field added then removed disappears, two
//! renames become one. The pair need not be adjacent: the later operation
//! moves back over those between them (or the earlier one forward) as long
//! as neither touches a model the other refers to. `RunSql` and `RunCode`
//! may read any table, so nothing moves over them.
//!
//! ```
//! use orm_core::schema::{FieldKind, FieldSchema, ModelSchema};
//! use orm_migrations::{optimizer, Operation};
//!
//! let model = ModelSchema {
//!     name: "Book".into(),
//!     app_label: "shelf".into(),
//!     table: "shelf_book".into(),
//!     verbose_name: "book".into(),
//!     verbose_name_plural: "books".into(),
//!     fields: vec![].into(),
//!     ordering: vec![].into(),
//!     indexes: vec![].into(),
//!     unique_together: vec![].into(),
//!     checks: vec![].into(),
//!     auto_created: false,
//!     many_to_many: vec![].into(),
//! };
//! let title = FieldSchema::new("title", "title", FieldKind::Text);
//! let ops = vec![
//!     Operation::CreateModel { model },
//!     Operation::AddField { model: "Book".into(), field: title, preserve_default: true },
//! ];
//! let folded = optimizer::optimize("shelf", ops);
//! let [Operation::CreateModel { model }] = folded.as_slice() else { panic!("{folded:?}") };
//! assert_eq!(model.fields[0].name, "title");
//! ```

use std::collections::BTreeSet;

use crate::operation::Operation;
use crate::state::{rename_field, ProjectState};

/// `operations` of app `app`, folded until no pair reduces further.
pub fn optimize(app: &str, mut operations: Vec<Operation>) -> Vec<Operation> {
    while let Some(shorter) = optimize_once(app, &operations) {
        operations = shorter;
    }
    operations
}

/// One reduction of some pair, or `None` when there is none.
fn optimize_once(app: &str, operations: &[Operation]) -> Option<Vec<Operation>> {
    for (i, first) in operations.iter().enumerate() {
        for (j, second) in operations.iter().enumerate().skip(i + 1) {
            if let Some(result) = reduce(app, first, second) {
                let between = &operations[i + 1..j];
                let mut out = operations[..i].to_vec();
                if between.iter().all(|op| independent(app, op, second)) {
                    out.extend(result);
                    out.extend_from_slice(between);
                } else {
                    // Every operation between is independent of `first` (the
                    // scan stops at one that is not), so it moves forward.
                    out.extend_from_slice(between);
                    out.extend(result);
                }
                out.extend_from_slice(&operations[j + 1..]);
                return Some(out);
            }
            if !independent(app, first, second) {
                break;
            }
        }
    }
    None
}

/// What two operations on one model become, when they reduce.
fn reduce(app: &str, first: &Operation, second: &Operation) -> Option<Vec<Operation>> {
    use Operation::*;
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match (first, second) {
        (CreateModel { model }, DeleteModel { name }) if same(&model.name, name) => Some(vec![]),
        (CreateModel { model }, later) if changes_model(later, &model.name) => {
            let mut state = ProjectState::new();
            state.apply(app, first).ok()?;
            state.apply(app, later).ok()?;
            let model = state.app_models(app).next()?.clone();
            Some(vec![CreateModel { model }])
        }
        (
            AddField {
                model,
                field,
                preserve_default,
            },
            AlterField {
                model: altered,
                name,
                field: new,
                preserve_default: keeps,
            },
        ) if same(model, altered) && field.name == *name => {
            let mut new = new.clone();
            new.name = field.name.clone();
            // The added field's default may be what fills existing rows.
            let preserve_default = if new.default.is_none() && field.default.is_some() {
                new.default = field.default.clone();
                false
            } else {
                *keeps && *preserve_default
            };
            Some(vec![AddField {
                model: model.clone(),
                field: new,
                preserve_default,
            }])
        }
        (AddField { model, field, .. }, RemoveField { model: m, name })
            if same(model, m) && field.name == *name =>
        {
            Some(vec![])
        }
        (
            AddField {
                model,
                field,
                preserve_default,
            },
            RenameField {
                model: m,
                old_name,
                new_name,
            },
        ) if same(model, m) && field.name == *old_name => {
            let mut field = field.clone();
            rename_field(&mut field, new_name);
            Some(vec![AddField {
                model: model.clone(),
                field,
                preserve_default: *preserve_default,
            }])
        }
        (
            AlterField { model, name, .. },
            AlterField {
                model: m, name: n, ..
            },
        )
        | (AlterField { model, name, .. }, RemoveField { model: m, name: n })
            if same(model, m) && name == n =>
        {
            Some(vec![second.clone()])
        }
        (
            RenameField {
                model,
                old_name,
                new_name,
            },
            RenameField {
                model: m,
                old_name: from,
                new_name: to,
            },
        ) if same(model, m) && new_name == from => {
            if old_name == to {
                return Some(vec![]);
            }
            Some(vec![RenameField {
                model: model.clone(),
                old_name: old_name.clone(),
                new_name: to.clone(),
            }])
        }
        (AddIndex { model, index }, RemoveIndex { model: m, name })
            if same(model, m) && index.name == *name =>
        {
            Some(vec![])
        }
        (AddConstraint { model, constraint }, RemoveConstraint { model: m, name })
            if same(model, m) && constraint.name == *name =>
        {
            Some(vec![])
        }
        (AlterUniqueTogether { model, .. }, AlterUniqueTogether { model: m, .. })
        | (AlterModelOptions { model, .. }, AlterModelOptions { model: m, .. })
        | (AlterModelTable { model, .. }, AlterModelTable { model: m, .. })
            if same(model, m) =>
        {
            Some(vec![second.clone()])
        }
        (earlier, DeleteModel { name }) if changes_model(earlier, name) => {
            Some(vec![second.clone()])
        }
        _ => None,
    }
}

/// Whether `op` changes the model named `name` without creating, deleting
/// or running code (what a `CreateModel` of it can take in).
fn changes_model(op: &Operation, name: &str) -> bool {
    let model = match op {
        Operation::RenameModel { old_name, .. } => Some(old_name.as_str()),
        other => other.altered_model(),
    };
    model.is_some_and(|model| model.eq_ignore_ascii_case(name))
}

/// Whether `a` and `b` may trade places: neither changes a model the other
/// refers to, and neither runs SQL or code.
fn independent(app: &str, a: &Operation, b: &Operation) -> bool {
    match (models(app, a), models(app, b)) {
        (Some((a_changes, a_refers)), Some((b_changes, b_refers))) => {
            a_changes.is_disjoint(&b_refers) && b_changes.is_disjoint(&a_refers)
        }
        _ => false,
    }
}

/// The labels (`app.name`, lower case) of the models `op` changes, and of
/// those it changes or refers to through a relation; `None` for SQL and
/// code, which may touch anything.
fn models(app: &str, op: &Operation) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    use Operation::*;
    let label = |name: &str| format!("{app}.{}", name.to_lowercase());
    let changes: BTreeSet<String> = match op {
        CreateModel { model } => [label(&model.name)].into(),
        DeleteModel { name } => [label(name)].into(),
        RenameModel { old_name, new_name } => [label(old_name), label(new_name)].into(),
        other => [label(other.altered_model()?)].into(),
    };
    let mut refers = changes.clone();
    let target = |to: &str| to.to_lowercase();
    match op {
        CreateModel { model } => {
            refers.extend(
                model
                    .fields
                    .iter()
                    .filter_map(|f| f.foreign_key.as_ref())
                    .map(|fk| target(&fk.to)),
            );
            for m2m in model.many_to_many.iter() {
                refers.insert(target(&m2m.to));
                refers.insert(target(&m2m.through));
            }
        }
        AddField { field, .. } | AlterField { field, .. } => {
            refers.extend(field.foreign_key.as_ref().map(|fk| target(&fk.to)));
        }
        _ => {}
    }
    Some((changes, refers))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use orm_core::schema::{FieldKind, FieldSchema, ForeignKeySchema, IndexSchema, ModelSchema};

    use super::*;

    fn model(name: &'static str) -> ModelSchema {
        let mut id = FieldSchema::new("id", "id", FieldKind::BigInt);
        id.primary_key = true;
        id.auto_increment = true;
        ModelSchema {
            name: name.into(),
            app_label: "shelf".into(),
            table: format!("shelf_{}", name.to_lowercase()).into(),
            verbose_name: name.to_lowercase().into(),
            verbose_name_plural: format!("{}s", name.to_lowercase()).into(),
            fields: vec![id].into(),
            ordering: vec![].into(),
            indexes: vec![].into(),
            unique_together: vec![].into(),
            checks: vec![].into(),
            auto_created: false,
            many_to_many: vec![].into(),
        }
    }

    fn field(name: &'static str) -> FieldSchema {
        FieldSchema::new(name, name, FieldKind::Text)
    }

    fn fk(name: &'static str, to: &'static str) -> FieldSchema {
        let mut f = FieldSchema::new(name, "", FieldKind::ForeignKey);
        f.column = format!("{name}_id").into();
        f.verbose_name = name.into();
        f.foreign_key = Some(ForeignKeySchema {
            to: format!("shelf.{to}").into(),
            to_table: format!("shelf_{}", to.to_lowercase()).into(),
            to_column: "id".into(),
            on_delete: orm_core::schema::OnDelete::Cascade,
            related_name: "".into(),
        });
        f
    }

    fn add(model: &str, field: FieldSchema) -> Operation {
        Operation::AddField {
            model: model.into(),
            field,
            preserve_default: true,
        }
    }

    fn remove(model: &str, name: &str) -> Operation {
        Operation::RemoveField {
            model: model.into(),
            name: name.into(),
        }
    }

    fn rename(model: &str, old: &str, new: &str) -> Operation {
        Operation::RenameField {
            model: model.into(),
            old_name: old.into(),
            new_name: new.into(),
        }
    }

    fn describe(ops: &[Operation]) -> Vec<String> {
        ops.iter().map(Operation::describe).collect()
    }

    fn fields_of(op: &Operation) -> Vec<String> {
        match op {
            Operation::CreateModel { model } => {
                model.fields.iter().map(|f| f.name.to_string()).collect()
            }
            other => panic!("not a CreateModel: {other:?}"),
        }
    }

    #[test]
    fn create_model_takes_in_later_changes() {
        let ops = vec![
            Operation::CreateModel {
                model: model("Book"),
            },
            add("Book", field("title")),
            add("Book", field("subtitle")),
            rename("Book", "title", "name"),
            remove("Book", "subtitle"),
            Operation::AddIndex {
                model: "Book".into(),
                index: IndexSchema {
                    name: "shelf_book_name_idx".into(),
                    fields: vec!["name".into()].into(),
                    unique: false,
                    kind: orm_core::schema::IndexKind::Plain,
                    condition: "".into(),
                },
            },
        ];
        let folded = optimize("shelf", ops);
        assert_eq!(folded.len(), 1, "{:?}", describe(&folded));
        assert_eq!(fields_of(&folded[0]), ["id", "name"]);
        let Operation::CreateModel { model } = &folded[0] else {
            unreachable!()
        };
        assert_eq!(model.indexes.len(), 1);
    }

    #[test]
    fn created_then_deleted_disappears() {
        let ops = vec![
            Operation::CreateModel {
                model: model("Draft"),
            },
            add("Draft", field("body")),
            Operation::DeleteModel {
                name: "Draft".into(),
            },
        ];
        assert!(optimize("shelf", ops).is_empty());
    }

    #[test]
    fn field_pairs_fold() {
        let ops = vec![
            add("Book", field("isbn")),
            rename("Book", "isbn", "code"),
            remove("Book", "code"),
            rename("Book", "a", "b"),
            rename("Book", "b", "c"),
        ];
        assert_eq!(
            describe(&optimize("shelf", ops)),
            ["Rename field a on book to c"]
        );
    }

    #[test]
    fn nothing_moves_over_code_or_sql() {
        let ops = vec![
            Operation::CreateModel {
                model: model("Book"),
            },
            Operation::RunSql {
                sql: "INSERT INTO shelf_book (id) VALUES (1)".into(),
                reverse_sql: None,
            },
            add("Book", field("title")),
        ];
        assert_eq!(optimize("shelf", ops.clone()), ops);
    }

    #[test]
    fn a_relation_keeps_its_target_first() {
        // The author's field is added after the model pointing at it is
        // created: folding it back into Author's CreateModel is fine, but a
        // foreign key to a model created in between must not move before it.
        let ops = vec![
            Operation::CreateModel {
                model: model("Author"),
            },
            Operation::CreateModel {
                model: model("Book"),
            },
            add("Author", fk("favourite", "Book")),
        ];
        let folded = optimize("shelf", ops);
        assert_eq!(folded.len(), 2, "{:?}", describe(&folded));
        assert_eq!(fields_of(&folded[0]), ["id"], "Book comes first now");
        let Operation::CreateModel { model } = &folded[0] else {
            unreachable!()
        };
        assert_eq!(model.name, "Book");
        assert_eq!(fields_of(&folded[1]), ["id", "favourite"]);
    }

    #[test]
    fn independent_models_are_reached_across() {
        let ops = vec![
            Operation::CreateModel {
                model: model("Book"),
            },
            Operation::CreateModel {
                model: model("Shelf"),
            },
            add("Book", field("title")),
        ];
        let folded = optimize("shelf", ops);
        assert_eq!(folded.len(), 2);
        assert_eq!(fields_of(&folded[0]), ["id", "title"]);
    }

    #[test]
    fn a_one_off_default_survives_an_alter() {
        let mut added = field("title");
        added.default = Some(orm_core::schema::DefaultValue::Str("?".into()));
        let ops = vec![
            Operation::AddField {
                model: "Book".into(),
                field: added,
                preserve_default: false,
            },
            Operation::AlterField {
                model: "Book".into(),
                name: "title".into(),
                field: {
                    let mut f = field("title");
                    f.max_length = Some(80);
                    f
                },
                preserve_default: true,
            },
        ];
        let folded = optimize("shelf", ops);
        let [Operation::AddField {
            field,
            preserve_default,
            ..
        }] = folded.as_slice()
        else {
            panic!("{folded:?}")
        };
        assert_eq!(field.max_length, Some(80));
        assert!(field.default.is_some() && !preserve_default);
    }
}
