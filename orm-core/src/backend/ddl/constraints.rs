//! DDL of check constraints, and of indexes with a condition (partial) or
//! an expression (`Lower(title)`): see [`constraints`](crate::constraints)
//! for what each backend makes.

use super::condition_sql;
use super::{column_type, fit_name, index_name, quote_ident};
use crate::constraints::IndexEntry;
use crate::db::BackendKind;
use crate::schema::{CheckSchema, IndexSchema, ModelSchema};

/// The SQL of a condition, or, when it is invalid (which `check` and
/// `makemigrations` report first), text the database refuses with the
/// reason in its message.
fn condition(schema: &ModelSchema, text: &str, backend: BackendKind) -> String {
    condition_sql(schema, text, backend).unwrap_or_else(|error| {
        format!(
            "invalid_condition({})",
            quote_ident(&error.to_string(), backend)
        )
    })
}

/// `CONSTRAINT "name" CHECK (...)`, an item of `CREATE TABLE`.
pub fn check_clause(schema: &ModelSchema, check: &CheckSchema, backend: BackendKind) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(&check.name, backend),
        condition(schema, &check.check, backend)
    )
}

/// `ALTER TABLE .. ADD CONSTRAINT .. CHECK`; `None` on SQLite, which
/// declares constraints in `CREATE TABLE` only (its table is rebuilt).
pub fn add_check(
    schema: &ModelSchema,
    check: &CheckSchema,
    backend: BackendKind,
) -> Option<String> {
    (backend != BackendKind::Sqlite).then(|| {
        format!(
            "ALTER TABLE {} ADD {}",
            quote_ident(&schema.table, backend),
            check_clause(schema, check, backend)
        )
    })
}

/// `ALTER TABLE .. DROP CONSTRAINT`; `None` on SQLite.
pub fn drop_check(table: &str, name: &str, backend: BackendKind) -> Option<String> {
    (backend != BackendKind::Sqlite).then(|| {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            quote_ident(table, backend),
            quote_ident(name, backend)
        )
    })
}

/// Whether an index needs more than `CREATE INDEX` over columns: it has a
/// condition or an expression entry.
pub fn is_special(index: &IndexSchema) -> bool {
    !index.condition.is_empty() || index.has_expressions()
}

/// The statements making a partial or expression index.
///
/// PostgreSQL and SQLite: `CREATE [UNIQUE] INDEX .. ((LOWER("title")), ..)
/// WHERE ...`. MariaDB: an invisible generated column per expression, one
/// more for a unique index's condition (`1` where it holds, `NULL`
/// elsewhere, last in the index), then the index over the columns; a
/// condition on an index that is not unique is left out (the index covers
/// every row).
pub fn create(schema: &ModelSchema, index: &IndexSchema, backend: BackendKind) -> Vec<String> {
    let name = index_name(schema, index);
    let q = |ident: &str| quote_ident(ident, backend);
    let unique = if index.unique { "UNIQUE " } else { "" };
    let table = schema.table.as_ref();
    let mut sql = Vec::new();
    let mut items = Vec::new();
    for (position, entry) in index.fields.iter().enumerate() {
        let Ok(entry) = IndexEntry::parse(entry) else {
            items.push(q(entry));
            continue;
        };
        let column = super::column_of(schema, entry.field);
        let order = if entry.descending { " DESC" } else { "" };
        let item = match (entry.function, backend) {
            (None, _) => q(column),
            (Some(function), BackendKind::Mysql) => {
                let generated = expression_column(&name, position);
                let ty = schema
                    .field(entry.field)
                    .map(|field| column_type(field, backend))
                    .unwrap_or_else(|| "LONGTEXT".to_owned());
                sql.push(format!(
                    "ALTER TABLE {} ADD COLUMN {} {ty} AS ({}({})) PERSISTENT INVISIBLE",
                    q(table),
                    q(&generated),
                    function.sql(),
                    q(column)
                ));
                q(&generated)
            }
            (Some(function), _) => format!("({}({}))", function.sql(), q(column)),
        };
        items.push(format!("{item}{order}"));
    }
    let mut filter = String::new();
    if !index.condition.is_empty() {
        let condition = condition(schema, &index.condition, backend);
        match backend {
            BackendKind::Mysql if index.unique => {
                let flag = condition_column(&name);
                sql.push(format!(
                    "ALTER TABLE {} ADD COLUMN {} TINYINT AS (CASE WHEN {condition} THEN 1 END) PERSISTENT INVISIBLE",
                    q(table),
                    q(&flag)
                ));
                items.push(q(&flag));
            }
            BackendKind::Mysql => {}
            BackendKind::Sqlite | BackendKind::Postgres => {
                filter = format!(" WHERE {condition}");
            }
        }
    }
    sql.push(format!(
        "CREATE {unique}INDEX {} ON {} ({}){filter}",
        q(&name),
        q(table),
        items.join(", ")
    ));
    sql
}

/// The statements removing a partial or expression index: the index,
/// then on MariaDB its generated columns.
pub fn drop(schema: &ModelSchema, index: &IndexSchema, backend: BackendKind) -> Vec<String> {
    let name = index_name(schema, index);
    let table = schema.table.as_ref();
    let mut sql = vec![super::drop_index(table, &name, backend)];
    if backend == BackendKind::Mysql {
        let expressions = index
            .fields
            .iter()
            .enumerate()
            .filter(|(_, entry)| IndexEntry::parse(entry).is_ok_and(|e| e.function.is_some()))
            .map(|(position, _)| expression_column(&name, position));
        let flag = (index.unique && !index.condition.is_empty()).then(|| condition_column(&name));
        for column in expressions.chain(flag) {
            sql.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                quote_ident(table, backend),
                quote_ident(&column, backend)
            ));
        }
    }
    sql
}

/// MariaDB: the generated column holding entry `position` of index `name`.
fn expression_column(name: &str, position: usize) -> String {
    fit_name(format!("{name}_expr{position}"))
}

/// MariaDB: the generated column that is `1` where a unique index's
/// condition holds.
fn condition_column(name: &str) -> String {
    fit_name(format!("{name}_when"))
}
