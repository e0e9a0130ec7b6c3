//! DDL rendering: the CREATE TABLE, CREATE INDEX, FOREIGN KEY and DROP
//! statements for one model, on SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! Statements are returned without a trailing semicolon. Column defaults and
//! ON DELETE rules are never rendered: the ORM applies both itself, as Django
//! does.

use crate::constraints::IndexEntry;
use crate::db::BackendKind;
use crate::schema::{FieldKind, FieldSchema, IndexKind, IndexSchema, ModelSchema};
pub use condition::condition_sql;

mod condition;
pub mod constraints;
pub mod full_text;

/// The longest identifier every backend accepts (PostgreSQL 63 bytes, MySQL 64).
const MAX_NAME_LEN: usize = 63;
/// Length of the `_` plus eight hex digits appended to shortened names.
const HASH_SUFFIX_LEN: usize = 9;
/// `varchar` length used when a string field declares no `max_length`.
const DEFAULT_MAX_LENGTH: u32 = 255;
/// Total digits used when a decimal field declares no `max_digits`.
const DEFAULT_MAX_DIGITS: u32 = 19;
/// Fraction digits used when a decimal field declares no `decimal_places`.
const DEFAULT_DECIMAL_PLACES: u32 = 4;

/// Statements creating one model's table.
///
/// Run `create_table` first, then `indexes`, then `foreign_keys` (the latter
/// once every referenced table exists).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableDdl {
    /// The `CREATE TABLE` statement, with columns and table constraints.
    pub create_table: String,
    /// `CREATE INDEX` statements: field indexes, then the model's indexes.
    pub indexes: Vec<String>,
    /// `ALTER TABLE .. ADD CONSTRAINT .. FOREIGN KEY` statements; empty when
    /// the foreign keys are declared inside `create_table`.
    pub foreign_keys: Vec<String>,
}

/// The statements creating `schema`'s table on `backend`.
///
/// Foreign keys are declared inside the `CREATE TABLE` when
/// `inline_foreign_keys` is true, and always on SQLite, which cannot add them
/// later; otherwise they are returned as separate `ALTER TABLE` statements.
pub fn create_table(
    schema: &ModelSchema,
    backend: BackendKind,
    inline_foreign_keys: bool,
) -> TableDdl {
    let (create_table, foreign_keys) =
        create_table_named(schema, backend, inline_foreign_keys, &schema.table);
    TableDdl {
        create_table,
        indexes: table_indexes(schema, backend),
        foreign_keys,
    }
}

/// `CREATE TABLE` for `schema`'s columns and constraints under the name
/// `name`, with the foreign keys inline.
///
/// Constraint names and foreign-key targets still follow `schema.table`, so
/// that the table is right once renamed to it: the SQLite table rebuild
/// creates the new table as `new__{table}` this way.
pub fn create_table_as(schema: &ModelSchema, backend: BackendKind, name: &str) -> String {
    create_table_named(schema, backend, true, name).0
}

/// The `CREATE TABLE` statement named `name` and the separate foreign keys.
fn create_table_named(
    schema: &ModelSchema,
    backend: BackendKind,
    inline_foreign_keys: bool,
    name: &str,
) -> (String, Vec<String>) {
    let table = schema.table.as_ref();
    let inline = inline_foreign_keys || backend == BackendKind::Sqlite;

    let mut items: Vec<String> = schema
        .fields
        .iter()
        .map(|field| column_definition(field, backend))
        .collect();
    items.extend(unique_constraints(schema, backend));
    items.extend(unique_together_constraints(schema, backend));
    items.extend(
        schema
            .checks
            .iter()
            .map(|check| constraints::check_clause(schema, check, backend)),
    );

    let foreign_keys = if inline {
        items.extend(
            schema
                .fields
                .iter()
                .filter_map(|field| foreign_key_constraint(table, field, backend)),
        );
        Vec::new()
    } else {
        schema
            .fields
            .iter()
            .filter_map(|field| add_foreign_key(table, field, backend))
            .collect()
    };

    let create_table = format!(
        "CREATE TABLE {} ({}){}",
        quote_ident(name, backend),
        items.join(", "),
        table_options(backend)
    );
    (create_table, foreign_keys)
}

/// `DROP TABLE` for `table`.
pub fn drop_table(table: &str, backend: BackendKind) -> String {
    format!("DROP TABLE {}", quote_ident(table, backend))
}

/// The column type of `field` on `backend`, e.g. `varchar(200)`.
///
/// An auto-increment primary key is `integer` on SQLite, the only type that
/// makes it an alias of the rowid.
pub fn column_type(field: &FieldSchema, backend: BackendKind) -> String {
    if backend == BackendKind::Sqlite && is_auto_primary_key(field) {
        return "integer".to_owned();
    }
    match field.kind {
        FieldKind::Bool => per_backend(backend, "boolean", "boolean", "bool"),
        FieldKind::SmallInt => "smallint".to_owned(),
        FieldKind::Integer => "integer".to_owned(),
        FieldKind::BigInt | FieldKind::ForeignKey => "bigint".to_owned(),
        FieldKind::Float => per_backend(backend, "real", "real", "float"),
        FieldKind::Double => "double precision".to_owned(),
        FieldKind::Char
        | FieldKind::Slug
        | FieldKind::Email
        | FieldKind::Url
        | FieldKind::File
        | FieldKind::Image => {
            format!(
                "varchar({})",
                field.max_length.unwrap_or(DEFAULT_MAX_LENGTH)
            )
        }
        FieldKind::Text => per_backend(backend, "text", "text", "longtext"),
        FieldKind::Decimal => decimal_type(field, backend),
        FieldKind::DateTime => per_backend(
            backend,
            "datetime",
            "timestamp with time zone",
            "datetime(6)",
        ),
        FieldKind::Date => "date".to_owned(),
        FieldKind::Time => per_backend(backend, "time", "time", "time(6)"),
        FieldKind::Uuid => per_backend(backend, "char(36)", "uuid", "char(36)"),
        FieldKind::Json => per_backend(backend, "text", "jsonb", "json"),
        FieldKind::Binary => per_backend(backend, "blob", "bytea", "longblob"),
    }
}

/// The column as declared in `CREATE TABLE`: quoted name, type, nullability
/// and, for the primary key, `PRIMARY KEY` plus the backend's auto-increment.
pub fn column_definition(field: &FieldSchema, backend: BackendKind) -> String {
    format!(
        "{} {} {}",
        quote_ident(&field.column, backend),
        column_type(field, backend),
        column_constraints(field, backend)
    )
}

/// The column for `ALTER TABLE .. MODIFY COLUMN` on MySQL: quoted name, type,
/// nullability and `AUTO_INCREMENT`, without `PRIMARY KEY` (the key stays).
pub fn column_definition_without_key(field: &FieldSchema, backend: BackendKind) -> String {
    let null = if field.nullable && !field.primary_key {
        "NULL"
    } else {
        "NOT NULL"
    };
    let auto = match backend {
        BackendKind::Mysql if is_auto_primary_key(field) => " AUTO_INCREMENT",
        _ => "",
    };
    format!(
        "{} {} {null}{auto}",
        quote_ident(&field.column, backend),
        column_type(field, backend)
    )
}

/// `name` quoted for `backend`: `"name"` on SQLite and PostgreSQL, `` `name` ``
/// on MySQL, with embedded quote characters doubled.
pub fn quote_ident(name: &str, backend: BackendKind) -> String {
    let (quote, doubled) = match backend {
        BackendKind::Mysql => ("`", "``"),
        BackendKind::Sqlite | BackendKind::Postgres => ("\"", "\"\""),
    };
    format!("{quote}{}{quote}", name.replace(quote, doubled))
}

/// The name of the unique constraint on one column: `{table}_{column}_key`.
pub fn unique_constraint_name(table: &str, column: &str) -> String {
    fit_name(format!("{table}_{column}_key"))
}

/// The name of a unique-together constraint: `{table}_{c1}_{c2}_uniq`.
pub fn unique_together_name(table: &str, columns: &[&str]) -> String {
    fit_name(format!("{table}_{}_uniq", columns.join("_")))
}

/// The name of the index on one column: `{table}_{column}_idx`.
pub fn field_index_name(table: &str, column: &str) -> String {
    fit_name(format!("{table}_{column}_idx"))
}

/// The name of a foreign-key constraint: `{table}_{column}_fk_{to_table}`.
pub fn foreign_key_name(table: &str, column: &str, to_table: &str) -> String {
    fit_name(format!("{table}_{column}_fk_{to_table}"))
}

/// `CREATE [UNIQUE] INDEX` for one of the model's declared indexes.
///
/// The index keeps the name given in the schema; field names prefixed with
/// `-` are indexed in descending order.
pub fn create_index(
    table: &str,
    index: &IndexSchema,
    schema: &ModelSchema,
    backend: BackendKind,
) -> String {
    let unique = if index.unique { "UNIQUE " } else { "" };
    let columns: Vec<String> = index
        .fields
        .iter()
        .map(|entry| index_column(entry, schema, backend))
        .collect();
    format!(
        "CREATE {unique}INDEX {} ON {} ({})",
        quote_ident(&index_name(schema, index), backend),
        quote_ident(table, backend),
        columns.join(", ")
    )
}

/// The name of a model index: the one given, or
/// `{table}_{column}_{column}_idx` (shortened to fit) when it is empty.
///
/// An index with a descending column whose name would clash with another
/// index of the model (the same columns the other way, or a field's own
/// index) marks its descending columns instead: `{table}_{column}_desc_idx`.
/// Names without a clash stay as they always were.
pub fn index_name(schema: &ModelSchema, index: &IndexSchema) -> String {
    if !index.name.is_empty() {
        return index.name.to_string();
    }
    if index.kind == IndexKind::FullText {
        return fit_name(format!("{}_fts", schema.table));
    }
    let plain = derived_index_name(schema, index, false);
    if !index.fields.iter().any(|entry| entry.starts_with('-')) {
        return plain;
    }
    let other_index = schema.indexes.iter().any(|other| {
        other != index
            && if other.name.is_empty() {
                derived_index_name(schema, other, false) == plain
            } else {
                other.name == plain
            }
    });
    let field_index = schema.fields.iter().any(|field| {
        needs_field_index(field) && field_index_name(&schema.table, &field.column) == plain
    });
    if other_index || field_index {
        derived_index_name(schema, index, true)
    } else {
        plain
    }
}

/// `{table}_{column}_{column}_idx`, with `_desc` after each descending
/// column when `with_order`.
fn derived_index_name(schema: &ModelSchema, index: &IndexSchema, with_order: bool) -> String {
    let columns: Vec<String> = index
        .fields
        .iter()
        .map(|entry| {
            let parsed = IndexEntry::parse(entry);
            let name = IndexEntry::field_of(entry);
            match parsed {
                Ok(parsed) if parsed.descending && with_order => {
                    format!("{}_desc", column_of(schema, name))
                }
                _ => column_of(schema, name).to_owned(),
            }
        })
        .collect();
    fit_name(format!("{}_{}_idx", schema.table, columns.join("_")))
}

/// `DROP INDEX` for the index `name` on `table`.
pub fn drop_index(table: &str, name: &str, backend: BackendKind) -> String {
    match backend {
        BackendKind::Mysql => format!(
            "DROP INDEX {} ON {}",
            quote_ident(name, backend),
            quote_ident(table, backend)
        ),
        BackendKind::Sqlite | BackendKind::Postgres => {
            format!("DROP INDEX {}", quote_ident(name, backend))
        }
    }
}

/// `ALTER TABLE .. ADD CONSTRAINT .. FOREIGN KEY` for `field`.
///
/// `None` when the field is not a foreign key, and on SQLite, which cannot add
/// a constraint to an existing table (its foreign keys are always declared in
/// `CREATE TABLE`).
pub fn add_foreign_key(table: &str, field: &FieldSchema, backend: BackendKind) -> Option<String> {
    if backend == BackendKind::Sqlite {
        return None;
    }
    let constraint = foreign_key_constraint(table, field, backend)?;
    Some(format!(
        "ALTER TABLE {} ADD {constraint}",
        quote_ident(table, backend)
    ))
}

/// `ALTER TABLE .. ADD CONSTRAINT .. UNIQUE` over `columns` (PostgreSQL and
/// MySQL; SQLite declares unique constraints only in `CREATE TABLE`).
pub fn add_unique_constraint(
    table: &str,
    name: &str,
    columns: &[&str],
    backend: BackendKind,
) -> String {
    format!(
        "ALTER TABLE {} ADD {}",
        quote_ident(table, backend),
        unique_constraint(name, columns, backend)
    )
}

/// Drops the unique constraint `name`: `DROP CONSTRAINT` on PostgreSQL,
/// `DROP INDEX` on MySQL, where the constraint is an index (SQLite cannot
/// drop a constraint; its table is rebuilt instead).
pub fn drop_unique_constraint(table: &str, name: &str, backend: BackendKind) -> String {
    let what = match backend {
        BackendKind::Mysql => "INDEX",
        BackendKind::Sqlite | BackendKind::Postgres => "CONSTRAINT",
    };
    format!(
        "ALTER TABLE {} DROP {what} {}",
        quote_ident(table, backend),
        quote_ident(name, backend)
    )
}

/// Drops the foreign-key constraint `name`.
///
/// On PostgreSQL the constraint is first made immediate, so that checks still
/// pending in the transaction run and the table can be altered; MySQL uses
/// `DROP FOREIGN KEY`. Empty on SQLite, whose foreign keys are declared in
/// `CREATE TABLE` only.
pub fn drop_foreign_key(table: &str, name: &str, backend: BackendKind) -> Vec<String> {
    let table = quote_ident(table, backend);
    let name = quote_ident(name, backend);
    match backend {
        BackendKind::Sqlite => Vec::new(),
        BackendKind::Postgres => vec![
            format!("SET CONSTRAINTS {name} IMMEDIATE"),
            format!("ALTER TABLE {table} DROP CONSTRAINT {name}"),
        ],
        BackendKind::Mysql => vec![format!("ALTER TABLE {table} DROP FOREIGN KEY {name}")],
    }
}

/// Whether the column is filled in by the database.
fn is_auto_primary_key(field: &FieldSchema) -> bool {
    field.primary_key && field.auto_increment
}

/// One of three spellings, chosen by backend.
fn per_backend(backend: BackendKind, sqlite: &str, postgres: &str, mysql: &str) -> String {
    match backend {
        BackendKind::Sqlite => sqlite,
        BackendKind::Postgres => postgres,
        BackendKind::Mysql => mysql,
    }
    .to_owned()
}

/// `decimal(d, p)`, or `numeric(d, p)` on PostgreSQL.
fn decimal_type(field: &FieldSchema, backend: BackendKind) -> String {
    let name = per_backend(backend, "decimal", "numeric", "decimal");
    let digits = field.max_digits.unwrap_or(DEFAULT_MAX_DIGITS);
    let places = field.decimal_places.unwrap_or(DEFAULT_DECIMAL_PLACES);
    format!("{name}({digits}, {places})")
}

/// Nullability, primary key and auto-increment clauses of a column.
fn column_constraints(field: &FieldSchema, backend: BackendKind) -> &'static str {
    if !field.primary_key {
        return if field.nullable { "NULL" } else { "NOT NULL" };
    }
    if !field.auto_increment {
        return "NOT NULL PRIMARY KEY";
    }
    match backend {
        BackendKind::Sqlite => "NOT NULL PRIMARY KEY AUTOINCREMENT",
        BackendKind::Postgres => "NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY",
        BackendKind::Mysql => "NOT NULL PRIMARY KEY AUTO_INCREMENT",
    }
}

/// Table options following the column list.
/// MySQL tables compare text byte-wise (`utf8mb4_bin`), so `exact`,
/// `contains` and unique constraints are case-sensitive as on the other
/// backends; case-insensitive lookups use `lower()`.
fn table_options(backend: BackendKind) -> &'static str {
    match backend {
        BackendKind::Mysql => " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
        BackendKind::Sqlite | BackendKind::Postgres => "",
    }
}

/// A `UNIQUE` table constraint over `columns`, named `name`.
fn unique_constraint(name: &str, columns: &[&str], backend: BackendKind) -> String {
    format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_ident(name, backend),
        quote_list(columns, backend)
    )
}

/// One `UNIQUE` constraint per unique field other than the primary key.
fn unique_constraints(schema: &ModelSchema, backend: BackendKind) -> Vec<String> {
    schema
        .fields
        .iter()
        .filter(|field| field.unique && !field.primary_key)
        .map(|field| {
            let name = unique_constraint_name(&schema.table, &field.column);
            unique_constraint(&name, &[field.column.as_ref()], backend)
        })
        .collect()
}

/// One `UNIQUE` constraint per unique-together group.
fn unique_together_constraints(schema: &ModelSchema, backend: BackendKind) -> Vec<String> {
    schema
        .unique_together
        .iter()
        .filter(|group| !group.is_empty())
        .map(|group| {
            let columns: Vec<&str> = group.iter().map(|name| column_of(schema, name)).collect();
            let name = unique_together_name(&schema.table, &columns);
            unique_constraint(&name, &columns, backend)
        })
        .collect()
}

/// The `CONSTRAINT .. FOREIGN KEY .. REFERENCES ..` clause for `field`, or
/// `None` when it is not a foreign key.
fn foreign_key_constraint(
    table: &str,
    field: &FieldSchema,
    backend: BackendKind,
) -> Option<String> {
    let target = field.foreign_key.as_ref()?;
    Some(format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){}",
        quote_ident(
            &foreign_key_name(table, &field.column, &target.to_table),
            backend
        ),
        quote_ident(&field.column, backend),
        quote_ident(&target.to_table, backend),
        quote_ident(&target.to_column, backend),
        deferrable(backend)
    ))
}

/// `DEFERRABLE INITIALLY DEFERRED` on PostgreSQL, so that rows may point at
/// rows inserted later in the same transaction.
fn deferrable(backend: BackendKind) -> &'static str {
    match backend {
        BackendKind::Postgres => " DEFERRABLE INITIALLY DEFERRED",
        BackendKind::Sqlite | BackendKind::Mysql => "",
    }
}

/// `CREATE INDEX` statements of a table: field indexes, then the model's
/// declared indexes.
pub fn table_indexes(schema: &ModelSchema, backend: BackendKind) -> Vec<String> {
    let table = schema.table.as_ref();
    let field_indexes = schema
        .fields
        .iter()
        .filter(|field| needs_field_index(field))
        .map(|field| field_index(table, field, backend));
    let model_indexes = schema
        .indexes
        .iter()
        .flat_map(|index| index_statements(index, schema, backend));
    field_indexes.chain(model_indexes).collect()
}

/// The statements making one of the model's declared indexes: a
/// `CREATE INDEX`, or those of its full-text index.
pub fn index_statements(
    index: &IndexSchema,
    schema: &ModelSchema,
    backend: BackendKind,
) -> Vec<String> {
    match index.kind {
        IndexKind::Plain if constraints::is_special(index) => {
            constraints::create(schema, index, backend)
        }
        IndexKind::Plain => vec![create_index(&schema.table, index, schema, backend)],
        IndexKind::FullText => full_text::create(schema, index, backend),
    }
}

/// Whether `field` gets its own index: indexed fields and foreign keys, unless
/// a unique constraint or the primary key already indexes the column.
pub fn needs_field_index(field: &FieldSchema) -> bool {
    (field.index || field.foreign_key.is_some()) && !field.unique && !field.primary_key
}

/// `CREATE INDEX` on one field's column, named by [`field_index_name`].
pub fn field_index(table: &str, field: &FieldSchema, backend: BackendKind) -> String {
    format!(
        "CREATE INDEX {} ON {} ({})",
        quote_ident(&field_index_name(table, &field.column), backend),
        quote_ident(table, backend),
        quote_ident(&field.column, backend)
    )
}

/// One quoted index column; a `-` prefix makes it descending.
fn index_column(entry: &str, schema: &ModelSchema, backend: BackendKind) -> String {
    match entry.strip_prefix('-') {
        Some(name) => format!("{} DESC", quote_ident(column_of(schema, name), backend)),
        None => quote_ident(column_of(schema, entry), backend),
    }
}

/// The column of the field named `name`; the name itself when no field has it.
pub(crate) fn column_of<'a>(schema: &'a ModelSchema, name: &'a str) -> &'a str {
    schema
        .field(name)
        .map_or(name, |field| field.column.as_ref())
}

/// Quoted, comma-separated identifiers.
fn quote_list(names: &[&str], backend: BackendKind) -> String {
    let quoted: Vec<String> = names
        .iter()
        .map(|name| quote_ident(name, backend))
        .collect();
    quoted.join(", ")
}

/// `name` unchanged when it fits every backend; otherwise cut short and
/// suffixed with `_` and eight hex digits of a hash of the full name.
fn fit_name(name: String) -> String {
    if name.len() <= MAX_NAME_LEN {
        return name;
    }
    let budget = MAX_NAME_LEN - HASH_SUFFIX_LEN;
    let prefix: String = name
        .char_indices()
        .take_while(|(at, c)| at + c.len_utf8() <= budget)
        .map(|(_, c)| c)
        .collect();
    format!(
        "{}_{:08x}",
        prefix.trim_end_matches('_'),
        fnv1a(name.as_bytes())
    )
}

/// 32-bit FNV-1a: a small, stable hash.
fn fnv1a(bytes: &[u8]) -> u32 {
    const OFFSET_BASIS: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ForeignKeySchema, OnDelete};
    use std::borrow::Cow;

    const SQLITE: BackendKind = BackendKind::Sqlite;
    const PG: BackendKind = BackendKind::Postgres;
    const MYSQL: BackendKind = BackendKind::Mysql;

    fn field(name: &'static str, kind: FieldKind) -> FieldSchema {
        FieldSchema::new(name, name, kind)
    }

    fn sized(name: &'static str, kind: FieldKind, max_length: u32) -> FieldSchema {
        FieldSchema {
            max_length: Some(max_length),
            ..field(name, kind)
        }
    }

    fn nullable(name: &'static str, kind: FieldKind) -> FieldSchema {
        FieldSchema {
            nullable: true,
            ..field(name, kind)
        }
    }

    fn article() -> ModelSchema {
        let fields = vec![
            FieldSchema {
                primary_key: true,
                auto_increment: true,
                ..field("id", FieldKind::BigInt)
            },
            sized("title", FieldKind::Char, 200),
            FieldSchema {
                unique: true,
                ..sized("slug", FieldKind::Slug, 50)
            },
            FieldSchema {
                foreign_key: Some(ForeignKeySchema {
                    to: Cow::Borrowed("auth.User"),
                    to_table: Cow::Borrowed("auth_user"),
                    to_column: Cow::Borrowed("id"),
                    on_delete: OnDelete::Cascade,
                    related_name: Cow::Borrowed("articles"),
                }),
                ..FieldSchema::new("author", "author_id", FieldKind::ForeignKey)
            },
            field("content", FieldKind::Text),
            field("published_date", FieldKind::DateTime),
            field("is_published", FieldKind::Bool),
            nullable("score", FieldKind::Double),
            FieldSchema {
                max_digits: Some(10),
                decimal_places: Some(2),
                ..field("price", FieldKind::Decimal)
            },
            nullable("tag", FieldKind::Uuid),
            field("data", FieldKind::Json),
            field("blob", FieldKind::Binary),
        ];
        let indexes = vec![
            IndexSchema {
                name: Cow::Borrowed("article_slug_idx"),
                fields: Cow::Owned(vec![Cow::Borrowed("slug")]),
                unique: false,
                kind: crate::schema::IndexKind::Plain,
                condition: "".into(),
            },
            IndexSchema {
                name: Cow::Borrowed("article_published_idx"),
                fields: Cow::Owned(vec![Cow::Borrowed("-published_date")]),
                unique: false,
                kind: crate::schema::IndexKind::Plain,
                condition: "".into(),
            },
        ];
        ModelSchema {
            name: Cow::Borrowed("Article"),
            app_label: Cow::Borrowed("blog"),
            table: Cow::Borrowed("blog_article"),
            verbose_name: Cow::Borrowed("article"),
            verbose_name_plural: Cow::Borrowed("articles"),
            fields: Cow::Owned(fields),
            ordering: Cow::Borrowed(&[]),
            indexes: Cow::Owned(indexes),
            unique_together: Cow::Owned(vec![Cow::Owned(vec![
                Cow::Borrowed("title"),
                Cow::Borrowed("author"),
            ])]),
            checks: Cow::Borrowed(&[]),
            auto_created: false,
            many_to_many: Cow::Borrowed(&[]),
        }
    }

    fn author(schema: &ModelSchema) -> &FieldSchema {
        &schema.fields[3]
    }

    #[test]
    fn sqlite_create_table_inlines_foreign_keys() {
        let ddl = create_table(&article(), SQLITE, false);
        assert_eq!(
            ddl.create_table,
            concat!(
                r#"CREATE TABLE "blog_article" ("#,
                r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
                r#""title" varchar(200) NOT NULL, "#,
                r#""slug" varchar(50) NOT NULL, "#,
                r#""author_id" bigint NOT NULL, "#,
                r#""content" text NOT NULL, "#,
                r#""published_date" datetime NOT NULL, "#,
                r#""is_published" boolean NOT NULL, "#,
                r#""score" double precision NULL, "#,
                r#""price" decimal(10, 2) NOT NULL, "#,
                r#""tag" char(36) NULL, "#,
                r#""data" text NOT NULL, "#,
                r#""blob" blob NOT NULL, "#,
                r#"CONSTRAINT "blog_article_slug_key" UNIQUE ("slug"), "#,
                r#"CONSTRAINT "blog_article_title_author_id_uniq" UNIQUE ("title", "author_id"), "#,
                r#"CONSTRAINT "blog_article_author_id_fk_auth_user" "#,
                r#"FOREIGN KEY ("author_id") REFERENCES "auth_user" ("id"))"#,
            )
        );
        assert_eq!(
            ddl.indexes,
            [
                r#"CREATE INDEX "blog_article_author_id_idx" ON "blog_article" ("author_id")"#,
                r#"CREATE INDEX "article_slug_idx" ON "blog_article" ("slug")"#,
                r#"CREATE INDEX "article_published_idx" ON "blog_article" ("published_date" DESC)"#,
            ]
        );
        assert!(ddl.foreign_keys.is_empty());
    }

    #[test]
    fn postgres_create_table_with_separate_foreign_keys() {
        let ddl = create_table(&article(), PG, false);
        assert_eq!(
            ddl.create_table,
            concat!(
                r#"CREATE TABLE "blog_article" ("#,
                r#""id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "#,
                r#""title" varchar(200) NOT NULL, "#,
                r#""slug" varchar(50) NOT NULL, "#,
                r#""author_id" bigint NOT NULL, "#,
                r#""content" text NOT NULL, "#,
                r#""published_date" timestamp with time zone NOT NULL, "#,
                r#""is_published" boolean NOT NULL, "#,
                r#""score" double precision NULL, "#,
                r#""price" numeric(10, 2) NOT NULL, "#,
                r#""tag" uuid NULL, "#,
                r#""data" jsonb NOT NULL, "#,
                r#""blob" bytea NOT NULL, "#,
                r#"CONSTRAINT "blog_article_slug_key" UNIQUE ("slug"), "#,
                r#"CONSTRAINT "blog_article_title_author_id_uniq" UNIQUE ("title", "author_id"))"#,
            )
        );
        assert_eq!(
            ddl.indexes,
            [
                r#"CREATE INDEX "blog_article_author_id_idx" ON "blog_article" ("author_id")"#,
                r#"CREATE INDEX "article_slug_idx" ON "blog_article" ("slug")"#,
                r#"CREATE INDEX "article_published_idx" ON "blog_article" ("published_date" DESC)"#,
            ]
        );
        assert_eq!(
            ddl.foreign_keys,
            [concat!(
                r#"ALTER TABLE "blog_article" ADD CONSTRAINT "blog_article_author_id_fk_auth_user" "#,
                r#"FOREIGN KEY ("author_id") REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED"#,
            )]
        );
    }

    #[test]
    fn postgres_inline_foreign_key_is_deferrable() {
        let ddl = create_table(&article(), PG, true);
        assert!(ddl.foreign_keys.is_empty());
        assert!(ddl.create_table.ends_with(concat!(
            r#"CONSTRAINT "blog_article_author_id_fk_auth_user" FOREIGN KEY ("author_id") "#,
            r#"REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
        )));
    }

    #[test]
    fn mysql_create_table_inline() {
        let ddl = create_table(&article(), MYSQL, true);
        assert_eq!(
            ddl.create_table,
            concat!(
                "CREATE TABLE `blog_article` (",
                "`id` bigint NOT NULL PRIMARY KEY AUTO_INCREMENT, ",
                "`title` varchar(200) NOT NULL, ",
                "`slug` varchar(50) NOT NULL, ",
                "`author_id` bigint NOT NULL, ",
                "`content` longtext NOT NULL, ",
                "`published_date` datetime(6) NOT NULL, ",
                "`is_published` bool NOT NULL, ",
                "`score` double precision NULL, ",
                "`price` decimal(10, 2) NOT NULL, ",
                "`tag` char(36) NULL, ",
                "`data` json NOT NULL, ",
                "`blob` longblob NOT NULL, ",
                "CONSTRAINT `blog_article_slug_key` UNIQUE (`slug`), ",
                "CONSTRAINT `blog_article_title_author_id_uniq` UNIQUE (`title`, `author_id`), ",
                "CONSTRAINT `blog_article_author_id_fk_auth_user` ",
                "FOREIGN KEY (`author_id`) REFERENCES `auth_user` (`id`)",
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
            )
        );
        assert_eq!(
            ddl.indexes,
            [
                "CREATE INDEX `blog_article_author_id_idx` ON `blog_article` (`author_id`)",
                "CREATE INDEX `article_slug_idx` ON `blog_article` (`slug`)",
                "CREATE INDEX `article_published_idx` ON `blog_article` (`published_date` DESC)",
            ]
        );
        assert!(ddl.foreign_keys.is_empty());
    }

    #[test]
    fn mysql_separate_foreign_key() {
        let ddl = create_table(&article(), MYSQL, false);
        assert!(!ddl.create_table.contains("FOREIGN KEY"));
        assert_eq!(
            ddl.foreign_keys,
            [concat!(
                "ALTER TABLE `blog_article` ADD CONSTRAINT `blog_article_author_id_fk_auth_user` ",
                "FOREIGN KEY (`author_id`) REFERENCES `auth_user` (`id`)",
            )]
        );
    }

    #[test]
    fn add_foreign_key_only_for_foreign_keys_outside_sqlite() {
        let schema = article();
        assert_eq!(add_foreign_key("blog_article", &schema.fields[1], PG), None);
        assert_eq!(
            add_foreign_key("blog_article", author(&schema), SQLITE),
            None
        );
        assert!(add_foreign_key("blog_article", author(&schema), MYSQL).is_some());
    }

    #[test]
    fn primary_keys() {
        let small = FieldSchema {
            primary_key: true,
            auto_increment: true,
            ..field("id", FieldKind::SmallInt)
        };
        assert_eq!(
            column_definition(&small, PG),
            r#""id" smallint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY"#
        );
        assert_eq!(
            column_definition(&small, SQLITE),
            r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT"#
        );
        let code = FieldSchema {
            primary_key: true,
            ..sized("code", FieldKind::Char, 12)
        };
        assert_eq!(
            column_definition(&code, MYSQL),
            "`code` varchar(12) NOT NULL PRIMARY KEY"
        );
        assert_eq!(column_type(&code, SQLITE), "varchar(12)");
    }

    #[test]
    fn column_types_per_backend() {
        let cases: [(FieldKind, [&str; 3]); 12] = [
            (FieldKind::Bool, ["boolean", "boolean", "bool"]),
            (FieldKind::SmallInt, ["smallint", "smallint", "smallint"]),
            (FieldKind::Integer, ["integer", "integer", "integer"]),
            (FieldKind::ForeignKey, ["bigint", "bigint", "bigint"]),
            (FieldKind::Float, ["real", "real", "float"]),
            (
                FieldKind::Email,
                ["varchar(255)", "varchar(255)", "varchar(255)"],
            ),
            (
                FieldKind::Url,
                ["varchar(255)", "varchar(255)", "varchar(255)"],
            ),
            (
                FieldKind::Decimal,
                ["decimal(19, 4)", "numeric(19, 4)", "decimal(19, 4)"],
            ),
            (FieldKind::Date, ["date", "date", "date"]),
            (FieldKind::Time, ["time", "time", "time(6)"]),
            (FieldKind::Json, ["text", "jsonb", "json"]),
            (FieldKind::Binary, ["blob", "bytea", "longblob"]),
        ];
        for (kind, expected) in cases {
            let column = field("c", kind);
            let actual = [SQLITE, PG, MYSQL].map(|backend| column_type(&column, backend));
            assert_eq!(actual, expected, "{kind:?}");
        }
    }

    #[test]
    fn unique_model_index() {
        let schema = article();
        let index = IndexSchema {
            name: Cow::Borrowed("article_author_title"),
            fields: Cow::Owned(vec![Cow::Borrowed("author"), Cow::Borrowed("-title")]),
            unique: true,
            kind: crate::schema::IndexKind::Plain,
            condition: "".into(),
        };
        assert_eq!(
            create_index("blog_article", &index, &schema, PG),
            r#"CREATE UNIQUE INDEX "article_author_title" ON "blog_article" ("author_id", "title" DESC)"#
        );
    }

    #[test]
    fn drop_statements() {
        assert_eq!(
            drop_table("blog_article", PG),
            r#"DROP TABLE "blog_article""#
        );
        assert_eq!(
            drop_table("blog_article", MYSQL),
            "DROP TABLE `blog_article`"
        );
        assert_eq!(drop_index("blog_article", "i", SQLITE), r#"DROP INDEX "i""#);
        assert_eq!(
            drop_index("blog_article", "i", MYSQL),
            "DROP INDEX `i` ON `blog_article`"
        );
    }

    #[test]
    fn quoting_doubles_quote_characters() {
        assert_eq!(quote_ident(r#"a"b"#, SQLITE), r#""a""b""#);
        assert_eq!(quote_ident(r#"a"b"#, PG), r#""a""b""#);
        assert_eq!(quote_ident("a`b", MYSQL), "`a``b`");
        assert_eq!(quote_ident(r#"a"b"#, MYSQL), r#"`a"b`"#);
    }

    #[test]
    fn short_names_are_unchanged() {
        assert_eq!(unique_constraint_name("t", "c"), "t_c_key");
        assert_eq!(unique_together_name("t", &["a", "b"]), "t_a_b_uniq");
        assert_eq!(field_index_name("t", "c"), "t_c_idx");
        assert_eq!(foreign_key_name("t", "c", "u"), "t_c_fk_u");
    }

    #[test]
    fn long_names_are_shortened_stably() {
        let table = "a_rather_long_application_label_with_a_long_model_name";
        let first = foreign_key_name(table, "first_author_id", "auth_user");
        let second = foreign_key_name(table, "second_author_id", "auth_user");
        assert_eq!(first.len(), MAX_NAME_LEN);
        assert_eq!(
            first,
            foreign_key_name(table, "first_author_id", "auth_user")
        );
        assert_ne!(first, second);
        let full = format!("{table}_first_author_id_fk_auth_user");
        assert_eq!(
            first,
            format!(
                "{}_{:08x}",
                &full[..MAX_NAME_LEN - HASH_SUFFIX_LEN],
                fnv1a(full.as_bytes())
            )
        );
        let exact = "x".repeat(MAX_NAME_LEN - 4);
        assert_eq!(field_index_name(&exact, "").len(), MAX_NAME_LEN);
    }

    #[test]
    fn long_names_respect_character_boundaries() {
        let name = unique_together_name(&"é".repeat(40), &["ü", "ö"]);
        assert!(name.len() <= MAX_NAME_LEN);
        assert!(name.starts_with("éé"));
    }

    #[test]
    fn fnv1a_matches_reference_values() {
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn indexes_differing_by_order_get_different_names() {
        let mut schema = article();
        let unnamed = |fields: &[&'static str]| IndexSchema {
            name: Cow::Borrowed(""),
            fields: Cow::Owned(fields.iter().map(|f| Cow::Borrowed(*f)).collect()),
            unique: false,
            kind: crate::schema::IndexKind::Plain,
            condition: "".into(),
        };
        schema.indexes = Cow::Owned(vec![unnamed(&["title"]), unnamed(&["-title"])]);
        let names: Vec<String> = schema
            .indexes
            .iter()
            .map(|index| index_name(&schema, index))
            .collect();
        assert_eq!(
            names,
            ["blog_article_title_idx", "blog_article_title_desc_idx"]
        );
        schema.indexes = Cow::Owned(vec![unnamed(&["-title"])]);
        assert_eq!(
            index_name(&schema, &schema.indexes[0]),
            "blog_article_title_idx",
            "alone, a descending index keeps its name"
        );
        schema.indexes = Cow::Owned(vec![unnamed(&["-author"])]);
        assert_eq!(
            index_name(&schema, &schema.indexes[0]),
            "blog_article_author_id_desc_idx",
            "the foreign key's own index has the plain name"
        );
    }
}
