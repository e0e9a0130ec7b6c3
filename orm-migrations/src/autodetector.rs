//! Compares the state the migration files describe with the models the
//! program declares and lists the operations that take one to the other
//! (Django's `MigrationAutodetector`).

use std::collections::{BTreeMap, BTreeSet};

use orm_core::backend::schema_editor::effective_default;
use orm_core::schema::{DefaultValue, FieldSchema, ModelSchema, Str};

use crate::error::Error;
use crate::operation::Operation;
use crate::questioner::Questioner;
use crate::state::ProjectState;

/// The app label of the migrations' own bookkeeping table, never migrated.
pub const RECORDER_APP: &str = "migrations";

/// The operations each app needs, and which other apps they refer to.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// Operations per app label, in the order they must run.
    pub operations: BTreeMap<String, Vec<Operation>>,
    /// Other apps each app's new operations depend on (foreign-key targets).
    pub app_dependencies: BTreeMap<String, BTreeSet<String>>,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.operations.values().all(Vec::is_empty)
    }
}

/// Diffs `from` (replayed migrations) against `to` (the models' IR).
///
/// `now` is the one-off value given to new `auto_now`/`auto_now_add` columns
/// for rows that already exist.
pub fn detect_changes(
    from: &ProjectState,
    to: &ProjectState,
    questioner: &mut dyn Questioner,
    now: &str,
) -> Result<Changes, Error> {
    let mut working = from.clone();
    let mut changes = Changes::default();
    let mut apps: BTreeSet<String> = from.app_labels().into_iter().collect();
    apps.extend(to.app_labels());
    apps.remove(RECORDER_APP);
    for app in &apps {
        let mut detector = AppDetector {
            app,
            to,
            working: &mut working,
            questioner: &mut *questioner,
            operations: Vec::new(),
            dependencies: BTreeSet::new(),
            now,
        };
        detector.run()?;
        let AppDetector {
            operations,
            dependencies,
            ..
        } = detector;
        if !operations.is_empty() {
            changes.operations.insert(app.clone(), operations);
            changes.app_dependencies.insert(app.clone(), dependencies);
        }
    }
    Ok(changes)
}

struct AppDetector<'a> {
    app: &'a str,
    to: &'a ProjectState,
    working: &'a mut ProjectState,
    questioner: &'a mut dyn Questioner,
    operations: Vec<Operation>,
    dependencies: BTreeSet<String>,
    now: &'a str,
}

impl AppDetector<'_> {
    fn push(&mut self, operation: Operation) -> Result<(), Error> {
        self.working.apply(self.app, &operation)?;
        self.operations.push(operation);
        Ok(())
    }

    fn names(state: &ProjectState, app: &str) -> BTreeSet<String> {
        state
            .app_models(app)
            .map(|m| m.name.to_lowercase())
            .collect()
    }

    fn run(&mut self) -> Result<(), Error> {
        self.renamed_models()?;
        self.created_models()?;
        let kept: Vec<String> = Self::names(self.to, self.app)
            .intersection(&Self::names(self.working, self.app))
            .cloned()
            .collect();
        for name in &kept {
            self.changed_model(name)?;
        }
        self.deleted_models()
    }

    fn renamed_models(&mut self) -> Result<(), Error> {
        let before = Self::names(self.working, self.app);
        let after = Self::names(self.to, self.app);
        let removed: Vec<String> = before.difference(&after).cloned().collect();
        let added: Vec<String> = after.difference(&before).cloned().collect();
        for new_name in added {
            let Some(new) = self.to.get(self.app, &new_name).cloned() else {
                continue;
            };
            // Join models follow their holder (see `renamed_join_models`).
            if new.auto_created || self.working.get(self.app, &new_name).is_some() {
                continue;
            }
            for old_name in &removed {
                let Some(old) = self.working.get(self.app, old_name).cloned() else {
                    continue;
                };
                if old.auto_created || !same_fields(&old, &new) {
                    continue;
                }
                if self.questioner.ask_rename_model(&old, &new) {
                    self.push(Operation::RenameModel {
                        old_name: old.name.to_string(),
                        new_name: new.name.to_string(),
                    })?;
                    self.renamed_join_models(&old, &new)?;
                    break;
                }
            }
        }
        Ok(())
    }

    /// After `old` was renamed to `new`: renames the join model of each of
    /// its many-to-many fields to the name the derive now gives it, so the
    /// links are kept. Its table and the column pointing at the holder
    /// follow in `changed_model`.
    fn renamed_join_models(&mut self, old: &ModelSchema, new: &ModelSchema) -> Result<(), Error> {
        for field in old.many_to_many.iter() {
            let Some(now) = new.many_to_many.iter().find(|m| m.name == field.name) else {
                continue;
            };
            let (Some((old_app, old_through)), Some((new_app, new_through))) =
                (field.through.split_once('.'), now.through.split_once('.'))
            else {
                continue;
            };
            let movable = old_app == self.app
                && new_app == self.app
                && old_through != new_through
                && self.working.get(self.app, old_through).is_some()
                && self.working.get(self.app, new_through).is_none()
                && self.to.get(self.app, new_through).is_some();
            if movable {
                self.push(Operation::RenameModel {
                    old_name: old_through.to_owned(),
                    new_name: new_through.to_owned(),
                })?;
            }
        }
        Ok(())
    }

    fn created_models(&mut self) -> Result<(), Error> {
        let existing = Self::names(self.working, self.app);
        let mut pending: Vec<ModelSchema> = self
            .to
            .app_models(self.app)
            .filter(|m| !existing.contains(&m.name.to_lowercase()))
            .cloned()
            .collect();
        // Create referenced models first.
        while !pending.is_empty() {
            let ready = pending.iter().position(|model| {
                fk_targets(model).iter().all(|target| {
                    target == &model.label()
                        || !pending.iter().any(|other| other.label() == *target)
                })
            });
            let model = match ready {
                Some(index) => pending.remove(index),
                None => pending.remove(0),
            };
            self.note_dependencies(&model);
            self.push(Operation::CreateModel { model })?;
        }
        Ok(())
    }

    fn note_dependencies(&mut self, model: &ModelSchema) {
        for target in fk_targets(model) {
            if let Some((app, _)) = target.split_once('.') {
                if app != self.app {
                    self.dependencies.insert(app.to_owned());
                }
            }
        }
    }

    fn changed_model(&mut self, name: &str) -> Result<(), Error> {
        let (Some(old), Some(new)) = (
            self.working.get(self.app, name).cloned(),
            self.to.get(self.app, name).cloned(),
        ) else {
            return Ok(());
        };
        let model = new.name.to_string();
        if old.table != new.table {
            self.push(Operation::AlterModelTable {
                model: model.clone(),
                table: new.table.to_string(),
            })?;
        }
        self.renamed_fields(&model, &new)?;
        let current = self.current(&model)?;
        if current.auto_created && !same_field_names(&current, &new) {
            // A join model whose target changed without a rename: made anew,
            // as Django removes and adds the many-to-many field.
            self.push(Operation::DeleteModel {
                name: model.clone(),
            })?;
            self.note_dependencies(&new);
            return self.push(Operation::CreateModel { model: new });
        }
        for index in current.indexes.iter() {
            if !new
                .indexes
                .iter()
                .any(|i| i.name == index.name && i == index)
            {
                self.push(Operation::RemoveIndex {
                    model: model.clone(),
                    name: index.name.to_string(),
                })?;
            }
        }
        for check in current.checks.iter() {
            if !new.checks.contains(check) {
                self.push(Operation::RemoveConstraint {
                    model: model.clone(),
                    name: check.name.to_string(),
                })?;
            }
        }
        let current = self.current(&model)?;
        for field in current.fields.iter() {
            if new.field(&field.name).is_none() {
                self.push(Operation::RemoveField {
                    model: model.clone(),
                    name: field.name.to_string(),
                })?;
            }
        }
        for field in new.fields.iter() {
            let current = self.current(&model)?;
            match current.field(&field.name) {
                None => self.added_field(&new, field)?,
                Some(existing) if existing != field => {
                    let existing = existing.clone();
                    self.altered_field(&new, &existing, field)?;
                }
                Some(_) => {}
            }
        }
        let current = self.current(&model)?;
        for index in new.indexes.iter() {
            if !current.indexes.iter().any(|i| i == index) {
                self.push(Operation::AddIndex {
                    model: model.clone(),
                    index: index.clone(),
                })?;
            }
        }
        let current = self.current(&model)?;
        for check in new.checks.iter() {
            if !current.checks.contains(check) {
                self.push(Operation::AddConstraint {
                    model: model.clone(),
                    constraint: check.clone(),
                })?;
            }
        }
        let current = self.current(&model)?;
        if current.unique_together != new.unique_together {
            self.push(Operation::AlterUniqueTogether {
                model: model.clone(),
                unique_together: new
                    .unique_together
                    .iter()
                    .map(|group| group.iter().map(ToString::to_string).collect())
                    .collect(),
            })?;
        }
        let current = self.current(&model)?;
        if current.ordering != new.ordering
            || current.verbose_name != new.verbose_name
            || current.verbose_name_plural != new.verbose_name_plural
        {
            self.push(Operation::AlterModelOptions {
                model,
                ordering: new.ordering.iter().map(ToString::to_string).collect(),
                verbose_name: new.verbose_name.to_string(),
                verbose_name_plural: new.verbose_name_plural.to_string(),
            })?;
        }
        Ok(())
    }

    fn current(&self, model: &str) -> Result<ModelSchema, Error> {
        self.working
            .get(self.app, model)
            .cloned()
            .ok_or_else(|| Error::UnknownModel {
                app: self.app.to_owned(),
                model: model.to_owned(),
            })
    }

    fn renamed_fields(&mut self, model: &str, new: &ModelSchema) -> Result<(), Error> {
        let current = self.current(model)?;
        let removed: Vec<FieldSchema> = current
            .fields
            .iter()
            .filter(|f| new.field(&f.name).is_none())
            .cloned()
            .collect();
        let added: Vec<FieldSchema> = new
            .fields
            .iter()
            .filter(|f| current.field(&f.name).is_none())
            .cloned()
            .collect();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for new_field in &added {
            for old_field in &removed {
                if taken.contains(old_field.name.as_ref()) || !same_definition(old_field, new_field)
                {
                    continue;
                }
                // The derive names a join model's fields after the models
                // they point at: a match there is certain.
                if current.auto_created
                    || self
                        .questioner
                        .ask_rename_field(&current, old_field, new_field)
                {
                    taken.insert(old_field.name.to_string());
                    self.push(Operation::RenameField {
                        model: model.to_owned(),
                        old_name: old_field.name.to_string(),
                        new_name: new_field.name.to_string(),
                    })?;
                    let renamed = self.current(model)?;
                    if renamed.field(&new_field.name) != Some(new_field) {
                        self.push(Operation::AlterField {
                            model: model.to_owned(),
                            name: new_field.name.to_string(),
                            field: new_field.clone(),
                            preserve_default: true,
                        })?;
                    }
                    break;
                }
            }
        }
        Ok(())
    }

    fn added_field(&mut self, model: &ModelSchema, field: &FieldSchema) -> Result<(), Error> {
        self.note_field_dependency(field);
        let needs_value = !field.nullable && field.default.is_none() && !field.auto_increment;
        let (field, preserve_default) = if !needs_value {
            (field.clone(), true)
        } else {
            let one_off = if field.auto_now || field.auto_now_add {
                DefaultValue::Str(Str::from(self.now.to_owned()))
            } else {
                self.questioner.ask_not_null_default(model, field)?
            };
            let mut with_default = field.clone();
            with_default.default = Some(one_off);
            (with_default, false)
        };
        self.push(Operation::AddField {
            model: model.name.to_string(),
            field,
            preserve_default,
        })
    }

    /// `existing` becomes `field`. A field becoming NOT NULL without a
    /// default asks for a one-off value for the rows holding NULL; the
    /// migration carries it, and fills them before the column changes.
    fn altered_field(
        &mut self,
        model: &ModelSchema,
        existing: &FieldSchema,
        field: &FieldSchema,
    ) -> Result<(), Error> {
        self.note_field_dependency(field);
        let needs_value = existing.nullable
            && !field.nullable
            && !field.primary_key
            && effective_default(field).is_none();
        let (field, preserve_default) = if needs_value {
            let mut with_default = field.clone();
            with_default.default = Some(if field.auto_now || field.auto_now_add {
                DefaultValue::Str(Str::from(self.now.to_owned()))
            } else {
                self.questioner.ask_not_null_alteration(model, field)?
            });
            (with_default, false)
        } else {
            (field.clone(), true)
        };
        self.push(Operation::AlterField {
            model: model.name.to_string(),
            name: field.name.to_string(),
            field,
            preserve_default,
        })
    }

    fn note_field_dependency(&mut self, field: &FieldSchema) {
        if let Some(fk) = &field.foreign_key {
            if let Some((app, _)) = fk.to.split_once('.') {
                if app != self.app {
                    self.dependencies.insert(app.to_owned());
                }
            }
        }
    }

    fn deleted_models(&mut self) -> Result<(), Error> {
        let wanted = Self::names(self.to, self.app);
        let mut pending: Vec<ModelSchema> = self
            .working
            .app_models(self.app)
            .filter(|m| !wanted.contains(&m.name.to_lowercase()))
            .cloned()
            .collect();
        // Delete referencing models first.
        while !pending.is_empty() {
            let ready = pending.iter().position(|model| {
                let label = model.label();
                !pending
                    .iter()
                    .any(|other| other.label() != label && fk_targets(other).contains(&label))
            });
            let model = match ready {
                Some(index) => pending.remove(index),
                None => pending.remove(0),
            };
            self.push(Operation::DeleteModel {
                name: model.name.to_string(),
            })?;
        }
        Ok(())
    }
}

fn fk_targets(model: &ModelSchema) -> Vec<String> {
    model
        .fields
        .iter()
        .filter_map(|f| f.foreign_key.as_ref().map(|fk| fk.to.to_string()))
        .collect()
}

/// Two models with the same fields (a rename candidate).
fn same_fields(old: &ModelSchema, new: &ModelSchema) -> bool {
    old.fields.len() == new.fields.len()
        && old
            .fields
            .iter()
            .zip(new.fields.iter())
            .all(|(a, b)| a == b)
}

/// Two models whose fields have the same names.
fn same_field_names(old: &ModelSchema, new: &ModelSchema) -> bool {
    let names = |model: &ModelSchema| -> BTreeSet<String> {
        model.fields.iter().map(|f| f.name.to_string()).collect()
    };
    names(old) == names(new)
}

/// Two fields that differ only by name (and a column that follows the name).
fn same_definition(old: &FieldSchema, new: &FieldSchema) -> bool {
    let mut old = old.clone();
    old.name = new.name.clone();
    old.column = new.column.clone();
    old.verbose_name = new.verbose_name.clone();
    old == *new
}

/// A name for a migration from its operations, like Django's: `initial`,
/// `article_summary`, `delete_tag`, ..., or `auto_<timestamp>`.
pub fn suggest_name(operations: &[Operation], initial: bool, timestamp: &str) -> String {
    if initial {
        return "initial".to_owned();
    }
    let fragments: Vec<String> = operations.iter().map(fragment).collect();
    let joined = fragments.join("_");
    if !fragments.iter().any(String::is_empty) && !joined.is_empty() && joined.len() <= 52 {
        joined
    } else {
        format!("auto_{timestamp}")
    }
}

fn fragment(operation: &Operation) -> String {
    let lower = |s: &str| s.to_lowercase();
    match operation {
        Operation::CreateModel { model } => lower(&model.name),
        Operation::DeleteModel { name } => format!("delete_{}", lower(name)),
        Operation::AddField { model, field, .. } => format!("{}_{}", lower(model), field.name),
        Operation::RemoveField { model, name } => format!("remove_{}_{name}", lower(model)),
        Operation::AlterField { model, name, .. } => format!("alter_{}_{name}", lower(model)),
        Operation::RenameField {
            model,
            old_name,
            new_name,
        } => format!("rename_{old_name}_{}_{new_name}", lower(model)),
        Operation::RenameModel { old_name, new_name } => {
            format!("rename_{}_{}", lower(old_name), lower(new_name))
        }
        Operation::AlterModelTable { model, .. } => format!("alter_{}_table", lower(model)),
        Operation::AddIndex { model, .. } => format!("{}_index", lower(model)),
        Operation::RemoveIndex { model, .. } => format!("remove_{}_index", lower(model)),
        Operation::AddConstraint { model, constraint } => {
            format!("{}_{}", lower(model), constraint.name)
        }
        Operation::RemoveConstraint { model, name } => format!("remove_{}_{name}", lower(model)),
        Operation::AlterUniqueTogether { model, .. } => {
            format!("alter_{}_unique_together", lower(model))
        }
        Operation::AlterModelOptions { model, .. } => format!("alter_{}_options", lower(model)),
        Operation::RunSql { .. } | Operation::RunCode { .. } => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::questioner::{FixedAnswers, NonInteractiveQuestioner};
    use orm_core::prelude::*;
    use orm_core::schema::{FieldKind, IndexSchema};

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "shop", ordering = ["name"], indexes(["name"]))]
    struct Category {
        id: i64,
        #[field(max_length = 50)]
        name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "shop")]
    struct Product {
        id: i64,
        #[field(max_length = 100)]
        title: String,
        #[field(on_delete = Protect)]
        category: ForeignKey<Category>,
        price: i32,
    }

    /// Says yes to every rename and gives 0 as every default.
    fn say_yes() -> FixedAnswers {
        FixedAnswers { renames: true }
    }

    fn state(models: &[ModelSchema]) -> ProjectState {
        ProjectState::from_models(models.iter())
    }

    fn ops(from: &[ModelSchema], to: &[ModelSchema], q: &mut dyn Questioner) -> Vec<Operation> {
        let changes = detect_changes(&state(from), &state(to), q, "2026-01-01 00:00:00").unwrap();
        changes.operations.get("shop").cloned().unwrap_or_default()
    }

    fn replay(from: &[ModelSchema], operations: &[Operation]) -> ProjectState {
        let mut s = state(from);
        for op in operations {
            s.apply("shop", op).unwrap();
        }
        s
    }

    #[test]
    fn initial_creates_referenced_models_first() {
        let to = [Product::schema().clone(), Category::schema().clone()];
        let operations = ops(&[], &to, &mut NonInteractiveQuestioner);
        let names: Vec<String> = operations
            .iter()
            .map(|op| match op {
                Operation::CreateModel { model } => model.name.to_string(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(names, vec!["Category", "Product"]);
        assert_eq!(replay(&[], &operations), state(&to));
        assert_eq!(suggest_name(&operations, true, "x"), "initial");
    }

    #[test]
    fn no_changes_when_in_sync() {
        let all = [Category::schema().clone(), Product::schema().clone()];
        assert!(ops(&all, &all, &mut NonInteractiveQuestioner).is_empty());
    }

    #[test]
    fn added_removed_and_altered_fields() {
        let before = [Category::schema().clone(), Product::schema().clone()];
        let mut product = Product::schema().clone();
        let fields = product.fields.to_mut();
        fields.retain(|f| f.name != "price");
        let mut summary = FieldSchema::new("summary", "summary", FieldKind::Text);
        summary.nullable = true;
        fields.push(summary);
        fields[1].max_length = Some(150);
        let after = [Category::schema().clone(), product];
        let operations = ops(&before, &after, &mut NonInteractiveQuestioner);
        assert!(matches!(&operations[0], Operation::RemoveField { name, .. } if name == "price"));
        assert!(matches!(&operations[1], Operation::AlterField { name, .. } if name == "title"));
        assert!(
            matches!(&operations[2], Operation::AddField { field, preserve_default: true, .. } if field.name == "summary")
        );
        assert_eq!(replay(&before, &operations), state(&after));
    }

    #[test]
    fn not_null_without_default_needs_input() {
        let before = [Category::schema().clone()];
        let mut category = Category::schema().clone();
        category
            .fields
            .to_mut()
            .push(FieldSchema::new("rank", "rank", FieldKind::Integer));
        let after = [category];
        let err = detect_changes(
            &state(&before),
            &state(&after),
            &mut NonInteractiveQuestioner,
            "now",
        )
        .unwrap_err();
        assert!(err.to_string().contains("without a default"), "{err}");
        let operations = ops(&before, &after, &mut say_yes());
        match &operations[0] {
            Operation::AddField {
                field,
                preserve_default,
                ..
            } => {
                assert_eq!(field.default, Some(DefaultValue::Int(0)));
                assert!(!preserve_default);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(replay(&before, &operations), state(&after));
    }

    #[test]
    fn renames_are_asked_and_never_guessed() {
        let before = [Category::schema().clone(), Product::schema().clone()];
        let mut product = Product::schema().clone();
        let title = &mut product.fields.to_mut()[1];
        title.name = "name".into();
        title.column = "name".into();
        // As the derive names it: the verbose name follows the name, and
        // the rename carries it (no AlterField for it).
        title.verbose_name = "name".into();
        let after = [Category::schema().clone(), product];
        let yes = ops(&before, &after, &mut say_yes());
        assert!(
            matches!(&yes[0], Operation::RenameField { old_name, new_name, .. } if old_name == "title" && new_name == "name")
        );
        assert_eq!(yes.len(), 1);
        assert_eq!(replay(&before, &yes), state(&after));
        // Without input a rename is never guessed: the new non-null field
        // then needs a default, which --noinput refuses to invent.
        let no = detect_changes(
            &state(&before),
            &state(&after),
            &mut NonInteractiveQuestioner,
            "now",
        );
        assert!(matches!(no, Err(Error::NeedsInput(_))));

        let mut renamed = Category::schema().clone();
        renamed.name = "Kind".into();
        renamed.table = "shop_kind".into();
        let mut product = Product::schema().clone();
        let fk = product.fields.to_mut()[2].foreign_key.as_mut().unwrap();
        fk.to = "shop.Kind".into();
        fk.to_table = "shop_kind".into();
        let after = [renamed, product];
        let operations = ops(&before, &after, &mut say_yes());
        assert!(
            matches!(&operations[0], Operation::RenameModel { old_name, new_name } if old_name == "Category" && new_name == "Kind")
        );
        assert_eq!(replay(&before, &operations), state(&after));
    }

    #[test]
    fn indexes_unique_together_options_and_deletes() {
        let before = [Category::schema().clone(), Product::schema().clone()];
        let mut category = Category::schema().clone();
        category.indexes = vec![IndexSchema {
            name: "shop_category_name_desc".into(),
            fields: vec!["-name".into()].into(),
            unique: false,
            kind: orm_core::schema::IndexKind::Plain,
            condition: "".into(),
        }]
        .into();
        category.unique_together = vec![vec![Str::from("name")].into()].into();
        category.ordering = vec![Str::from("-name")].into();
        let after = [category];
        let operations = ops(&before, &after, &mut NonInteractiveQuestioner);
        let kinds: Vec<&str> = operations
            .iter()
            .map(|op| match op {
                Operation::RemoveIndex { .. } => "RemoveIndex",
                Operation::AddIndex { .. } => "AddIndex",
                Operation::AlterUniqueTogether { .. } => "AlterUniqueTogether",
                Operation::AlterModelOptions { .. } => "AlterModelOptions",
                Operation::DeleteModel { .. } => "DeleteModel",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "RemoveIndex",
                "AddIndex",
                "AlterUniqueTogether",
                "AlterModelOptions",
                "DeleteModel"
            ]
        );
        assert_eq!(replay(&before, &operations), state(&after));
    }

    #[test]
    fn names_follow_operations() {
        let add = Operation::AddField {
            model: "Article".into(),
            field: FieldSchema::new("summary", "summary", FieldKind::Text),
            preserve_default: true,
        };
        assert_eq!(suggest_name(&[add], false, "x"), "article_summary");
        let many = vec![Operation::RunSql {
            sql: "SELECT 1".into(),
            reverse_sql: None,
        }];
        assert_eq!(
            suggest_name(&many, false, "20260101_0000"),
            "auto_20260101_0000"
        );
    }
}
