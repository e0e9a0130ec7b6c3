//! The schema editor against real databases: every change is applied to a
//! table holding rows, on every configured backend, and the rows and the new
//! schema are checked afterwards.

use std::borrow::Cow;

use orm_core::__private::diesel;
use orm_core::__private::diesel::connection::SimpleConnection;
use orm_core::__private::diesel::sql_types::{BigInt, Nullable, Text};
use orm_core::__private::diesel::{QueryableByName, RunQueryDsl};
use orm_core::backend::schema_editor as editor;
use orm_core::db::BackendKind;
use orm_core::schema::{
    DefaultValue, FieldKind, FieldSchema, ForeignKeySchema, IndexSchema, ModelSchema, OnDelete,
};
use orm_core::AnyConnection;
use tests::backends::{configured, fresh};

// ---------------------------------------------------------------- schemas

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

fn nullable(field: FieldSchema) -> FieldSchema {
    FieldSchema {
        nullable: true,
        ..field
    }
}

fn foreign_key(name: &'static str, column: &'static str, to_table: &'static str) -> FieldSchema {
    FieldSchema {
        foreign_key: Some(ForeignKeySchema {
            to: Cow::Owned(format!("se.{to_table}")),
            to_table: Cow::Borrowed(to_table),
            to_column: Cow::Borrowed("id"),
            on_delete: OnDelete::Cascade,
            related_name: Cow::Borrowed("+"),
        }),
        ..FieldSchema::new(name, column, FieldKind::ForeignKey)
    }
}

fn model(name: &'static str, table: &'static str, fields: Vec<FieldSchema>) -> ModelSchema {
    ModelSchema {
        name: Cow::Borrowed(name),
        app_label: Cow::Borrowed("se"),
        table: Cow::Borrowed(table),
        verbose_name: Cow::Borrowed(name),
        verbose_name_plural: Cow::Borrowed(name),
        fields: Cow::Owned(fields),
        ordering: Cow::Borrowed(&[]),
        indexes: Cow::Borrowed(&[]),
        unique_together: Cow::Borrowed(&[]),
        checks: Cow::Borrowed(&[]),
        auto_created: false,
        many_to_many: Cow::Borrowed(&[]),
    }
}

fn with(schema: &ModelSchema, field: FieldSchema) -> ModelSchema {
    let mut fields = schema.fields.to_vec();
    fields.push(field);
    ModelSchema {
        fields: Cow::Owned(fields),
        ..schema.clone()
    }
}

fn without(schema: &ModelSchema, name: &str) -> ModelSchema {
    let fields: Vec<FieldSchema> = schema
        .fields
        .iter()
        .filter(|f| f.name != name)
        .cloned()
        .collect();
    ModelSchema {
        fields: Cow::Owned(fields),
        ..schema.clone()
    }
}

fn changed(schema: &ModelSchema, name: &str, change: impl FnOnce(&mut FieldSchema)) -> ModelSchema {
    let mut fields = schema.fields.to_vec();
    let field = fields
        .iter_mut()
        .find(|f| f.name == name)
        .expect("the field to change");
    change(field);
    ModelSchema {
        fields: Cow::Owned(fields),
        ..schema.clone()
    }
}

fn together(schema: &ModelSchema, groups: &[&[&'static str]]) -> ModelSchema {
    let groups: Vec<_> = groups
        .iter()
        .map(|group| Cow::Owned(group.iter().map(|name| Cow::Borrowed(*name)).collect()))
        .collect();
    ModelSchema {
        unique_together: Cow::Owned(groups),
        auto_created: false,
        many_to_many: Cow::Borrowed(&[]),
        ..schema.clone()
    }
}

// ------------------------------------------------------- running and reading

/// Runs one migration's statements the way a migration runner does: in a
/// transaction where DDL is transactional, with foreign keys off around it
/// and checked before commit on SQLite.
fn apply(conn: &mut AnyConnection, kind: BackendKind, statements: &[String]) -> Result<(), String> {
    let run = |conn: &mut AnyConnection| -> Result<(), String> {
        for statement in statements {
            conn.batch_execute(statement)
                .map_err(|e| format!("{e}\n  SQL: {statement}"))?;
        }
        Ok(())
    };
    match kind {
        BackendKind::Sqlite => {
            conn.batch_execute(editor::sqlite_prologue()).unwrap();
            conn.batch_execute("BEGIN").unwrap();
            let result = run(conn).and_then(|()| match foreign_key_problems(conn) {
                0 => Ok(()),
                n => Err(format!("{n} rows fail the foreign key check")),
            });
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            conn.batch_execute(end).unwrap();
            conn.batch_execute(editor::sqlite_epilogue()).unwrap();
            result
        }
        _ if editor::transactional_ddl(kind) => {
            conn.batch_execute("BEGIN").unwrap();
            let result = run(conn);
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            conn.batch_execute(end).unwrap();
            result
        }
        _ => run(conn),
    }
}

fn migrate(conn: &mut AnyConnection, kind: BackendKind, statements: Vec<String>) {
    assert!(!statements.is_empty(), "{kind}: a change with no SQL");
    if let Err(e) = apply(conn, kind, &statements) {
        panic!("{kind}: {e}");
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn foreign_key_problems(conn: &mut AnyConnection) -> i64 {
    match conn {
        AnyConnection::Sqlite(sqlite) => {
            diesel::sql_query(editor::sqlite_foreign_key_check())
                .get_result::<Count>(sqlite)
                .unwrap()
                .n
        }
        #[allow(unreachable_patterns)]
        _ => 0,
    }
}

fn exec(conn: &mut AnyConnection, sql: &str) -> Result<(), String> {
    conn.batch_execute(sql).map_err(|e| e.to_string())
}

fn ok(conn: &mut AnyConnection, kind: BackendKind, sql: &str) {
    if let Err(e) = exec(conn, sql) {
        panic!("{kind}: {sql}: {e}");
    }
}

fn refused(conn: &mut AnyConnection, kind: BackendKind, sql: &str, why: &str) {
    assert!(
        exec(conn, sql).is_err(),
        "{kind}: expected {why} to refuse: {sql}"
    );
}

/// `SELECT <expr>` where `expr` is text or NULL, one value per row.
fn texts(conn: &mut AnyConnection, query: &str) -> Vec<Option<String>> {
    diesel::select(diesel::dsl::sql::<Nullable<Text>>(query))
        .load(conn)
        .unwrap_or_else(|e| panic!("SELECT {query}: {e}"))
}

/// `column` of `table` as text, by id.
fn column(
    conn: &mut AnyConnection,
    kind: BackendKind,
    table: &str,
    column: &str,
) -> Vec<Option<String>> {
    let text = match kind {
        BackendKind::Mysql => "CHAR",
        _ => "TEXT",
    };
    texts(
        conn,
        &format!("CAST({column} AS {text}) FROM {table} ORDER BY id"),
    )
}

fn strings(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some((*v).to_owned())).collect()
}

fn index_names(conn: &mut AnyConnection, kind: BackendKind, table: &str) -> Vec<String> {
    let query = match kind {
        BackendKind::Sqlite => format!(
            "name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ),
        BackendKind::Postgres => format!(
            "CAST(indexname AS TEXT) FROM pg_indexes WHERE tablename = '{table}' ORDER BY 1"
        ),
        BackendKind::Mysql => format!(
            "DISTINCT INDEX_NAME FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' ORDER BY 1"
        ),
    };
    texts(conn, &query).into_iter().flatten().collect()
}

fn count(conn: &mut AnyConnection, table: &str) -> i64 {
    diesel::select(diesel::dsl::sql::<BigInt>(&format!(
        "CAST(COUNT(*) AS {}) FROM {table}",
        match conn.backend() {
            BackendKind::Mysql => "SIGNED",
            _ => "BIGINT",
        }
    )))
    .get_result(conn)
    .unwrap()
}

// ------------------------------------------------------------------- tests

/// One model through every kind of change, with rows in it all along.
#[test]
fn changes_keep_rows_and_take_effect() {
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let mut conn = test_db.db.conn().unwrap();
        let conn = &mut *conn;

        let author = model("Author", "se_author", vec![id(), char_field("name", 50)]);
        let mut book = model(
            "Book",
            "se_book",
            vec![
                id(),
                char_field("title", 100),
                nullable(FieldSchema::new("pages", "pages", FieldKind::Integer)),
            ],
        );
        let review = model(
            "Review",
            "se_review",
            vec![
                id(),
                foreign_key("book", "book_id", "se_book"),
                FieldSchema::new("stars", "stars", FieldKind::Integer),
            ],
        );
        for schema in [&author, &book, &review] {
            migrate(conn, kind, editor::create_model(schema, kind));
        }
        ok(
            conn,
            kind,
            "INSERT INTO se_author (id, name) VALUES (1, 'Ann'), (2, 'Bob')",
        );
        ok(
            conn,
            kind,
            "INSERT INTO se_book (id, title, pages) VALUES (1, 'Dune', 412), (2, 'Emma', NULL), (3, 'It''s', 100)",
        );
        ok(
            conn,
            kind,
            "INSERT INTO se_review (id, book_id, stars) VALUES (1, 1, 5), (2, 2, 3)",
        );

        // A NOT NULL field with a default: existing rows take it.
        let before = book.clone();
        book = with(
            &book,
            FieldSchema {
                default: Some(DefaultValue::Str(Cow::Borrowed("draft"))),
                ..char_field("status", 20)
            },
        );
        migrate(
            conn,
            kind,
            editor::add_field(&before, &book, "status", kind),
        );
        assert_eq!(
            column(conn, kind, "se_book", "status"),
            strings(&["draft", "draft", "draft"]),
            "{kind}"
        );
        ok(
            conn,
            kind,
            "INSERT INTO se_book (id, title, pages, status) VALUES (4, 'Ulysses', 730, 'published')",
        );
        refused(
            conn,
            kind,
            "INSERT INTO se_book (id, title, status) VALUES (5, 'X', NULL)",
            "NOT NULL",
        );
        if kind != BackendKind::Sqlite {
            refused(
                conn,
                kind,
                "INSERT INTO se_book (id, title) VALUES (5, 'X')",
                "a column without a database default",
            );
        }

        // A nullable field: existing rows hold NULL.
        let before = book.clone();
        book = with(
            &book,
            nullable(FieldSchema::new("note", "note", FieldKind::Text)),
        );
        migrate(conn, kind, editor::add_field(&before, &book, "note", kind));
        assert_eq!(
            column(conn, kind, "se_book", "note"),
            vec![None; 4],
            "{kind}"
        );
        ok(
            conn,
            kind,
            "UPDATE se_book SET note = 'a note' WHERE id = 1",
        );

        // Defaults of other kinds, quoted and escaped per backend; added,
        // checked and removed again.
        let plain = book.clone();
        let mut extended = book.clone();
        let extra = [
            FieldSchema {
                default: Some(DefaultValue::Str(Cow::Borrowed(r"it's a \ test"))),
                ..FieldSchema::new("blurb", "blurb", FieldKind::Text)
            },
            FieldSchema {
                default: Some(DefaultValue::Bool(true)),
                ..FieldSchema::new("available", "available", FieldKind::Bool)
            },
            FieldSchema {
                default: Some(DefaultValue::Str(Cow::Borrowed(r#"{"a": 1}"#))),
                ..FieldSchema::new("meta", "meta", FieldKind::Json)
            },
            FieldSchema {
                default: Some(DefaultValue::Float(2.5)),
                ..FieldSchema::new("weight", "weight", FieldKind::Double)
            },
        ];
        for field in extra {
            let before = extended.clone();
            let name = field.name.clone();
            extended = with(&extended, field);
            migrate(
                conn,
                kind,
                editor::add_field(&before, &extended, &name, kind),
            );
        }
        assert_eq!(
            column(conn, kind, "se_book", "blurb"),
            strings(&[r"it's a \ test"; 4]),
            "{kind}"
        );
        let truth = if kind == BackendKind::Postgres {
            "true"
        } else {
            "1"
        };
        assert_eq!(
            column(conn, kind, "se_book", "available"),
            strings(&[truth; 4]),
            "{kind}"
        );
        assert_eq!(
            column(conn, kind, "se_book", "weight"),
            strings(&["2.5"; 4]),
            "{kind}"
        );
        for value in column(conn, kind, "se_book", "meta") {
            let json: serde_json::Value = serde_json::from_str(&value.unwrap()).unwrap();
            assert_eq!(json, serde_json::json!({"a": 1}), "{kind}");
        }
        for name in ["weight", "meta", "available", "blurb"] {
            let before = extended.clone();
            extended = without(&extended, name);
            migrate(
                conn,
                kind,
                editor::remove_field(&before, &extended, name, kind),
            );
        }
        assert_eq!(extended, plain);

        // A foreign key (SQLite rebuilds the table other rows point at).
        let before = book.clone();
        book = with(
            &book,
            nullable(foreign_key("author", "author_id", "se_author")),
        );
        migrate(
            conn,
            kind,
            editor::add_field(&before, &book, "author", kind),
        );
        assert_eq!(count(conn, "se_book"), 4, "{kind}");
        assert_eq!(
            column(conn, kind, "se_book", "title"),
            strings(&["Dune", "Emma", "It's", "Ulysses"]),
            "{kind}"
        );
        assert_eq!(
            column(conn, kind, "se_book", "note"),
            vec![Some("a note".to_owned()), None, None, None],
            "{kind}"
        );
        ok(
            conn,
            kind,
            "UPDATE se_book SET author_id = 1 WHERE id IN (1, 3)",
        );
        ok(
            conn,
            kind,
            "UPDATE se_book SET author_id = 2 WHERE id IN (2, 4)",
        );
        refused(
            conn,
            kind,
            "UPDATE se_book SET author_id = 99 WHERE id = 1",
            "the new foreign key",
        );
        refused(
            conn,
            kind,
            "DELETE FROM se_book WHERE id = 1",
            "the review's foreign key to the rebuilt table",
        );
        assert!(
            index_names(conn, kind, "se_book").contains(&"se_book_author_id_idx".to_owned()),
            "{kind}"
        );

        // A unique field.
        let before = book.clone();
        book = with(
            &book,
            FieldSchema {
                unique: true,
                ..nullable(char_field("isbn", 20))
            },
        );
        migrate(conn, kind, editor::add_field(&before, &book, "isbn", kind));
        ok(
            conn,
            kind,
            "UPDATE se_book SET isbn = 'isbn-1' WHERE id = 1",
        );
        refused(
            conn,
            kind,
            "UPDATE se_book SET isbn = 'isbn-1' WHERE id = 2",
            "the unique constraint",
        );
        assert_eq!(count(conn, "se_book"), 4, "{kind}");

        // NULL to NOT NULL with a default: the NULLs take the default.
        let before = book.clone();
        book = changed(&book, "pages", |f| {
            f.nullable = false;
            f.default = Some(DefaultValue::Int(0));
        });
        migrate(
            conn,
            kind,
            editor::alter_field(&before, &book, "pages", kind),
        );
        assert_eq!(
            column(conn, kind, "se_book", "pages"),
            strings(&["412", "0", "100", "730"]),
            "{kind}"
        );
        refused(
            conn,
            kind,
            "UPDATE se_book SET pages = NULL WHERE id = 1",
            "NOT NULL",
        );

        // A longer type and an index.
        let before = book.clone();
        book = changed(&book, "title", |f| {
            f.max_length = Some(200);
            f.index = true;
        });
        migrate(
            conn,
            kind,
            editor::alter_field(&before, &book, "title", kind),
        );
        let long = "x".repeat(150);
        ok(
            conn,
            kind,
            &format!("UPDATE se_book SET title = '{long}' WHERE id = 4"),
        );
        assert!(
            index_names(conn, kind, "se_book").contains(&"se_book_title_idx".to_owned()),
            "{kind}"
        );

        // Rename a field and its column.
        let before = book.clone();
        book = changed(&book, "title", |f| {
            f.name = Cow::Borrowed("headline");
            f.column = Cow::Borrowed("headline");
        });
        migrate(
            conn,
            kind,
            editor::rename_field(&before, &book, "title", "headline", kind),
        );
        assert_eq!(
            column(conn, kind, "se_book", "headline"),
            vec![
                Some("Dune".to_owned()),
                Some("Emma".to_owned()),
                Some("It's".to_owned()),
                Some(long.clone())
            ],
            "{kind}"
        );
        let indexes = index_names(conn, kind, "se_book");
        assert!(
            indexes.contains(&"se_book_headline_idx".to_owned()),
            "{kind}: {indexes:?}"
        );
        assert!(
            !indexes.contains(&"se_book_title_idx".to_owned()),
            "{kind}: {indexes:?}"
        );

        // Make the foreign key NOT NULL with a default: the NULL row takes it.
        // (MySQL drops and re-adds the key; PostgreSQL runs the deferred check
        // the fill queued before it alters the table.)
        ok(
            conn,
            kind,
            "UPDATE se_book SET author_id = NULL WHERE id = 4",
        );
        let before = book.clone();
        book = changed(&book, "author", |f| {
            f.nullable = false;
            f.default = Some(DefaultValue::Int(1));
        });
        migrate(
            conn,
            kind,
            editor::alter_field(&before, &book, "author", kind),
        );
        refused(
            conn,
            kind,
            "UPDATE se_book SET author_id = NULL WHERE id = 1",
            "NOT NULL",
        );
        refused(
            conn,
            kind,
            "UPDATE se_book SET author_id = 99 WHERE id = 1",
            "the altered foreign key",
        );
        assert_eq!(
            column(conn, kind, "se_book", "author_id"),
            strings(&["1", "2", "1", "1"]),
            "{kind}"
        );

        // Rename the foreign key's field and column: the key and its index
        // follow.
        let before = book.clone();
        book = changed(&book, "author", |f| {
            f.name = Cow::Borrowed("writer");
            f.column = Cow::Borrowed("writer_id");
        });
        migrate(
            conn,
            kind,
            editor::rename_field(&before, &book, "author", "writer", kind),
        );
        assert_eq!(
            column(conn, kind, "se_book", "writer_id"),
            strings(&["1", "2", "1", "1"]),
            "{kind}"
        );
        refused(
            conn,
            kind,
            "UPDATE se_book SET writer_id = 99 WHERE id = 1",
            "the renamed foreign key",
        );
        let indexes = index_names(conn, kind, "se_book");
        assert!(
            indexes.contains(&"se_book_writer_id_idx".to_owned()),
            "{kind}: {indexes:?}"
        );

        // Unique together.
        let before = book.clone();
        book = together(&book, &[&["headline", "writer"]]);
        migrate(
            conn,
            kind,
            editor::alter_unique_together(&before, &book, kind),
        );
        refused(
            conn,
            kind,
            "INSERT INTO se_book (id, headline, pages, status, writer_id) VALUES (10, 'Dune', 1, 'x', 1)",
            "unique together",
        );
        ok(
            conn,
            kind,
            "INSERT INTO se_book (id, headline, pages, status, writer_id) VALUES (10, 'Dune', 1, 'x', 2)",
        );
        ok(conn, kind, "DELETE FROM se_book WHERE id = 10");

        // A declared index, added and removed.
        let index = IndexSchema {
            name: Cow::Borrowed("se_book_status_pages"),
            fields: Cow::Owned(vec![Cow::Borrowed("status"), Cow::Borrowed("-pages")]),
            unique: false,
            kind: orm_core::schema::IndexKind::Plain,
            condition: "".into(),
        };
        let before = book.clone();
        book = ModelSchema {
            indexes: Cow::Owned(vec![index.clone()]),
            ..book
        };
        migrate(conn, kind, editor::add_index(&book, &index, kind));
        assert!(
            index_names(conn, kind, "se_book").contains(&"se_book_status_pages".to_owned()),
            "{kind}"
        );
        migrate(conn, kind, editor::remove_index(&book, &index, kind));
        assert!(
            !index_names(conn, kind, "se_book").contains(&"se_book_status_pages".to_owned()),
            "{kind}"
        );
        book = before;

        // Remove the unique field, then the foreign key (after its group).
        let before = book.clone();
        book = without(&book, "isbn");
        migrate(
            conn,
            kind,
            editor::remove_field(&before, &book, "isbn", kind),
        );
        let before = book.clone();
        book = together(&book, &[]);
        migrate(
            conn,
            kind,
            editor::alter_unique_together(&before, &book, kind),
        );
        let before = book.clone();
        book = without(&book, "writer");
        migrate(
            conn,
            kind,
            editor::remove_field(&before, &book, "writer", kind),
        );
        assert!(
            exec(conn, "SELECT writer_id FROM se_book").is_err(),
            "{kind}: the column is gone"
        );
        assert!(exec(conn, "SELECT isbn FROM se_book").is_err(), "{kind}");
        assert_eq!(
            column(conn, kind, "se_book", "pages"),
            strings(&["412", "0", "100", "730"]),
            "{kind}"
        );
        assert_eq!(
            index_names(conn, kind, "se_book")
                .into_iter()
                .filter(|name| name.contains("writer"))
                .count(),
            0,
            "{kind}"
        );
        // The author can go now that nothing points at it.
        ok(conn, kind, "DELETE FROM se_author WHERE id = 2");

        // Rename the model's table; the review's foreign key follows.
        let before = book.clone();
        book = ModelSchema {
            table: Cow::Borrowed("se_volume"),
            ..book
        };
        migrate(conn, kind, editor::rename_model(&before, &book, kind));
        assert_eq!(
            column(conn, kind, "se_volume", "headline")[..3],
            strings(&["Dune", "Emma", "It's"])[..],
            "{kind}"
        );
        assert!(
            index_names(conn, kind, "se_volume").contains(&"se_volume_headline_idx".to_owned()),
            "{kind}"
        );
        refused(
            conn,
            kind,
            "INSERT INTO se_review (id, book_id, stars) VALUES (3, 99, 1)",
            "the foreign key to the renamed table",
        );
        ok(
            conn,
            kind,
            "INSERT INTO se_review (id, book_id, stars) VALUES (3, 4, 1)",
        );

        // A plain table rename.
        migrate(
            conn,
            kind,
            editor::rename_table("se_author", "se_writer", kind),
        );
        assert_eq!(
            column(conn, kind, "se_writer", "name"),
            strings(&["Ann"]),
            "{kind}"
        );

        // Drop everything.
        let review_schema = review.clone();
        migrate(conn, kind, editor::delete_model(&review_schema, kind));
        migrate(conn, kind, editor::delete_model(&book, kind));
        assert!(exec(conn, "SELECT 1 FROM se_volume").is_err(), "{kind}");
        assert!(exec(conn, "SELECT 1 FROM se_review").is_err(), "{kind}");
    }
}

/// A change that fails leaves the rows as they were where DDL is
/// transactional.
#[test]
fn failed_change_rolls_back() {
    for (kind, url) in configured() {
        if !editor::transactional_ddl(kind) {
            continue;
        }
        let test_db = fresh(kind, url.as_deref(), &[]);
        let mut conn = test_db.db.conn().unwrap();
        let conn = &mut *conn;
        let old = model(
            "Item",
            "se_item",
            vec![
                id(),
                nullable(FieldSchema::new("size", "size", FieldKind::Integer)),
            ],
        );
        migrate(conn, kind, editor::create_model(&old, kind));
        ok(
            conn,
            kind,
            "INSERT INTO se_item (id, size) VALUES (1, 3), (2, NULL)",
        );
        // NOT NULL without a default while a row holds NULL.
        let new = changed(&old, "size", |f| f.nullable = false);
        let statements = editor::alter_field(&old, &new, "size", kind);
        assert!(apply(conn, kind, &statements).is_err(), "{kind}");
        assert_eq!(
            column(conn, kind, "se_item", "size"),
            vec![Some("3".to_owned()), None],
            "{kind}"
        );
        // Still nullable.
        ok(
            conn,
            kind,
            "INSERT INTO se_item (id, size) VALUES (3, NULL)",
        );
    }
}

/// SQLite's rebuild keeps every row and value, foreign keys in and out of the
/// table, and its indexes.
#[test]
fn sqlite_rebuild_keeps_everything() {
    let test_db = fresh(BackendKind::Sqlite, None, &[]);
    let kind = BackendKind::Sqlite;
    let mut conn = test_db.db.conn().unwrap();
    let conn = &mut *conn;

    let owner = model("Owner", "se_owner", vec![id(), char_field("name", 20)]);
    let thing = ModelSchema {
        indexes: Cow::Owned(vec![IndexSchema {
            name: Cow::Borrowed("se_thing_label_score"),
            fields: Cow::Owned(vec![Cow::Borrowed("label"), Cow::Borrowed("-score")]),
            unique: false,
            kind: orm_core::schema::IndexKind::Plain,
            condition: "".into(),
        }]),
        ..model(
            "Thing",
            "se_thing",
            vec![
                id(),
                FieldSchema {
                    unique: true,
                    ..char_field("label", 30)
                },
                nullable(FieldSchema::new("score", "score", FieldKind::Double)),
                nullable(FieldSchema::new("data", "data", FieldKind::Binary)),
                FieldSchema::new("flag", "flag", FieldKind::Bool),
                foreign_key("owner", "owner_id", "se_owner"),
                nullable(foreign_key("parent", "parent_id", "se_thing")),
            ],
        )
    };
    let part = model(
        "Part",
        "se_part",
        vec![id(), foreign_key("thing", "thing_id", "se_thing")],
    );
    for schema in [&owner, &thing, &part] {
        migrate(conn, kind, editor::create_model(schema, kind));
    }
    ok(
        conn,
        kind,
        "INSERT INTO se_owner (id, name) VALUES (1, 'o1'), (2, 'o2')",
    );
    ok(
        conn,
        kind,
        "INSERT INTO se_thing (id, label, score, data, flag, owner_id, parent_id) VALUES \
         (1, 'a''b', 1.5, X'00ff', 1, 1, NULL), \
         (2, 'c', NULL, NULL, 0, 2, 1), \
         (7, 'é \"q\"', -2.25, X'', 1, 1, 2)",
    );
    ok(
        conn,
        kind,
        "INSERT INTO se_part (id, thing_id) VALUES (1, 1), (2, 7)",
    );
    let snapshot = |conn: &mut AnyConnection| {
        texts(
            conn,
            "id || '|' || label || '|' || quote(score) || '|' || quote(data) || '|' || \
             flag || '|' || owner_id || '|' || quote(parent_id) FROM se_thing ORDER BY id",
        )
    };
    let rows = snapshot(conn);
    let indexes = index_names(conn, kind, "se_thing");
    assert_eq!(
        indexes,
        [
            "se_thing_label_score",
            "se_thing_owner_id_idx",
            "se_thing_parent_id_idx"
        ]
    );

    // A change only a rebuild can make: the score becomes NOT NULL.
    let new = changed(&thing, "score", |f| {
        f.nullable = false;
        f.default = Some(DefaultValue::Float(0.5));
    });
    let statements = editor::alter_field(&thing, &new, "score", kind);
    assert!(statements[0].starts_with("CREATE TABLE \"new__se_thing\""));
    migrate(conn, kind, statements);

    let after = snapshot(conn);
    let expected: Vec<Option<String>> = rows
        .iter()
        .map(|row| row.as_ref().map(|row| row.replacen("|NULL|", "|0.5|", 1)))
        .collect();
    assert_eq!(after, expected);
    assert_eq!(
        after[1].as_deref(),
        Some("2|c|0.5|NULL|0|2|1"),
        "the NULL took the default, the rest kept their values"
    );
    assert_eq!(index_names(conn, kind, "se_thing"), indexes);
    assert_eq!(foreign_key_problems(conn), 0);

    // Foreign keys out of the table, into it, and to itself still hold.
    refused(
        conn,
        kind,
        "UPDATE se_thing SET owner_id = 9 WHERE id = 1",
        "FK out",
    );
    refused(
        conn,
        kind,
        "UPDATE se_thing SET parent_id = 9 WHERE id = 1",
        "self FK",
    );
    refused(conn, kind, "DELETE FROM se_thing WHERE id = 7", "FK in");
    refused(
        conn,
        kind,
        "INSERT INTO se_part (id, thing_id) VALUES (3, 99)",
        "FK in",
    );
    refused(
        conn,
        kind,
        "INSERT INTO se_thing (label, score, flag, owner_id) VALUES ('c', 1, 0, 1)",
        "the unique label",
    );
    refused(
        conn,
        kind,
        "INSERT INTO se_thing (label, score, flag, owner_id) VALUES ('z', NULL, 0, 1)",
        "NOT NULL",
    );
    // The id keeps counting from the highest.
    ok(
        conn,
        kind,
        "INSERT INTO se_thing (label, score, flag, owner_id) VALUES ('z', 1, 0, 1)",
    );
    assert_eq!(
        texts(conn, "CAST(max(id) AS TEXT) FROM se_thing"),
        [Some("8".to_owned())]
    );

    // The foreign key check before commit catches a dangling reference: with
    // one planted, the next rebuild rolls back.
    ok(conn, kind, "PRAGMA foreign_keys = OFF");
    ok(conn, kind, "DELETE FROM se_owner WHERE id = 2");
    ok(conn, kind, "PRAGMA foreign_keys = ON");
    let longer = changed(&new, "label", |f| f.max_length = Some(60));
    let result = apply(
        conn,
        kind,
        &editor::alter_field(&new, &longer, "label", kind),
    );
    let error = result.expect_err("the foreign key check catches it");
    assert!(error.contains("foreign key check"), "{error}");
    assert_eq!(snapshot(conn)[..3], after[..]);
}
