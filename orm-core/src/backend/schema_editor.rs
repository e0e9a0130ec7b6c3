//! The schema editor: one schema change, as a migration operation describes
//! it, turned into SQL statements for SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! Every function takes the model's schema before (`old`) and/or after
//! (`new`) the change and returns statements, without trailing semicolons, to
//! run in order. Constraint and index names follow [`ddl`]'s rules and are
//! computed from the schemas, so a later change finds what an earlier one
//! created; when a column is renamed, the names derived from it are renamed
//! too.
//!
//! Columns keep no database default: the ORM supplies every value, as Django
//! does. A default only fills the rows that exist when a column is added or
//! made NOT NULL (SQLite keeps the default of a column it added with
//! `ALTER TABLE .. ADD COLUMN` until the table is next rebuilt). A NOT NULL
//! text field that may be blank and has no default fills with `''`, as in
//! Django.
//!
//! SQLite cannot alter a column or add and drop constraints. Those changes
//! rebuild the table, as Django does: create `new__{table}` with the new
//! schema, copy the rows, drop the old table, rename the new one and recreate
//! its indexes. Run a migration on SQLite as [`sqlite_prologue`] outside any
//! transaction, `BEGIN`, the statements, [`sqlite_foreign_key_check`] (which
//! must count 0), `COMMIT`, then [`sqlite_epilogue`].
//!
//! Changing which field is the primary key, or whether it auto-increments, is
//! not rendered: only its type and name follow.

use std::borrow::Cow;

use crate::backend::ddl::full_text;
use crate::backend::ddl::{self, quote_ident};
use crate::constraints::{IndexEntry, Predicate};
use crate::db::BackendKind;
use crate::schema::{
    CheckSchema, DefaultValue, FieldKind, FieldSchema, IndexKind, IndexSchema, ModelSchema,
};

/// Prefix of the table a SQLite rebuild creates before renaming it.
const REBUILD_PREFIX: &str = "new__";

/// The statements creating `new`'s table, with its foreign keys inline, then
/// its indexes.
pub fn create_model(new: &ModelSchema, backend: BackendKind) -> Vec<String> {
    let ddl = ddl::create_table(new, backend, true);
    std::iter::once(ddl.create_table)
        .chain(ddl.indexes)
        .chain(ddl.foreign_keys)
        .collect()
}

/// `DROP TABLE` for `old`'s table (its indexes and constraints go with it;
/// on SQLite, its full-text table is dropped first).
pub fn delete_model(old: &ModelSchema, backend: BackendKind) -> Vec<String> {
    let mut sql = Vec::new();
    if backend == BackendKind::Sqlite {
        if let Some(index) = old.full_text_index() {
            sql.extend(full_text::drop(old, index, backend));
        }
    }
    sql.push(ddl::drop_table(&old.table, backend));
    sql
}

/// Adds the column of `new`'s field `field` to a table shaped like `old`.
///
/// A NOT NULL field with a default is added with `DEFAULT <literal>`, so
/// existing rows get the value; PostgreSQL and MySQL then drop the default.
/// A nullable field is added plain (existing rows hold NULL). The field's
/// unique constraint, index and foreign key follow, in that order. On SQLite
/// a column without a constraint that is nullable or has a default is added
/// with `ALTER TABLE .. ADD COLUMN`; anything else rebuilds the table.
///
/// Empty when `new` has no field `field`.
pub fn add_field(
    old: &ModelSchema,
    new: &ModelSchema,
    field: &str,
    backend: BackendKind,
) -> Vec<String> {
    let Some(added) = new.field(field) else {
        return Vec::new();
    };
    let changes = plan(
        Vec::new(),
        objects_on(new, backend, &added.column),
        None,
        false,
    );
    let default = if added.nullable {
        None
    } else {
        effective_default(added)
    };
    if backend == BackendKind::Sqlite
        && (added.primary_key
            || (!added.nullable && default.is_none())
            || changes.needs_sqlite_rebuild())
    {
        return rebuild(old, new, None);
    }
    let table = new.table.as_ref();
    let mut sql = vec![add_column(table, added, default.as_ref(), backend)];
    if default.is_some() && backend != BackendKind::Sqlite {
        sql.push(format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
            quote_ident(table, backend),
            quote_ident(&added.column, backend)
        ));
    }
    sql.extend(changes.create_sql());
    sql
}

/// Drops the column of `old`'s field `field`; `new` is the model without it.
///
/// PostgreSQL drops the foreign key first (running its pending checks), then
/// `DROP COLUMN .. CASCADE`, which takes the column's constraints and indexes
/// with it. MySQL drops the foreign key, then every index and unique
/// constraint on the column, then the column. SQLite rebuilds the table.
///
/// Empty when `old` has no field `field`.
pub fn remove_field(
    old: &ModelSchema,
    new: &ModelSchema,
    field: &str,
    backend: BackendKind,
) -> Vec<String> {
    let Some(removed) = old.field(field) else {
        return Vec::new();
    };
    let table = old.table.as_ref();
    let on_column = objects_on(old, backend, &removed.column);
    let (dropped, cascade): (Vec<Object>, &str) = match backend {
        BackendKind::Sqlite => return rebuild(old, new, None),
        BackendKind::Postgres => (
            on_column
                .into_iter()
                .filter(|object| object.kind == Kind::ForeignKey)
                .collect(),
            " CASCADE",
        ),
        BackendKind::Mysql => (on_column, ""),
    };
    let changes = plan(dropped, Vec::new(), None, false);
    let mut sql = changes.drop_sql(table, backend);
    sql.push(format!(
        "ALTER TABLE {} DROP COLUMN {}{cascade}",
        quote_ident(table, backend),
        quote_ident(&removed.column, backend)
    ));
    sql
}

/// Changes the column of the field `field` from its `old` to its `new`
/// definition: type, nullability, column name, unique constraint, index and
/// foreign key.
///
/// - PostgreSQL: drops the constraints and indexes that change, renames the
///   column, `ALTER COLUMN .. TYPE .. USING col::type`, `SET`/`DROP NOT
///   NULL`, then adds the new constraints and indexes.
/// - MySQL: the same, with `MODIFY COLUMN <full definition>` for type and
///   nullability; a foreign key on the column is dropped before and added
///   again after.
/// - SQLite: a rename of the column alone is `RENAME COLUMN`; any other
///   change rebuilds the table.
///
/// Going from NULL to NOT NULL with a default first sets the NULLs to the
/// default (`UPDATE .. WHERE col IS NULL`; the rebuild copies with
/// `coalesce`). Changes the database does not see (labels, choices, the
/// default alone) give no statement. Empty when either schema lacks the field.
pub fn alter_field(
    old: &ModelSchema,
    new: &ModelSchema,
    field: &str,
    backend: BackendKind,
) -> Vec<String> {
    let (Some(before), Some(after)) = (old.field(field), new.field(field)) else {
        return Vec::new();
    };
    let renamed = before.column != after.column;
    let column_rename = renamed.then_some((before.column.as_ref(), after.column.as_ref()));
    let objects_before = objects_on(old, backend, &before.column);
    let objects_after = objects_on(new, backend, &after.column);
    let changes = plan(
        objects_before.clone(),
        objects_after.clone(),
        column_rename,
        false,
    );
    let type_changed = ddl::column_type(before, backend) != ddl::column_type(after, backend);
    let null_changed = before.nullable != after.nullable;
    let key_changed =
        before.primary_key != after.primary_key || before.auto_increment != after.auto_increment;
    let definition_changed = type_changed || null_changed || key_changed;
    if !renamed && !definition_changed && changes.is_empty() {
        return Vec::new();
    }

    let table = new.table.as_ref();
    let fill = if before.nullable && !after.nullable {
        effective_default(after)
    } else {
        None
    };
    match backend {
        BackendKind::Sqlite => {
            if definition_changed || changes.needs_sqlite_rebuild() {
                return rebuild(old, new, None);
            }
            let mut sql = Vec::new();
            if let Some((from, to)) = column_rename {
                sql.push(rename_column(table, from, to, backend));
            }
            sql.extend(changes.rename_sql(table, backend));
            sql.extend(changes.drop_sql(table, backend));
            sql.extend(changes.create_sql());
            sql
        }
        BackendKind::Postgres => {
            let mut sql = changes.drop_sql(table, backend);
            if let Some((from, to)) = column_rename {
                sql.push(rename_column(table, from, to, backend));
            }
            sql.extend(changes.rename_sql(table, backend));
            let column = quote_ident(&after.column, backend);
            let alter = format!(
                "ALTER TABLE {} ALTER COLUMN {column}",
                quote_ident(table, backend)
            );
            if type_changed {
                let new_type = ddl::column_type(after, backend);
                sql.push(format!(
                    "{alter} TYPE {new_type} USING {column}::{new_type}"
                ));
            }
            if before.nullable && !after.nullable {
                if let Some(default) = &fill {
                    sql.push(fill_nulls(table, after, default, backend));
                    sql.push("SET CONSTRAINTS ALL IMMEDIATE".to_owned());
                }
                sql.push(format!("{alter} SET NOT NULL"));
            } else if !before.nullable && after.nullable {
                sql.push(format!("{alter} DROP NOT NULL"));
            }
            sql.extend(changes.create_sql());
            sql
        }
        BackendKind::Mysql => {
            // MySQL refuses to change a column a foreign key uses: drop the
            // key before and add it again after.
            let changes = plan(objects_before, objects_after, column_rename, true);
            let mut sql = changes.drop_sql(table, backend);
            if let Some((from, to)) = column_rename {
                sql.push(rename_column(table, from, to, backend));
            }
            sql.extend(changes.rename_sql(table, backend));
            if let Some(default) = &fill {
                sql.push(fill_nulls(table, after, default, backend));
            }
            if definition_changed {
                sql.push(format!(
                    "ALTER TABLE {} MODIFY COLUMN {}",
                    quote_ident(table, backend),
                    ddl::column_definition_without_key(after, backend)
                ));
            }
            sql.extend(changes.create_sql());
            sql
        }
    }
}

/// Renames the field `old_name` of `old` to `new_name` of `new`.
///
/// When the column name changes: `ALTER TABLE t RENAME COLUMN a TO b` on all
/// three backends (MariaDB 10.5+), and the unique constraints, indexes and
/// foreign keys whose names derive from the column get their new names
/// (PostgreSQL renames them; MySQL renames indexes and drops and re-adds the
/// foreign key; SQLite recreates the indexes). When only the Rust name
/// changes, no SQL. Empty when either field is missing.
pub fn rename_field(
    old: &ModelSchema,
    new: &ModelSchema,
    old_name: &str,
    new_name: &str,
    backend: BackendKind,
) -> Vec<String> {
    let (Some(before), Some(after)) = (old.field(old_name), new.field(new_name)) else {
        return Vec::new();
    };
    if before.column == after.column {
        return Vec::new();
    }
    let changes = plan(
        objects_on(old, backend, &before.column),
        objects_on(new, backend, &after.column),
        Some((&before.column, &after.column)),
        backend == BackendKind::Mysql,
    );
    if backend == BackendKind::Sqlite && changes.needs_sqlite_rebuild() {
        return rebuild(old, new, Some((old_name, new_name)));
    }
    let table = new.table.as_ref();
    let mut sql = changes.drop_sql(&old.table, backend);
    sql.push(rename_column(table, &before.column, &after.column, backend));
    sql.extend(changes.rename_sql(table, backend));
    sql.extend(changes.create_sql());
    sql
}

/// Renames a table: `ALTER TABLE a RENAME TO b` on PostgreSQL and SQLite,
/// `RENAME TABLE a TO b` on MySQL. Foreign keys pointing at the table follow
/// it. Constraint and index names keep the old table's prefix; see
/// [`rename_model`] to rename them as well.
pub fn rename_table(old_table: &str, new_table: &str, backend: BackendKind) -> Vec<String> {
    let (from, to) = (
        quote_ident(old_table, backend),
        quote_ident(new_table, backend),
    );
    vec![match backend {
        BackendKind::Mysql => format!("RENAME TABLE {from} TO {to}"),
        BackendKind::Sqlite | BackendKind::Postgres => format!("ALTER TABLE {from} RENAME TO {to}"),
    }]
}

/// Renames `old`'s table to `new`'s, like [`rename_table`], and gives the
/// model's unique constraints, indexes and foreign keys the names derived
/// from the new table, so that later changes find them. On SQLite only the
/// indexes are renamed (recreated); constraint names there are only text in
/// the table's definition.
///
/// Foreign keys of other tables pointing here keep names ending in the old
/// table; [`alter_field`] on those fields, with the new target table, renames
/// them.
pub fn rename_model(old: &ModelSchema, new: &ModelSchema, backend: BackendKind) -> Vec<String> {
    if old.table == new.table {
        return Vec::new();
    }
    let keep = |objects: Vec<Object>| -> Vec<Object> {
        objects
            .into_iter()
            .filter(|object| {
                backend != BackendKind::Sqlite
                    || matches!(object.kind, Kind::Index | Kind::FullText)
            })
            .collect()
    };
    let changes = plan(
        keep(objects(old, backend)),
        keep(objects(new, backend)),
        None,
        backend == BackendKind::Mysql,
    );
    let mut sql = changes.drop_sql(&old.table, backend);
    sql.extend(rename_table(&old.table, &new.table, backend));
    sql.extend(changes.rename_sql(&new.table, backend));
    sql.extend(changes.create_sql());
    sql
}

/// Gives the foreign keys of a model whose target table was renamed (from
/// `old`, the model pointing at the old table, to `new`, the same model
/// pointing at the new one) the names derived from the new target:
/// PostgreSQL renames the constraint, MySQL drops it and adds it again
/// (it cannot rename one), SQLite needs nothing (the name is only text in
/// the table's definition, and the reference follows the table).
///
/// Run it after the target table is renamed.
pub fn rename_foreign_keys(
    old: &ModelSchema,
    new: &ModelSchema,
    backend: BackendKind,
) -> Vec<String> {
    let foreign_keys = |schema: &ModelSchema| -> Vec<Object> {
        objects(schema, backend)
            .into_iter()
            .filter(|object| object.kind == Kind::ForeignKey)
            .collect()
    };
    let after = foreign_keys(new);
    let mut sql = Vec::new();
    for before in foreign_keys(old) {
        let Some(now) = after.iter().find(|a| a.columns == before.columns) else {
            continue;
        };
        if now.name == before.name {
            continue;
        }
        match backend {
            BackendKind::Sqlite => {}
            BackendKind::Postgres => sql.push(format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                quote_ident(&new.table, backend),
                quote_ident(&before.name, backend),
                quote_ident(&now.name, backend)
            )),
            BackendKind::Mysql => {
                sql.extend(before.drop_sql(&old.table, backend));
                sql.extend(now.create.clone().unwrap_or_default());
            }
        }
    }
    sql
}

/// `CREATE [UNIQUE] INDEX` for one of `new`'s declared indexes.
pub fn add_index(new: &ModelSchema, index: &IndexSchema, backend: BackendKind) -> Vec<String> {
    ddl::index_statements(index, new, backend)
}

/// `DROP INDEX` for one of `old`'s declared indexes.
pub fn remove_index(old: &ModelSchema, index: &IndexSchema, backend: BackendKind) -> Vec<String> {
    match index.kind {
        IndexKind::Plain if ddl::constraints::is_special(index) => {
            ddl::constraints::drop(old, index, backend)
        }
        IndexKind::Plain => vec![ddl::drop_index(
            &old.table,
            &ddl::index_name(old, index),
            backend,
        )],
        IndexKind::FullText => full_text::drop(old, index, backend),
    }
}

/// Adds the check constraint `check` of `new` to a table shaped like `old`:
/// `ALTER TABLE .. ADD CONSTRAINT .. CHECK` (the rows already there must
/// meet it); SQLite rebuilds the table, its copy refused by a row that
/// does not meet it.
pub fn add_check(
    old: &ModelSchema,
    new: &ModelSchema,
    check: &CheckSchema,
    backend: BackendKind,
) -> Vec<String> {
    match ddl::constraints::add_check(new, check, backend) {
        Some(sql) => vec![sql],
        None => rebuild(old, new, None),
    }
}

/// Drops the check constraint `name` of `old`, going to `new`; SQLite
/// rebuilds the table.
pub fn remove_check(
    old: &ModelSchema,
    new: &ModelSchema,
    name: &str,
    backend: BackendKind,
) -> Vec<String> {
    match ddl::constraints::drop_check(&old.table, name, backend) {
        Some(sql) => vec![sql],
        None => rebuild(old, new, None),
    }
}

/// Replaces `old`'s unique-together constraints by `new`'s: drops the groups
/// that went away, adds the new ones (SQLite: rebuilds the table). Empty when
/// the groups are the same.
pub fn alter_unique_together(
    old: &ModelSchema,
    new: &ModelSchema,
    backend: BackendKind,
) -> Vec<String> {
    let together = |schema: &ModelSchema| -> Vec<Object> {
        objects(schema, backend)
            .into_iter()
            .filter(|object| object.together)
            .collect()
    };
    let changes = plan(together(old), together(new), None, false);
    if changes.is_empty() {
        return Vec::new();
    }
    if backend == BackendKind::Sqlite {
        return rebuild(old, new, None);
    }
    let mut sql = changes.drop_sql(&old.table, backend);
    sql.extend(changes.rename_sql(&new.table, backend));
    sql.extend(changes.create_sql());
    sql
}

/// `value` as an SQL literal for `field`'s column on `backend`.
///
/// Strings are quoted with `'` doubled (and `\` doubled on MySQL, where it
/// escapes); booleans are `1`/`0` on SQLite and `TRUE`/`FALSE` elsewhere;
/// numbers are written bare; binary fields take the string's bytes in hex.
/// A value of another kind than the field's is converted: a number for a
/// text field is quoted, a numeric string for a number field is bare.
pub fn literal(value: &DefaultValue, field: &FieldSchema, backend: BackendKind) -> String {
    match field.kind {
        FieldKind::Bool => match truth(value) {
            Some(truth) => bool_literal(truth, backend),
            None => string_literal(&text_of(value), backend),
        },
        kind if kind.is_numeric() => number_literal(value, backend),
        FieldKind::Binary => binary_literal(text_of(value).as_bytes(), backend),
        _ => string_literal(&text_of(value), backend),
    }
}

/// Whether statements run in one transaction can be rolled back (false on
/// MySQL, where each DDL statement commits).
pub fn transactional_ddl(backend: BackendKind) -> bool {
    match backend {
        BackendKind::Sqlite | BackendKind::Postgres => true,
        BackendKind::Mysql => false,
    }
}

/// SQLite: run before the migration's transaction. Foreign keys are off so
/// that a table rebuild can drop a table other rows point at; the pragma has
/// no effect inside a transaction.
pub fn sqlite_prologue() -> &'static str {
    "PRAGMA foreign_keys = OFF"
}

/// SQLite: run after the migration's transaction ends, to turn foreign keys
/// back on.
pub fn sqlite_epilogue() -> &'static str {
    "PRAGMA foreign_keys = ON"
}

/// SQLite: run before commit. A query returning one row whose column `n`
/// counts the rows that point at missing rows (`PRAGMA foreign_key_check`);
/// anything but 0 means the migration must roll back.
pub fn sqlite_foreign_key_check() -> &'static str {
    "SELECT count(*) AS n FROM pragma_foreign_key_check"
}

/// What a constraint or index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A unique constraint.
    Unique,
    /// An index (unique or not).
    Index,
    /// A foreign-key constraint.
    ForeignKey,
    /// The model's full-text index (on SQLite, a table and its triggers).
    FullText,
    /// A check constraint.
    Check,
}

/// One named constraint or index of a table, as the schema implies it.
#[derive(Debug, Clone)]
struct Object {
    kind: Kind,
    name: String,
    /// The columns it covers, in order.
    columns: Vec<String>,
    /// The rest of what it is: an index's uniqueness and order, a foreign
    /// key's target.
    detail: String,
    /// The statements adding it to an existing table; `None` on SQLite for
    /// a unique constraint or a foreign key, which only a rebuild can add.
    create: Option<Vec<String>>,
    /// A unique-together constraint.
    together: bool,
    /// The statements dropping it, when more than its kind's usual one
    /// (an index with MariaDB's generated columns).
    drop: Option<Vec<String>>,
    /// Whether a column it covers cannot be renamed under it: it is made
    /// anew (a full-text table names its columns, a condition or an
    /// expression reads them).
    remade_on_rename: bool,
}

impl Object {
    /// Whether `self` and `other` are the same thing once the columns of
    /// `self` are renamed by `rename`, whatever their names.
    fn same_shape(&self, other: &Object, rename: Option<(&str, &str)>) -> bool {
        let renamed = |column: &String| -> String {
            match rename {
                Some((from, to)) if column == from => to.to_owned(),
                _ => column.clone(),
            }
        };
        // SQLite's full-text table names its columns, a condition reads
        // them: one of them renamed, the object is made anew.
        let covers_renamed = self.remade_on_rename
            && rename.is_some_and(|(from, _)| self.columns.iter().any(|c| c == from));
        !covers_renamed
            && self.kind == other.kind
            && self.detail == other.detail
            && self
                .columns
                .iter()
                .map(renamed)
                .eq(other.columns.iter().cloned())
    }

    /// The statements dropping it from `table`.
    fn drop_sql(&self, table: &str, backend: BackendKind) -> Vec<String> {
        if let Some(sql) = &self.drop {
            return sql.clone();
        }
        match self.kind {
            Kind::Unique => vec![ddl::drop_unique_constraint(table, &self.name, backend)],
            Kind::Index => vec![ddl::drop_index(table, &self.name, backend)],
            Kind::ForeignKey => ddl::drop_foreign_key(table, &self.name, backend),
            Kind::FullText => full_text::drop_named(table, &self.name, backend),
            Kind::Check => ddl::constraints::drop_check(table, &self.name, backend)
                .into_iter()
                .collect(),
        }
    }

    /// The statements giving it `new`'s name, on `table`.
    fn rename_sql(&self, new: &Object, table: &str, backend: BackendKind) -> Vec<String> {
        let (from, to) = (
            quote_ident(&self.name, backend),
            quote_ident(&new.name, backend),
        );
        let table_sql = quote_ident(table, backend);
        match (backend, self.kind) {
            (BackendKind::Postgres, Kind::Unique | Kind::ForeignKey) => {
                vec![format!(
                    "ALTER TABLE {table_sql} RENAME CONSTRAINT {from} TO {to}"
                )]
            }
            (BackendKind::Postgres, Kind::Index) => {
                vec![format!("ALTER INDEX {from} RENAME TO {to}")]
            }
            (BackendKind::Mysql, Kind::Index) if self.drop.is_some() => {
                let mut sql = self.drop_sql(table, backend);
                sql.extend(new.create.clone().unwrap_or_default());
                sql
            }
            (BackendKind::Mysql, Kind::Unique | Kind::Index) => {
                vec![format!(
                    "ALTER TABLE {table_sql} RENAME INDEX {from} TO {to}"
                )]
            }
            // Not planned (foreign keys are re-created on MySQL); kept total.
            // A full-text index is made anew: SQLite's table names the table
            // it indexes. So is an index with generated columns named after
            // it, and a check constraint (MariaDB cannot rename one).
            (BackendKind::Mysql, Kind::ForeignKey)
            | (BackendKind::Sqlite, Kind::Index)
            | (_, Kind::FullText | Kind::Check) => {
                let mut sql = self.drop_sql(table, backend);
                sql.extend(new.create.clone().unwrap_or_default());
                sql
            }
            // The name is only text in the table's definition.
            (BackendKind::Sqlite, Kind::Unique | Kind::ForeignKey) => Vec::new(),
        }
    }
}

/// The constraints and indexes `schema` implies: unique fields, unique
/// together groups, field indexes, declared indexes, foreign keys.
fn objects(schema: &ModelSchema, backend: BackendKind) -> Vec<Object> {
    let table = schema.table.as_ref();
    let mut objects = Vec::new();
    for field in schema.fields.iter().filter(|f| f.unique && !f.primary_key) {
        let name = ddl::unique_constraint_name(table, &field.column);
        objects.push(unique_object(
            table,
            name,
            vec![field.column.to_string()],
            false,
            backend,
        ));
    }
    for group in schema.unique_together.iter().filter(|g| !g.is_empty()) {
        let columns: Vec<&str> = group
            .iter()
            .map(|name| ddl::column_of(schema, name))
            .collect();
        let name = ddl::unique_together_name(table, &columns);
        let columns = columns.into_iter().map(str::to_owned).collect();
        objects.push(unique_object(table, name, columns, true, backend));
    }
    for field in schema.fields.iter().filter(|f| ddl::needs_field_index(f)) {
        objects.push(Object {
            kind: Kind::Index,
            name: ddl::field_index_name(table, &field.column),
            columns: vec![field.column.to_string()],
            detail: index_detail(false, [false]),
            create: Some(vec![ddl::field_index(table, field, backend)]),
            together: false,
            drop: None,
            remade_on_rename: false,
        });
    }
    for index in schema.indexes.iter() {
        let mut columns: Vec<String> = index
            .fields
            .iter()
            .map(|entry| ddl::column_of(schema, IndexEntry::field_of(entry)).to_owned())
            .collect();
        let special = ddl::constraints::is_special(index);
        columns.extend(condition_columns(schema, &index.condition));
        let descending = index
            .fields
            .iter()
            .map(|entry| IndexEntry::parse(entry).is_ok_and(|e| e.descending));
        let (kind, detail) = match index.kind {
            IndexKind::Plain => {
                let mut detail = index_detail(index.unique, descending);
                if special {
                    detail = format!("{detail}:{}:{}", index.fields.join(","), index.condition);
                }
                (Kind::Index, detail)
            }
            IndexKind::FullText => (Kind::FullText, "full_text".to_owned()),
        };
        objects.push(Object {
            kind,
            name: ddl::index_name(schema, index),
            columns,
            detail,
            create: Some(ddl::index_statements(index, schema, backend)),
            together: false,
            drop: special.then(|| ddl::constraints::drop(schema, index, backend)),
            remade_on_rename: special || kind == Kind::FullText,
        });
    }
    for check in schema.checks.iter() {
        objects.push(Object {
            kind: Kind::Check,
            name: check.name.to_string(),
            columns: condition_columns(schema, &check.check),
            detail: check.check.to_string(),
            create: ddl::constraints::add_check(schema, check, backend).map(|sql| vec![sql]),
            together: false,
            drop: None,
            remade_on_rename: true,
        });
    }
    for field in schema.fields.iter() {
        let Some(target) = &field.foreign_key else {
            continue;
        };
        objects.push(Object {
            kind: Kind::ForeignKey,
            name: ddl::foreign_key_name(table, &field.column, &target.to_table),
            columns: vec![field.column.to_string()],
            detail: format!("{}.{}", target.to_table, target.to_column),
            create: ddl::add_foreign_key(table, field, backend).map(|sql| vec![sql]),
            together: false,
            drop: None,
            remade_on_rename: false,
        });
    }
    objects
}

/// The objects of `schema` that cover `column`.
fn objects_on(schema: &ModelSchema, backend: BackendKind, column: &str) -> Vec<Object> {
    objects(schema, backend)
        .into_iter()
        .filter(|object| object.columns.iter().any(|c| c == column))
        .collect()
}

/// A unique constraint object.
fn unique_object(
    table: &str,
    name: String,
    columns: Vec<String>,
    together: bool,
    backend: BackendKind,
) -> Object {
    let create = match backend {
        BackendKind::Sqlite => None,
        BackendKind::Postgres | BackendKind::Mysql => {
            let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
            Some(vec![ddl::add_unique_constraint(
                table, &name, &columns, backend,
            )])
        }
    };
    Object {
        kind: Kind::Unique,
        name,
        columns,
        detail: String::new(),
        create,
        together,
        drop: None,
        remade_on_rename: false,
    }
}

/// The columns a condition reads (none when it does not parse).
fn condition_columns(schema: &ModelSchema, condition: &str) -> Vec<String> {
    if condition.is_empty() {
        return Vec::new();
    }
    Predicate::parse(condition)
        .map(|predicate| {
            predicate
                .fields()
                .into_iter()
                .map(|name| ddl::column_of(schema, name).to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// What tells two indexes on the same columns apart.
fn index_detail(unique: bool, descending: impl IntoIterator<Item = bool>) -> String {
    let order: Vec<&str> = descending
        .into_iter()
        .map(|desc| if desc { "desc" } else { "asc" })
        .collect();
    format!(
        "{}:{}",
        if unique { "unique" } else { "index" },
        order.join(",")
    )
}

/// What to do to go from one set of objects to another.
#[derive(Debug, Default)]
struct Plan {
    /// Objects to drop, foreign keys first.
    drop: Vec<Object>,
    /// Objects that stay but change name: (before, after).
    rename: Vec<(Object, Object)>,
    /// Objects to add, foreign keys last.
    create: Vec<Object>,
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.drop.is_empty() && self.rename.is_empty() && self.create.is_empty()
    }

    /// Whether SQLite must rebuild the table: it can add and drop indexes
    /// only.
    fn needs_sqlite_rebuild(&self) -> bool {
        self.drop
            .iter()
            .any(|object| !matches!(object.kind, Kind::Index | Kind::FullText))
            || self.create.iter().any(|object| object.create.is_none())
    }

    fn drop_sql(&self, table: &str, backend: BackendKind) -> Vec<String> {
        self.drop
            .iter()
            .flat_map(|object| object.drop_sql(table, backend))
            .collect()
    }

    fn rename_sql(&self, table: &str, backend: BackendKind) -> Vec<String> {
        self.rename
            .iter()
            .flat_map(|(before, after)| before.rename_sql(after, table, backend))
            .collect()
    }

    fn create_sql(&self) -> Vec<String> {
        self.create
            .iter()
            .filter_map(|object| object.create.clone())
            .flatten()
            .collect()
    }
}

/// Matches `before` with `after`: an object with the same name and shape is
/// kept, one with the same shape under another name is renamed, the rest are
/// dropped or created. `column_rename` maps a renamed column. With
/// `recreate_foreign_keys`, foreign keys are always dropped and added again.
fn plan(
    before: Vec<Object>,
    after: Vec<Object>,
    column_rename: Option<(&str, &str)>,
    recreate_foreign_keys: bool,
) -> Plan {
    let mut plan = Plan::default();
    let mut unmatched: Vec<Option<Object>> = after.into_iter().map(Some).collect();
    let recreated = |object: &Object| recreate_foreign_keys && object.kind == Kind::ForeignKey;
    let mut left = Vec::new();
    for old in before {
        if recreated(&old) {
            plan.drop.push(old);
            continue;
        }
        let kept = unmatched.iter_mut().find(|slot| {
            slot.as_ref()
                .is_some_and(|new| new.name == old.name && old.same_shape(new, column_rename))
        });
        match kept {
            Some(slot) => *slot = None,
            None => left.push(old),
        }
    }
    for old in left {
        let renamed = unmatched.iter_mut().find(|slot| {
            slot.as_ref()
                .is_some_and(|new| !recreated(new) && old.same_shape(new, column_rename))
        });
        match renamed.and_then(Option::take) {
            Some(new) => plan.rename.push((old, new)),
            None => plan.drop.push(old),
        }
    }
    plan.create = unmatched.into_iter().flatten().collect();
    // Foreign keys go first and come back last: MySQL cannot drop an index
    // a foreign key uses, and needs the index before the key.
    plan.drop
        .sort_by_key(|object| object.kind != Kind::ForeignKey);
    plan.create
        .sort_by_key(|object| object.kind == Kind::ForeignKey);
    plan
}

/// SQLite's table rebuild: the new table under a temporary name, the rows
/// copied, the old table dropped, the new one renamed and its indexes made.
///
/// Columns are matched by field name (`renamed` maps one old field name to
/// its new one). A column new to the table takes the field's default when it
/// is NOT NULL; a column becoming NOT NULL takes `coalesce(col, default)`.
fn rebuild(old: &ModelSchema, new: &ModelSchema, renamed: Option<(&str, &str)>) -> Vec<String> {
    let backend = BackendKind::Sqlite;
    let temporary = format!("{REBUILD_PREFIX}{}", new.table);
    let mut sql = vec![ddl::create_table_as(new, backend, &temporary)];
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for field in new.fields.iter() {
        let source = match renamed {
            Some((from, to)) if field.name == to => from,
            _ => field.name.as_ref(),
        };
        let default = effective_default(field);
        let value = match (old.field(source), default) {
            (Some(before), Some(default)) if before.nullable && !field.nullable => format!(
                "coalesce({}, {})",
                quote_ident(&before.column, backend),
                literal(&default, field, backend)
            ),
            (Some(before), _) => quote_ident(&before.column, backend),
            (None, Some(default)) if !field.nullable => literal(&default, field, backend),
            (None, _) => continue,
        };
        columns.push(quote_ident(&field.column, backend));
        values.push(value);
    }
    if !columns.is_empty() {
        sql.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            quote_ident(&temporary, backend),
            columns.join(", "),
            values.join(", "),
            quote_ident(&old.table, backend)
        ));
    }
    sql.push(ddl::drop_table(&old.table, backend));
    sql.extend(rename_table(&temporary, &new.table, backend));
    sql.extend(ddl::table_indexes(new, backend));
    sql
}

/// The value that fills existing rows when a column is added or made NOT
/// NULL: the field's default, or `''` for a NOT NULL text field that may be
/// blank (as Django does). `None` when existing rows would have no value.
pub fn effective_default(field: &FieldSchema) -> Option<DefaultValue> {
    field.default.clone().or_else(|| {
        (!field.nullable && field.blank && field.kind.is_text())
            .then_some(DefaultValue::Str(Cow::Borrowed("")))
    })
}

/// `ALTER TABLE .. ADD COLUMN`, with `DEFAULT <literal>` when given.
fn add_column(
    table: &str,
    field: &FieldSchema,
    default: Option<&DefaultValue>,
    backend: BackendKind,
) -> String {
    let mut definition = ddl::column_definition(field, backend);
    if let Some(default) = default {
        let value = literal(default, field, backend);
        // MySQL takes a default on TEXT, BLOB and JSON only as an expression.
        let expression_only = backend == BackendKind::Mysql
            && matches!(
                field.kind,
                FieldKind::Text | FieldKind::Json | FieldKind::Binary
            );
        if expression_only {
            definition.push_str(&format!(" DEFAULT ({value})"));
        } else {
            definition.push_str(&format!(" DEFAULT {value}"));
        }
    }
    format!(
        "ALTER TABLE {} ADD COLUMN {definition}",
        quote_ident(table, backend)
    )
}

/// `ALTER TABLE .. RENAME COLUMN`.
fn rename_column(table: &str, from: &str, to: &str, backend: BackendKind) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        quote_ident(table, backend),
        quote_ident(from, backend),
        quote_ident(to, backend)
    )
}

/// Sets the NULLs of `field`'s column to `default`.
fn fill_nulls(
    table: &str,
    field: &FieldSchema,
    default: &DefaultValue,
    backend: BackendKind,
) -> String {
    let column = quote_ident(&field.column, backend);
    format!(
        "UPDATE {} SET {column} = {} WHERE {column} IS NULL",
        quote_ident(table, backend),
        literal(default, field, backend)
    )
}

/// `value` read as a boolean, when it reads as one.
fn truth(value: &DefaultValue) -> Option<bool> {
    match value {
        DefaultValue::Bool(value) => Some(*value),
        DefaultValue::Int(value) => Some(*value != 0),
        DefaultValue::Float(value) => Some(*value != 0.0),
        DefaultValue::Str(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "on" | "1" => Some(true),
            "false" | "f" | "no" | "n" | "off" | "0" => Some(false),
            _ => None,
        },
    }
}

/// `value` as text.
fn text_of(value: &DefaultValue) -> String {
    match value {
        DefaultValue::Bool(value) => value.to_string(),
        DefaultValue::Int(value) => value.to_string(),
        DefaultValue::Float(value) => value.to_string(),
        DefaultValue::Str(text) => text.to_string(),
    }
}

fn bool_literal(value: bool, backend: BackendKind) -> String {
    match (backend, value) {
        (BackendKind::Sqlite, true) => "1",
        (BackendKind::Sqlite, false) => "0",
        (_, true) => "TRUE",
        (_, false) => "FALSE",
    }
    .to_owned()
}

fn number_literal(value: &DefaultValue, backend: BackendKind) -> String {
    match value {
        DefaultValue::Bool(value) => u8::from(*value).to_string(),
        DefaultValue::Int(value) => value.to_string(),
        DefaultValue::Float(value) => float_literal(*value, backend),
        DefaultValue::Str(text) => {
            let text = text.trim();
            let numeric = !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
                && text.parse::<f64>().is_ok_and(f64::is_finite);
            if numeric {
                text.to_owned()
            } else {
                string_literal(text, backend)
            }
        }
    }
}

fn float_literal(value: f64, backend: BackendKind) -> String {
    if value.is_finite() {
        // `{:?}` always writes a point or an exponent: `1.0`, `1e300`.
        return format!("{value:?}");
    }
    match backend {
        BackendKind::Postgres if value.is_nan() => "'NaN'".to_owned(),
        BackendKind::Postgres if value > 0.0 => "'Infinity'".to_owned(),
        BackendKind::Postgres => "'-Infinity'".to_owned(),
        BackendKind::Sqlite if value.is_nan() => "NULL".to_owned(),
        BackendKind::Sqlite if value > 0.0 => "9e999".to_owned(),
        BackendKind::Sqlite => "-9e999".to_owned(),
        BackendKind::Mysql => "NULL".to_owned(),
    }
}

fn string_literal(text: &str, backend: BackendKind) -> String {
    let escaped = match backend {
        BackendKind::Mysql => text.replace('\\', "\\\\").replace('\'', "''"),
        BackendKind::Sqlite | BackendKind::Postgres => text.replace('\'', "''"),
    };
    format!("'{escaped}'")
}

fn binary_literal(bytes: &[u8], backend: BackendKind) -> String {
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    match backend {
        BackendKind::Postgres => format!("decode('{hex}', 'hex')"),
        BackendKind::Sqlite | BackendKind::Mysql => format!("X'{hex}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ForeignKeySchema, OnDelete};

    const SQLITE: BackendKind = BackendKind::Sqlite;
    const PG: BackendKind = BackendKind::Postgres;
    const MYSQL: BackendKind = BackendKind::Mysql;
    const ALL: [BackendKind; 3] = [SQLITE, PG, MYSQL];

    fn id() -> FieldSchema {
        FieldSchema {
            primary_key: true,
            auto_increment: true,
            ..FieldSchema::new("id", "id", FieldKind::BigInt)
        }
    }

    fn char_field(name: &'static str, max_length: u32) -> FieldSchema {
        FieldSchema {
            max_length: Some(max_length),
            ..FieldSchema::new(name, name, FieldKind::Char)
        }
    }

    fn author_fk() -> FieldSchema {
        FieldSchema {
            nullable: true,
            foreign_key: Some(ForeignKeySchema {
                to: Cow::Borrowed("lib.Author"),
                to_table: Cow::Borrowed("lib_author"),
                to_column: Cow::Borrowed("id"),
                on_delete: OnDelete::Cascade,
                related_name: Cow::Borrowed("books"),
            }),
            ..FieldSchema::new("author", "author_id", FieldKind::ForeignKey)
        }
    }

    fn model(fields: Vec<FieldSchema>) -> ModelSchema {
        ModelSchema {
            name: Cow::Borrowed("Book"),
            app_label: Cow::Borrowed("lib"),
            table: Cow::Borrowed("lib_book"),
            verbose_name: Cow::Borrowed("book"),
            verbose_name_plural: Cow::Borrowed("books"),
            fields: Cow::Owned(fields),
            ordering: Cow::Borrowed(&[]),
            indexes: Cow::Borrowed(&[]),
            unique_together: Cow::Borrowed(&[]),
            checks: Cow::Borrowed(&[]),
            auto_created: false,
            many_to_many: Cow::Borrowed(&[]),
        }
    }

    fn book() -> ModelSchema {
        model(vec![
            id(),
            char_field("title", 100),
            FieldSchema {
                nullable: true,
                ..FieldSchema::new("pages", "pages", FieldKind::Integer)
            },
        ])
    }

    /// `schema` with `field` appended.
    fn with(schema: &ModelSchema, field: FieldSchema) -> ModelSchema {
        let mut fields = schema.fields.to_vec();
        fields.push(field);
        ModelSchema {
            fields: Cow::Owned(fields),
            ..schema.clone()
        }
    }

    /// `schema` with the field `name` changed by `change`.
    fn changed(
        schema: &ModelSchema,
        name: &str,
        change: impl FnOnce(&mut FieldSchema),
    ) -> ModelSchema {
        let mut fields = schema.fields.to_vec();
        if let Some(field) = fields.iter_mut().find(|f| f.name == name) {
            change(field);
        }
        ModelSchema {
            fields: Cow::Owned(fields),
            ..schema.clone()
        }
    }

    /// `schema` without the field `name`.
    fn without(schema: &ModelSchema, name: &str) -> ModelSchema {
        let fields = schema
            .fields
            .iter()
            .filter(|f| f.name != name)
            .cloned()
            .collect::<Vec<_>>();
        ModelSchema {
            fields: Cow::Owned(fields),
            ..schema.clone()
        }
    }

    fn together(schema: &ModelSchema, groups: &[&[&'static str]]) -> ModelSchema {
        let groups = groups
            .iter()
            .map(|group| Cow::Owned(group.iter().map(|name| Cow::Borrowed(*name)).collect()))
            .collect::<Vec<_>>();
        ModelSchema {
            unique_together: Cow::Owned(groups),
            auto_created: false,
            many_to_many: Cow::Borrowed(&[]),
            ..schema.clone()
        }
    }

    fn status() -> FieldSchema {
        FieldSchema {
            default: Some(DefaultValue::Str(Cow::Borrowed("draft"))),
            ..char_field("status", 20)
        }
    }

    fn assert_rebuild(sql: &[String]) {
        assert!(
            sql[0].starts_with(r#"CREATE TABLE "new__lib_book" ("#),
            "{sql:#?}"
        );
        assert!(
            sql[1].starts_with(r#"INSERT INTO "new__lib_book" ("#),
            "{sql:#?}"
        );
        assert!(sql[1].ends_with(r#" FROM "lib_book""#), "{sql:#?}");
        assert_eq!(sql[2], r#"DROP TABLE "lib_book""#);
        assert_eq!(
            sql[3],
            r#"ALTER TABLE "new__lib_book" RENAME TO "lib_book""#
        );
    }

    #[test]
    fn create_and_delete_model() {
        let schema = with(&book(), author_fk());
        let sql = create_model(&schema, PG);
        assert_eq!(sql.len(), 2);
        assert!(sql[0].starts_with(r#"CREATE TABLE "lib_book" ("#));
        assert!(sql[0].contains(r#"REFERENCES "lib_author" ("id") DEFERRABLE INITIALLY DEFERRED"#));
        assert_eq!(
            sql[1],
            r#"CREATE INDEX "lib_book_author_id_idx" ON "lib_book" ("author_id")"#
        );
        assert!(create_model(&schema, MYSQL)[0].contains("FOREIGN KEY (`author_id`)"));
        assert_eq!(delete_model(&schema, MYSQL), ["DROP TABLE `lib_book`"]);
        assert_eq!(delete_model(&schema, SQLITE), [r#"DROP TABLE "lib_book""#]);
    }

    #[test]
    fn add_not_null_field_with_default() {
        let old = book();
        let new = with(&old, status());
        assert_eq!(
            add_field(&old, &new, "status", PG),
            [
                r#"ALTER TABLE "lib_book" ADD COLUMN "status" varchar(20) NOT NULL DEFAULT 'draft'"#,
                r#"ALTER TABLE "lib_book" ALTER COLUMN "status" DROP DEFAULT"#,
            ]
        );
        assert_eq!(
            add_field(&old, &new, "status", MYSQL),
            [
                "ALTER TABLE `lib_book` ADD COLUMN `status` varchar(20) NOT NULL DEFAULT 'draft'",
                "ALTER TABLE `lib_book` ALTER COLUMN `status` DROP DEFAULT",
            ]
        );
        assert_eq!(
            add_field(&old, &new, "status", SQLITE),
            [r#"ALTER TABLE "lib_book" ADD COLUMN "status" varchar(20) NOT NULL DEFAULT 'draft'"#]
        );
    }

    #[test]
    fn add_nullable_field_is_plain() {
        let old = book();
        let note = FieldSchema {
            nullable: true,
            default: Some(DefaultValue::Str(Cow::Borrowed("ignored"))),
            ..FieldSchema::new("note", "note", FieldKind::Text)
        };
        let new = with(&old, note);
        for (backend, expected) in [
            (
                SQLITE,
                r#"ALTER TABLE "lib_book" ADD COLUMN "note" text NULL"#,
            ),
            (PG, r#"ALTER TABLE "lib_book" ADD COLUMN "note" text NULL"#),
            (
                MYSQL,
                "ALTER TABLE `lib_book` ADD COLUMN `note` longtext NULL",
            ),
        ] {
            assert_eq!(add_field(&old, &new, "note", backend), [expected]);
        }
    }

    #[test]
    fn add_text_default_is_an_expression_on_mysql() {
        let old = book();
        let body = FieldSchema {
            default: Some(DefaultValue::Str(Cow::Borrowed("it's"))),
            ..FieldSchema::new("body", "body", FieldKind::Text)
        };
        let new = with(&old, body);
        assert_eq!(
            add_field(&old, &new, "body", MYSQL)[0],
            "ALTER TABLE `lib_book` ADD COLUMN `body` longtext NOT NULL DEFAULT ('it''s')"
        );
    }

    #[test]
    fn add_indexed_field_on_sqlite_adds_column_and_index() {
        let old = book();
        let new = with(
            &old,
            FieldSchema {
                index: true,
                nullable: true,
                ..char_field("code", 10)
            },
        );
        assert_eq!(
            add_field(&old, &new, "code", SQLITE),
            [
                r#"ALTER TABLE "lib_book" ADD COLUMN "code" varchar(10) NULL"#,
                r#"CREATE INDEX "lib_book_code_idx" ON "lib_book" ("code")"#,
            ]
        );
    }

    #[test]
    fn add_foreign_key_field() {
        let old = book();
        let new = with(&old, author_fk());
        assert_eq!(
            add_field(&old, &new, "author", PG),
            [
                r#"ALTER TABLE "lib_book" ADD COLUMN "author_id" bigint NULL"#,
                r#"CREATE INDEX "lib_book_author_id_idx" ON "lib_book" ("author_id")"#,
                concat!(
                    r#"ALTER TABLE "lib_book" ADD CONSTRAINT "lib_book_author_id_fk_lib_author" "#,
                    r#"FOREIGN KEY ("author_id") REFERENCES "lib_author" ("id") DEFERRABLE INITIALLY DEFERRED"#
                ),
            ]
        );
        let mysql = add_field(&old, &new, "author", MYSQL);
        assert_eq!(mysql.len(), 3);
        assert!(mysql[2].contains("ADD CONSTRAINT `lib_book_author_id_fk_lib_author` FOREIGN KEY"));
        let sqlite = add_field(&old, &new, "author", SQLITE);
        assert_rebuild(&sqlite);
        assert!(sqlite[0].contains(r#"FOREIGN KEY ("author_id") REFERENCES "lib_author" ("id")"#));
        assert_eq!(
            sqlite[1],
            concat!(
                r#"INSERT INTO "new__lib_book" ("id", "title", "pages") "#,
                r#"SELECT "id", "title", "pages" FROM "lib_book""#
            )
        );
        assert_eq!(
            sqlite[4],
            r#"CREATE INDEX "lib_book_author_id_idx" ON "lib_book" ("author_id")"#
        );
    }

    #[test]
    fn add_unique_field() {
        let old = book();
        let new = with(
            &old,
            FieldSchema {
                unique: true,
                nullable: true,
                ..char_field("isbn", 20)
            },
        );
        assert_eq!(
            add_field(&old, &new, "isbn", PG)[1],
            r#"ALTER TABLE "lib_book" ADD CONSTRAINT "lib_book_isbn_key" UNIQUE ("isbn")"#
        );
        assert_eq!(
            add_field(&old, &new, "isbn", MYSQL)[1],
            "ALTER TABLE `lib_book` ADD CONSTRAINT `lib_book_isbn_key` UNIQUE (`isbn`)"
        );
        let sqlite = add_field(&old, &new, "isbn", SQLITE);
        assert_rebuild(&sqlite);
        assert!(sqlite[0].contains(r#"CONSTRAINT "lib_book_isbn_key" UNIQUE ("isbn")"#));
    }

    #[test]
    fn sqlite_rebuild_fills_a_new_not_null_column() {
        let old = book();
        let new = with(
            &old,
            FieldSchema {
                unique: true,
                default: Some(DefaultValue::Int(7)),
                ..FieldSchema::new("rank", "rank", FieldKind::Integer)
            },
        );
        let sql = add_field(&old, &new, "rank", SQLITE);
        assert_eq!(
            sql[1],
            concat!(
                r#"INSERT INTO "new__lib_book" ("id", "title", "pages", "rank") "#,
                r#"SELECT "id", "title", "pages", 7 FROM "lib_book""#
            )
        );
    }

    #[test]
    fn remove_field_per_backend() {
        let old = with(&book(), author_fk());
        let new = book();
        assert_eq!(
            remove_field(&old, &new, "author", PG),
            [
                r#"SET CONSTRAINTS "lib_book_author_id_fk_lib_author" IMMEDIATE"#,
                r#"ALTER TABLE "lib_book" DROP CONSTRAINT "lib_book_author_id_fk_lib_author""#,
                r#"ALTER TABLE "lib_book" DROP COLUMN "author_id" CASCADE"#,
            ]
        );
        assert_eq!(
            remove_field(&old, &new, "author", MYSQL),
            [
                "ALTER TABLE `lib_book` DROP FOREIGN KEY `lib_book_author_id_fk_lib_author`",
                "DROP INDEX `lib_book_author_id_idx` ON `lib_book`",
                "ALTER TABLE `lib_book` DROP COLUMN `author_id`",
            ]
        );
        let sqlite = remove_field(&old, &new, "author", SQLITE);
        assert_rebuild(&sqlite);
        assert!(!sqlite[0].contains("author_id"));
        assert_eq!(sqlite.len(), 4);
        assert_eq!(
            remove_field(&old, &new, "missing", PG),
            Vec::<String>::new()
        );
    }

    #[test]
    fn remove_unique_field_on_mysql_drops_its_index_first() {
        let old = with(
            &book(),
            FieldSchema {
                unique: true,
                ..char_field("isbn", 20)
            },
        );
        let new = without(&old, "isbn");
        assert_eq!(new, book());
        assert_eq!(
            remove_field(&old, &new, "isbn", MYSQL),
            [
                "ALTER TABLE `lib_book` DROP INDEX `lib_book_isbn_key`",
                "ALTER TABLE `lib_book` DROP COLUMN `isbn`",
            ]
        );
        assert_eq!(
            remove_field(&old, &new, "isbn", PG),
            [r#"ALTER TABLE "lib_book" DROP COLUMN "isbn" CASCADE"#]
        );
    }

    #[test]
    fn alter_field_null_to_not_null_with_default() {
        let old = book();
        let new = changed(&old, "pages", |f| {
            f.nullable = false;
            f.default = Some(DefaultValue::Int(0));
        });
        assert_eq!(
            alter_field(&old, &new, "pages", PG),
            [
                r#"UPDATE "lib_book" SET "pages" = 0 WHERE "pages" IS NULL"#,
                "SET CONSTRAINTS ALL IMMEDIATE",
                r#"ALTER TABLE "lib_book" ALTER COLUMN "pages" SET NOT NULL"#,
            ]
        );
        assert_eq!(
            alter_field(&old, &new, "pages", MYSQL),
            [
                "UPDATE `lib_book` SET `pages` = 0 WHERE `pages` IS NULL",
                "ALTER TABLE `lib_book` MODIFY COLUMN `pages` integer NOT NULL",
            ]
        );
        let sqlite = alter_field(&old, &new, "pages", SQLITE);
        assert_rebuild(&sqlite);
        assert_eq!(
            sqlite[1],
            concat!(
                r#"INSERT INTO "new__lib_book" ("id", "title", "pages") "#,
                r#"SELECT "id", "title", coalesce("pages", 0) FROM "lib_book""#
            )
        );
        // And back.
        assert_eq!(
            alter_field(&new, &old, "pages", PG),
            [r#"ALTER TABLE "lib_book" ALTER COLUMN "pages" DROP NOT NULL"#]
        );
    }

    #[test]
    fn alter_field_type_and_index() {
        let old = book();
        let new = changed(&old, "title", |f| {
            f.max_length = Some(200);
            f.index = true;
        });
        assert_eq!(
            alter_field(&old, &new, "title", PG),
            [
                r#"ALTER TABLE "lib_book" ALTER COLUMN "title" TYPE varchar(200) USING "title"::varchar(200)"#,
                r#"CREATE INDEX "lib_book_title_idx" ON "lib_book" ("title")"#,
            ]
        );
        assert_eq!(
            alter_field(&old, &new, "title", MYSQL),
            [
                "ALTER TABLE `lib_book` MODIFY COLUMN `title` varchar(200) NOT NULL",
                "CREATE INDEX `lib_book_title_idx` ON `lib_book` (`title`)",
            ]
        );
        let sqlite = alter_field(&old, &new, "title", SQLITE);
        assert_rebuild(&sqlite);
        assert!(sqlite[0].contains(r#""title" varchar(200) NOT NULL"#));
        assert_eq!(
            sqlite[4],
            r#"CREATE INDEX "lib_book_title_idx" ON "lib_book" ("title")"#
        );
    }

    #[test]
    fn alter_field_index_to_unique() {
        let old = changed(&book(), "title", |f| f.index = true);
        let new = changed(&book(), "title", |f| f.unique = true);
        assert_eq!(
            alter_field(&old, &new, "title", PG),
            [
                r#"DROP INDEX "lib_book_title_idx""#,
                r#"ALTER TABLE "lib_book" ADD CONSTRAINT "lib_book_title_key" UNIQUE ("title")"#,
            ]
        );
        assert_eq!(
            alter_field(&new, &old, "title", MYSQL),
            [
                "ALTER TABLE `lib_book` DROP INDEX `lib_book_title_key`",
                "CREATE INDEX `lib_book_title_idx` ON `lib_book` (`title`)",
            ]
        );
        assert_rebuild(&alter_field(&old, &new, "title", SQLITE));
    }

    #[test]
    fn alter_foreign_key_on_mysql_drops_and_adds_the_key() {
        let old = with(&book(), author_fk());
        let new = changed(&old, "author", |f| f.nullable = false);
        assert_eq!(
            alter_field(&old, &new, "author", MYSQL),
            [
                "ALTER TABLE `lib_book` DROP FOREIGN KEY `lib_book_author_id_fk_lib_author`",
                "ALTER TABLE `lib_book` MODIFY COLUMN `author_id` bigint NOT NULL",
                concat!(
                    "ALTER TABLE `lib_book` ADD CONSTRAINT `lib_book_author_id_fk_lib_author` ",
                    "FOREIGN KEY (`author_id`) REFERENCES `lib_author` (`id`)"
                ),
            ]
        );
        assert_eq!(
            alter_field(&old, &new, "author", PG),
            [r#"ALTER TABLE "lib_book" ALTER COLUMN "author_id" SET NOT NULL"#]
        );
    }

    #[test]
    fn alter_field_to_and_from_foreign_key() {
        let plain = with(
            &book(),
            FieldSchema {
                nullable: true,
                ..FieldSchema::new("author", "author_id", FieldKind::BigInt)
            },
        );
        let linked = with(&book(), author_fk());
        let add = alter_field(&plain, &linked, "author", PG);
        assert_eq!(add.len(), 2);
        assert!(add[0].starts_with("CREATE INDEX"));
        assert!(add[1].contains("FOREIGN KEY"));
        let drop = alter_field(&linked, &plain, "author", PG);
        assert_eq!(
            drop,
            [
                r#"SET CONSTRAINTS "lib_book_author_id_fk_lib_author" IMMEDIATE"#,
                r#"ALTER TABLE "lib_book" DROP CONSTRAINT "lib_book_author_id_fk_lib_author""#,
                r#"DROP INDEX "lib_book_author_id_idx""#,
            ]
        );
    }

    #[test]
    fn alter_field_without_database_change_is_empty() {
        let old = book();
        let new = changed(&old, "title", |f| {
            f.verbose_name = Cow::Borrowed("Title");
            f.help_text = Cow::Borrowed("The title");
            f.default = Some(DefaultValue::Str(Cow::Borrowed("untitled")));
            f.blank = true;
        });
        for backend in ALL {
            assert!(alter_field(&old, &new, "title", backend).is_empty());
        }
        assert!(alter_field(&old, &new, "missing", PG).is_empty());
    }

    #[test]
    fn alter_field_column_name() {
        let old = changed(&book(), "title", |f| f.index = true);
        let new = changed(&old, "title", |f| f.column = Cow::Borrowed("headline"));
        assert_eq!(
            alter_field(&old, &new, "title", PG),
            [
                r#"ALTER TABLE "lib_book" RENAME COLUMN "title" TO "headline""#,
                r#"ALTER INDEX "lib_book_title_idx" RENAME TO "lib_book_headline_idx""#,
            ]
        );
        assert_eq!(
            alter_field(&old, &new, "title", SQLITE),
            [
                r#"ALTER TABLE "lib_book" RENAME COLUMN "title" TO "headline""#,
                r#"DROP INDEX "lib_book_title_idx""#,
                r#"CREATE INDEX "lib_book_headline_idx" ON "lib_book" ("headline")"#,
            ]
        );
    }

    #[test]
    fn rename_field_renames_column_and_derived_names() {
        let old = together(
            &with(&changed(&book(), "title", |f| f.unique = true), author_fk()),
            &[&["title", "author"]],
        );
        let renamed = changed(&old, "author", |f| {
            f.name = Cow::Borrowed("writer");
            f.column = Cow::Borrowed("writer_id");
        });
        let new = together(&renamed, &[&["title", "writer"]]);
        assert_eq!(
            rename_field(&old, &new, "author", "writer", PG),
            [
                r#"ALTER TABLE "lib_book" RENAME COLUMN "author_id" TO "writer_id""#,
                r#"ALTER TABLE "lib_book" RENAME CONSTRAINT "lib_book_title_author_id_uniq" TO "lib_book_title_writer_id_uniq""#,
                r#"ALTER INDEX "lib_book_author_id_idx" RENAME TO "lib_book_writer_id_idx""#,
                r#"ALTER TABLE "lib_book" RENAME CONSTRAINT "lib_book_author_id_fk_lib_author" TO "lib_book_writer_id_fk_lib_author""#,
            ]
        );
        assert_eq!(
            rename_field(&old, &new, "author", "writer", MYSQL),
            [
                "ALTER TABLE `lib_book` DROP FOREIGN KEY `lib_book_author_id_fk_lib_author`",
                "ALTER TABLE `lib_book` RENAME COLUMN `author_id` TO `writer_id`",
                "ALTER TABLE `lib_book` RENAME INDEX `lib_book_title_author_id_uniq` TO `lib_book_title_writer_id_uniq`",
                "ALTER TABLE `lib_book` RENAME INDEX `lib_book_author_id_idx` TO `lib_book_writer_id_idx`",
                concat!(
                    "ALTER TABLE `lib_book` ADD CONSTRAINT `lib_book_writer_id_fk_lib_author` ",
                    "FOREIGN KEY (`writer_id`) REFERENCES `lib_author` (`id`)"
                ),
            ]
        );
        assert_eq!(
            rename_field(&old, &new, "author", "writer", SQLITE),
            [
                r#"ALTER TABLE "lib_book" RENAME COLUMN "author_id" TO "writer_id""#,
                r#"DROP INDEX "lib_book_author_id_idx""#,
                r#"CREATE INDEX "lib_book_writer_id_idx" ON "lib_book" ("writer_id")"#,
            ]
        );
    }

    #[test]
    fn rename_field_keeping_the_column_is_empty() {
        let old = book();
        let new = changed(&old, "title", |f| f.name = Cow::Borrowed("heading"));
        for backend in ALL {
            assert!(rename_field(&old, &new, "title", "heading", backend).is_empty());
        }
    }

    #[test]
    fn rename_table_per_backend() {
        assert_eq!(
            rename_table("a", "b", PG),
            [r#"ALTER TABLE "a" RENAME TO "b""#]
        );
        assert_eq!(
            rename_table("a", "b", SQLITE),
            [r#"ALTER TABLE "a" RENAME TO "b""#]
        );
        assert_eq!(rename_table("a", "b", MYSQL), ["RENAME TABLE `a` TO `b`"]);
    }

    #[test]
    fn rename_model_renames_derived_names() {
        let old = with(&changed(&book(), "title", |f| f.unique = true), author_fk());
        let new = ModelSchema {
            table: Cow::Borrowed("lib_volume"),
            ..old.clone()
        };
        assert_eq!(
            rename_model(&old, &new, PG),
            [
                r#"ALTER TABLE "lib_book" RENAME TO "lib_volume""#,
                r#"ALTER TABLE "lib_volume" RENAME CONSTRAINT "lib_book_title_key" TO "lib_volume_title_key""#,
                r#"ALTER INDEX "lib_book_author_id_idx" RENAME TO "lib_volume_author_id_idx""#,
                r#"ALTER TABLE "lib_volume" RENAME CONSTRAINT "lib_book_author_id_fk_lib_author" TO "lib_volume_author_id_fk_lib_author""#,
            ]
        );
        let mysql = rename_model(&old, &new, MYSQL);
        assert_eq!(
            mysql[0],
            "ALTER TABLE `lib_book` DROP FOREIGN KEY `lib_book_author_id_fk_lib_author`"
        );
        assert_eq!(mysql[1], "RENAME TABLE `lib_book` TO `lib_volume`");
        assert!(mysql[4]
            .starts_with("ALTER TABLE `lib_volume` ADD CONSTRAINT `lib_volume_author_id_fk"));
        assert_eq!(
            rename_model(&old, &new, SQLITE),
            [
                r#"ALTER TABLE "lib_book" RENAME TO "lib_volume""#,
                r#"DROP INDEX "lib_book_author_id_idx""#,
                r#"CREATE INDEX "lib_volume_author_id_idx" ON "lib_volume" ("author_id")"#,
            ]
        );
        assert!(rename_model(&old, &old, PG).is_empty());
    }

    #[test]
    fn indexes() {
        let index = IndexSchema {
            name: Cow::Borrowed("book_title_pages"),
            fields: Cow::Owned(vec![Cow::Borrowed("title"), Cow::Borrowed("-pages")]),
            unique: false,
            kind: crate::schema::IndexKind::Plain,
            condition: "".into(),
        };
        let schema = ModelSchema {
            indexes: Cow::Owned(vec![index.clone()]),
            ..book()
        };
        assert_eq!(
            add_index(&schema, &index, PG),
            [r#"CREATE INDEX "book_title_pages" ON "lib_book" ("title", "pages" DESC)"#]
        );
        assert_eq!(
            remove_index(&schema, &index, MYSQL),
            ["DROP INDEX `book_title_pages` ON `lib_book`"]
        );
        assert_eq!(
            remove_index(&schema, &index, SQLITE),
            [r#"DROP INDEX "book_title_pages""#]
        );
    }

    #[test]
    fn unique_together_changes() {
        let old = together(&book(), &[&["title", "pages"]]);
        let new = together(&book(), &[&["title"]]);
        assert_eq!(
            alter_unique_together(&old, &new, PG),
            [
                r#"ALTER TABLE "lib_book" DROP CONSTRAINT "lib_book_title_pages_uniq""#,
                r#"ALTER TABLE "lib_book" ADD CONSTRAINT "lib_book_title_uniq" UNIQUE ("title")"#,
            ]
        );
        assert_eq!(
            alter_unique_together(&old, &new, MYSQL),
            [
                "ALTER TABLE `lib_book` DROP INDEX `lib_book_title_pages_uniq`",
                "ALTER TABLE `lib_book` ADD CONSTRAINT `lib_book_title_uniq` UNIQUE (`title`)",
            ]
        );
        let sqlite = alter_unique_together(&old, &new, SQLITE);
        assert_rebuild(&sqlite);
        assert!(sqlite[0].contains(r#"CONSTRAINT "lib_book_title_uniq" UNIQUE ("title")"#));
        for backend in ALL {
            assert!(alter_unique_together(&old, &old, backend).is_empty());
        }
    }

    #[test]
    fn rebuild_follows_a_field_rename() {
        let old = with(
            &book(),
            FieldSchema::new("code", "code", FieldKind::Integer),
        );
        let new = changed(&old, "code", |f| {
            f.name = Cow::Borrowed("number");
            f.column = Cow::Borrowed("number");
        });
        let sql = rebuild(&old, &new, Some(("code", "number")));
        assert_eq!(
            sql[1],
            concat!(
                r#"INSERT INTO "new__lib_book" ("id", "title", "pages", "number") "#,
                r#"SELECT "id", "title", "pages", "code" FROM "lib_book""#
            )
        );
    }

    #[test]
    fn blank_text_fills_with_empty_string() {
        let old = book();
        let new = with(
            &old,
            FieldSchema {
                blank: true,
                ..char_field("subtitle", 50)
            },
        );
        assert_eq!(
            add_field(&old, &new, "subtitle", PG)[0],
            r#"ALTER TABLE "lib_book" ADD COLUMN "subtitle" varchar(50) NOT NULL DEFAULT ''"#
        );
    }

    #[test]
    fn literals() {
        let text = char_field("t", 10);
        let quoted = DefaultValue::Str(Cow::Borrowed(r"it's a \ path"));
        assert_eq!(literal(&quoted, &text, PG), r"'it''s a \ path'");
        assert_eq!(literal(&quoted, &text, SQLITE), r"'it''s a \ path'");
        assert_eq!(literal(&quoted, &text, MYSQL), r"'it''s a \\ path'");
        assert_eq!(literal(&DefaultValue::Int(3), &text, PG), "'3'");

        let flag = FieldSchema::new("f", "f", FieldKind::Bool);
        let yes = DefaultValue::Bool(true);
        assert_eq!(literal(&yes, &flag, SQLITE), "1");
        assert_eq!(literal(&yes, &flag, PG), "TRUE");
        assert_eq!(literal(&DefaultValue::Bool(false), &flag, MYSQL), "FALSE");
        assert_eq!(literal(&DefaultValue::Int(0), &flag, PG), "FALSE");
        assert_eq!(
            literal(&DefaultValue::Str(Cow::Borrowed("true")), &flag, SQLITE),
            "1"
        );

        let number = FieldSchema::new("n", "n", FieldKind::Double);
        assert_eq!(literal(&DefaultValue::Float(1.5), &number, PG), "1.5");
        assert_eq!(literal(&DefaultValue::Float(2.0), &number, PG), "2.0");
        assert_eq!(literal(&DefaultValue::Int(-4), &number, MYSQL), "-4");
        assert_eq!(
            literal(&DefaultValue::Float(f64::NAN), &number, PG),
            "'NaN'"
        );
        let decimal = FieldSchema::new("d", "d", FieldKind::Decimal);
        assert_eq!(
            literal(&DefaultValue::Str(Cow::Borrowed("12.50")), &decimal, PG),
            "12.50"
        );
        assert_eq!(
            literal(&DefaultValue::Str(Cow::Borrowed("1; DROP")), &decimal, PG),
            "'1; DROP'"
        );

        let blob = FieldSchema::new("b", "b", FieldKind::Binary);
        let bytes = DefaultValue::Str(Cow::Borrowed("AB"));
        assert_eq!(literal(&bytes, &blob, SQLITE), "X'4142'");
        assert_eq!(literal(&bytes, &blob, PG), "decode('4142', 'hex')");

        let json = FieldSchema::new("j", "j", FieldKind::Json);
        assert_eq!(
            literal(&DefaultValue::Str(Cow::Borrowed("{}")), &json, PG),
            "'{}'"
        );
    }

    #[test]
    fn transactions_and_sqlite_wrapping() {
        assert!(transactional_ddl(SQLITE));
        assert!(transactional_ddl(PG));
        assert!(!transactional_ddl(MYSQL));
        assert_eq!(sqlite_prologue(), "PRAGMA foreign_keys = OFF");
        assert_eq!(sqlite_epilogue(), "PRAGMA foreign_keys = ON");
        assert!(sqlite_foreign_key_check().contains("pragma_foreign_key_check"));
    }
}
