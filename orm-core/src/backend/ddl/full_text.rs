//! DDL of a model's full-text index (`#[model(full_text = [...])]`), each
//! backend its own way:
//!
//! - SQLite: an FTS5 table over the model's table (`content=`), kept up to
//!   date by three triggers, filled once when made;
//! - PostgreSQL: a GIN index over `to_tsvector('simple', ...)` of the
//!   fields joined by spaces, the expression the query repeats;
//! - MariaDB: a `FULLTEXT` index over an invisible stored column holding
//!   the fields joined by spaces under a case- and accent-insensitive
//!   collation (the tables' own collation is binary, and InnoDB's index
//!   follows its column's), made without the stopword list so that "the"
//!   or "about" can be found as on the other backends.
//!
//! The `simple` text-search configuration and SQLite's `unicode61`
//! tokenizer both split words and ignore case without stemming, as
//! MariaDB's index does, so a search finds the same rows everywhere.

use super::{column_of, index_name, quote_ident};
use crate::db::BackendKind;
use crate::schema::{IndexSchema, ModelSchema};

/// The statements making the full-text index `index` of `schema`'s table.
pub fn create(schema: &ModelSchema, index: &IndexSchema, backend: BackendKind) -> Vec<String> {
    let name = index_name(schema, index);
    let q = |ident: &str| quote_ident(ident, backend);
    let columns: Vec<&str> = index.fields.iter().map(|f| column_of(schema, f)).collect();
    let table = schema.table.as_ref();
    match backend {
        BackendKind::Sqlite => sqlite_create(&name, table, &schema.pk().column, &columns),
        BackendKind::Postgres => vec![format!(
            "CREATE INDEX {} ON {} USING GIN ({})",
            q(&name),
            q(table),
            postgres_document(&columns, None)
        )],
        BackendKind::Mysql => vec![
            format!(
                "ALTER TABLE {} ADD COLUMN {} LONGTEXT COLLATE utf8mb4_unicode_ci \
                 AS (CONCAT_WS(' ', {})) PERSISTENT INVISIBLE",
                q(table),
                q(&name),
                list(columns.iter().map(|c| q(c)))
            ),
            "SET @orm_stopwords = @@SESSION.innodb_ft_enable_stopword".to_owned(),
            "SET SESSION innodb_ft_enable_stopword = OFF".to_owned(),
            format!(
                "CREATE FULLTEXT INDEX {} ON {} ({})",
                q(&name),
                q(table),
                q(&name)
            ),
            "SET SESSION innodb_ft_enable_stopword = @orm_stopwords".to_owned(),
        ],
    }
}

/// The statements removing the full-text index `index` of `schema`'s
/// table (on SQLite, its table and triggers).
pub fn drop(schema: &ModelSchema, index: &IndexSchema, backend: BackendKind) -> Vec<String> {
    drop_named(&schema.table, &index_name(schema, index), backend)
}

/// The statements removing the full-text index `name` of `table`.
pub fn drop_named(table: &str, name: &str, backend: BackendKind) -> Vec<String> {
    match backend {
        BackendKind::Sqlite => {
            let mut sql: Vec<String> = TRIGGERS
                .iter()
                .map(|event| {
                    format!(
                        "DROP TRIGGER IF EXISTS {}",
                        quote_ident(&format!("{name}_{event}"), backend)
                    )
                })
                .collect();
            sql.push(format!(
                "DROP TABLE IF EXISTS {}",
                quote_ident(name, backend)
            ));
            sql
        }
        BackendKind::Postgres => vec![super::drop_index(table, name, backend)],
        // The index goes with its column.
        BackendKind::Mysql => vec![format!(
            "ALTER TABLE {} DROP COLUMN {}",
            quote_ident(table, backend),
            quote_ident(name, backend)
        )],
    }
}

/// The events whose triggers keep SQLite's FTS5 table in step.
const TRIGGERS: [&str; 3] = ["insert", "delete", "update"];

/// The FTS5 table `name` over `columns` of `table`, linked by its integer
/// key `key`; the triggers that follow each insert, delete and update of
/// those columns; and the statement filling it from the rows already there.
///
/// Any table of the same name is dropped first, so that the statements can
/// be run again after the table is rebuilt (its triggers went with it).
fn sqlite_create(name: &str, table: &str, key: &str, columns: &[&str]) -> Vec<String> {
    let backend = BackendKind::Sqlite;
    let q = |ident: &str| quote_ident(ident, backend);
    let prefixed = |prefix: &str| {
        list(
            std::iter::once(format!("{prefix}.{}", q(key)))
                .chain(columns.iter().map(|c| format!("{prefix}.{}", q(c)))),
        )
    };
    let targets = list(std::iter::once("rowid".to_owned()).chain(columns.iter().map(|c| q(c))));
    let insert = format!(
        "INSERT INTO {} ({targets}) VALUES ({})",
        q(name),
        prefixed("new")
    );
    let delete = format!(
        "INSERT INTO {} ({}, {targets}) VALUES ('delete', {})",
        q(name),
        q(name),
        prefixed("old")
    );
    let watched = list(std::iter::once(q(key)).chain(columns.iter().map(|c| q(c))));
    let trigger = |event: &str, when: &str, body: &str| {
        format!(
            "CREATE TRIGGER {} AFTER {when} ON {} BEGIN {body}; END",
            q(&format!("{name}_{event}")),
            q(table)
        )
    };
    vec![
        format!("DROP TABLE IF EXISTS {}", q(name)),
        format!(
            "CREATE VIRTUAL TABLE {} USING fts5({}, content={}, content_rowid={}, \
             tokenize='unicode61 remove_diacritics 2')",
            q(name),
            list(columns.iter().map(|c| q(c))),
            string_literal(table),
            string_literal(key)
        ),
        trigger("insert", "INSERT", &insert),
        trigger("delete", "DELETE", &delete),
        trigger(
            "update",
            &format!("UPDATE OF {watched}"),
            &format!("{delete}; {insert}"),
        ),
        format!("INSERT INTO {} ({}) VALUES ('rebuild')", q(name), q(name)),
    ]
}

/// PostgreSQL's document of a full-text index: the columns, `NULL` as
/// empty, joined by spaces, as a `tsvector` of the `simple` configuration.
/// Each column is prefixed with `table` when given (in queries); the index
/// and the query must write the same expression for the one to serve the
/// other, and a prefix does not change it.
pub fn postgres_document(columns: &[&str], table: Option<&str>) -> String {
    let backend = BackendKind::Postgres;
    let joined: Vec<String> = columns
        .iter()
        .map(|column| {
            let column = match table {
                Some(table) => format!(
                    "{}.{}",
                    quote_ident(table, backend),
                    quote_ident(column, backend)
                ),
                None => quote_ident(column, backend),
            };
            format!("coalesce({column}, '')")
        })
        .collect();
    format!(
        "to_tsvector('simple'::regconfig, {})",
        joined.join(" || ' ' || ")
    )
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// `'text'`, with quotes doubled.
fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
