//! Full-text search (`#[model(full_text = [...])]`) on every backend: word
//! prefixes, every word required, case and punctuation ignored, short and
//! common words found, the index kept up to date by inserts, updates and
//! deletes, served from the index; and the index through `makemigrations`
//! and `migrate`: added over existing rows, kept across a table rebuild and
//! a field rename, removed, undone.

use orm_core::__private::diesel::connection::SimpleConnection;
use orm_core::__private::diesel::sql_types::Text;
use orm_core::__private::diesel::{self, QueryableByName, RunQueryDsl};
use orm_core::db::{capture_queries, BackendKind};
use orm_core::prelude::*;
use orm_core::query::search_by_names;
use orm_core::schema::ModelSchema;
use orm_core::{Db, Error};
use orm_migrations::{MigrationSource, Project};
use tests::backends::{configured, each_backend, fresh};
use tests::commands;

#[derive(Model, Debug, Clone)]
#[model(app_label = "library", full_text = ["title", "body", "note"])]
struct Memo {
    id: i64,
    #[field(max_length = 100)]
    title: String,
    #[field(text)]
    body: String,
    #[field(max_length = 100)]
    note: Option<String>,
    #[field(max_length = 20)]
    shelf: String,
}

/// A model without a full-text index.
#[derive(Model, Debug, Clone)]
#[model(app_label = "library")]
struct Card {
    id: i64,
    #[field(max_length = 100)]
    title: String,
}

fn memo(conn: &mut AnyConnection, title: &str, body: &str, note: Option<&str>) -> Memo {
    let mut memo = Memo {
        id: 0,
        title: title.into(),
        body: body.into(),
        note: note.map(Into::into),
        shelf: "a".into(),
    };
    memo.save(conn).unwrap();
    memo
}

fn found(conn: &mut AnyConnection, terms: &str) -> Vec<String> {
    let mut titles: Vec<String> = Memo::objects()
        .filter(Filter::full_text(terms))
        .all(conn)
        .unwrap_or_else(|e| panic!("search {terms:?}: {e}"))
        .into_iter()
        .map(|m| m.title)
        .collect();
    titles.sort();
    titles
}

#[test]
fn words_are_found_by_prefix_each_one_required() {
    each_backend(&[Memo::schema(), Card::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut conn;
        memo(conn, "Ada Lovelace", "Notes on the Analytical Engine", None);
        memo(conn, "The cat", "sat on about 99 mats", Some("Ab initio"));
        memo(
            conn,
            "Gears",
            "A difference engine, by Babbage",
            Some("lovely"),
        );
        let all = ["Ada Lovelace", "Gears", "The cat"];

        assert_eq!(found(conn, "lovelace"), ["Ada Lovelace"], "{kind}");
        assert_eq!(
            found(conn, "LOVE"),
            ["Ada Lovelace", "Gears"],
            "{kind}: prefixes, any field, any case"
        );
        assert_eq!(found(conn, "engine"), ["Ada Lovelace", "Gears"], "{kind}");
        assert_eq!(
            found(conn, "engine   ada"),
            ["Ada Lovelace"],
            "{kind}: every word"
        );
        assert_eq!(found(conn, "engine cat"), Vec::<String>::new(), "{kind}");
        assert_eq!(
            found(conn, "(babbage), engine!"),
            ["Gears"],
            "{kind}: punctuation"
        );
        assert_eq!(
            found(conn, "the"),
            ["Ada Lovelace", "The cat"],
            "{kind}: a common word"
        );
        assert_eq!(
            found(conn, "about"),
            ["The cat"],
            "{kind}: a stopword elsewhere"
        );
        assert_eq!(found(conn, "99"), ["The cat"], "{kind}: a short word");
        assert_eq!(
            found(conn, "initio ab"),
            ["The cat"],
            "{kind}: the nullable field"
        );
        assert_eq!(found(conn, "!!"), all, "{kind}: no word is no condition");
        assert_eq!(
            found(conn, "nlovelace"),
            Vec::<String>::new(),
            "{kind}: no infix"
        );
        // Quotes, operators and SQL in the terms are only words.
        for terms in [
            "\"ada",
            "ada*",
            "ada OR cat",
            "-ada",
            "'; DROP TABLE x; --",
            "a:b & c|d",
        ] {
            Memo::objects()
                .filter(Filter::full_text(terms))
                .count(conn)
                .unwrap_or_else(|e| panic!("{kind}: {terms:?}: {e}"));
        }
        // Combined with other conditions, counted, excluded.
        let count = Memo::objects()
            .filter(Filter::full_text("engine") & Memo::NOTE.is_null(true))
            .count(conn)
            .unwrap();
        assert_eq!(count, 1, "{kind}");
        let rest = Memo::objects()
            .exclude(Filter::full_text("engine"))
            .count(conn)
            .unwrap();
        assert_eq!(rest, 1, "{kind}");

        let err = Card::objects()
            .filter(Filter::full_text("ada"))
            .count(conn)
            .expect_err("no full-text index");
        assert!(matches!(err, Error::InvalidLookup { .. }), "{kind}: {err}");
    });
}

#[test]
fn the_index_follows_inserts_updates_and_deletes() {
    each_backend(&[Memo::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut conn;
        let mut first = memo(conn, "Ada", "engines", None);
        memo(conn, "Grace", "compilers", None);
        assert_eq!(found(conn, "compil"), ["Grace"], "{kind}");
        first.body = "compilers too".into();
        first.save(conn).unwrap();
        assert_eq!(found(conn, "compil"), ["Ada", "Grace"], "{kind}");
        assert_eq!(found(conn, "engines"), Vec::<String>::new(), "{kind}");
        // An update that leaves the indexed fields alone.
        Memo::objects()
            .update(conn, vec![Memo::SHELF.set("b".to_owned())])
            .unwrap();
        assert_eq!(found(conn, "compil"), ["Ada", "Grace"], "{kind}");
        Memo::objects()
            .filter(Memo::TITLE.eq("Grace"))
            .delete(conn)
            .unwrap();
        assert_eq!(found(conn, "compil"), ["Ada"], "{kind}");
        first.delete(conn).unwrap();
        assert_eq!(found(conn, "compil"), Vec::<String>::new(), "{kind}");
    });
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

#[test]
fn the_search_is_served_by_the_index() {
    for (kind, url) in configured() {
        if kind == BackendKind::Sqlite {
            continue; // the FTS5 table is the index: MATCH cannot be served otherwise
        }
        let test_db = fresh(kind, url.as_deref(), &[Memo::schema()]);
        let mut conn = test_db.db.conn().unwrap();
        memo(&mut conn, "Ada Lovelace", "engines", None);
        let query = Memo::objects().filter(Filter::full_text("ada engine"));
        let (_, statements) = capture_queries(&mut conn, |conn| query.count(conn).unwrap());
        let sql = statements.join("\n");
        // The statement as sent, its parameter written in: the plan of the
        // same expression as the index's.
        let words = "'ada:* & engine:*'";
        let plan = match kind {
            BackendKind::Postgres => {
                conn.batch_execute("SET enable_seqscan = off").unwrap();
                let statement = sql.split(" -- binds").next().unwrap_or_default();
                let explain = format!("EXPLAIN {}", statement.replace("$1", words));
                diesel::sql_query(explain)
                    .load::<PlanLine>(&mut conn)
                    .map(|lines| lines.into_iter().map(|l| l.line).collect::<Vec<_>>())
                    .unwrap_or_else(|e| panic!("{kind}: {e}: {sql}"))
                    .join("\n")
            }
            _ => sql.clone(),
        };
        match kind {
            BackendKind::Postgres => assert!(plan.contains("library_memo_fts"), "{plan}"),
            _ => assert!(sql.contains("AGAINST"), "{sql}"),
        }
    }
}

#[test]
fn admin_names_with_at_search_the_index() {
    let q = search_by_names(Memo::schema(), &["@title", "@body"], "Ada, Lovelace").unwrap();
    assert_eq!(
        q,
        orm_core::query::Q::full_text(vec!["ada".into(), "lovelace".into()])
    );
    each_backend(&[Memo::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut conn;
        memo(conn, "Ada Lovelace", "engines", None);
        memo(conn, "Grace", "compilers", Some("shelf"));
        let mut shelf = memo(conn, "Edsger", "goto", None);
        shelf.shelf = "engines".into();
        shelf.save(conn).unwrap();
        // `@` names alone: one search of the index.
        let hits = Memo::objects().search(&["@title"], "lovelace ada").unwrap();
        assert_eq!(hits.count(conn).unwrap(), 1, "{kind}");
        // Mixed with a plain field: each word in the index or the field.
        let hits = Memo::objects()
            .search(&["@title", "shelf"], "engines")
            .unwrap();
        assert_eq!(hits.count(conn).unwrap(), 2, "{kind}");
        let err = Card::objects()
            .search(&["@title"], "x")
            .expect_err("no index");
        assert!(matches!(err, Error::UnknownField { .. }), "{err}");
    });
}

// ------------------------------------------------------------ migrations

mod v1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "library")]
    pub(crate) struct Doc {
        pub id: i64,
        #[field(max_length = 100)]
        pub title: String,
        #[field(text)]
        pub body: String,
        pub rank: i32,
    }
}

/// The full-text index added.
mod v2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "library", full_text = ["title", "body"])]
    pub(crate) struct Doc {
        pub id: i64,
        #[field(max_length = 100)]
        pub title: String,
        #[field(text)]
        pub body: String,
        pub rank: i32,
    }
}

/// Another field made nullable (SQLite rebuilds the table).
mod v3 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "library", full_text = ["title", "body"])]
    pub(crate) struct Doc {
        pub id: i64,
        #[field(max_length = 100)]
        pub title: String,
        #[field(text)]
        pub body: String,
        pub rank: Option<i32>,
    }
}

/// An indexed field renamed.
mod v4 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "library", full_text = ["title", "text"])]
    pub(crate) struct Doc {
        pub id: i64,
        #[field(max_length = 100)]
        pub title: String,
        #[field(text)]
        pub text: String,
        pub rank: Option<i32>,
    }
}

/// The index over the title only.
mod v5 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "library", full_text = ["title"])]
    pub(crate) struct Doc {
        pub id: i64,
        #[field(max_length = 100)]
        pub title: String,
        #[field(text)]
        pub text: String,
        pub rank: Option<i32>,
    }
}

/// The model renamed: its table, and the full-text index's name, follow.
mod v6 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "library", full_text = ["title"])]
    pub(crate) struct Paper {
        pub id: i64,
        #[field(max_length = 100)]
        pub title: String,
        #[field(text)]
        pub text: String,
        pub rank: Option<i32>,
    }
}

fn project(dir: &std::path::Path, models: Vec<&'static ModelSchema>) -> Project {
    Project::new()
        .with(MigrationSource::from_dir("library", dir))
        .with_models(models)
}

fn make(dir: &std::path::Path, models: Vec<&'static ModelSchema>, answers: &str) -> String {
    let command = commands::makemigrations(false, false, answers);
    match commands::run(&project(dir, models), None, &command, answers) {
        Ok((_, out)) => out,
        Err(e) => panic!("makemigrations: {e}"),
    }
}

fn migrate_to(project: &Project, db: &Db, target: &str) -> String {
    let command = commands::migrate(Some(("library", target)));
    match commands::run(project, Some(db), &command, "") {
        Ok((_, out)) => out,
        Err(e) => panic!("migrate {target}: {e}"),
    }
}

#[test]
fn the_index_through_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    make(path, vec![v1::Doc::schema()], "");
    let out = make(path, vec![v2::Doc::schema()], "");
    assert!(out.contains("index"), "{out}");
    make(path, vec![v3::Doc::schema()], "");
    make(path, vec![v4::Doc::schema()], "y\n");
    make(path, vec![v5::Doc::schema()], "");
    make(path, vec![v6::Paper::schema()], "y\n");
    let file = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("0002"))
        .unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("kind = \"full_text\""), "{text}");
    let last = project(path, vec![v6::Paper::schema()]);
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let db = &test_db.db;
        migrate_to(&last, db, "0001");
        let mut conn = db.conn().unwrap();
        conn.batch_execute(
            "INSERT INTO library_doc (id, title, body, rank) VALUES (1, 'Ada', 'analytical engines', 1); \
             INSERT INTO library_doc (id, title, body, rank) VALUES (2, 'Grace', 'compilers', 2)",
        )
        .unwrap();
        migrate_to(&last, db, "0002");
        let hits = v2::Doc::objects()
            .filter(Filter::full_text("engine"))
            .count(&mut conn)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(hits, 1, "{kind}: rows there before the index are found");
        migrate_to(&last, db, "0003");
        let mut grace = v3::Doc::objects().get_pk(&mut conn, 2).unwrap();
        grace.body = "engines of compilers".into();
        grace.save(&mut conn).unwrap();
        let hits = v3::Doc::objects()
            .filter(Filter::full_text("engine"))
            .count(&mut conn)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(hits, 2, "{kind}: kept across the table rebuild");
        migrate_to(&last, db, "0004");
        conn.batch_execute(
            "INSERT INTO library_doc (id, title, text, rank) VALUES (3, 'Edsger', 'engine rooms', 3)",
        )
        .unwrap();
        let hits = v4::Doc::objects()
            .filter(Filter::full_text("engine"))
            .count(&mut conn)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(hits, 3, "{kind}: kept across the field rename");
        migrate_to(&last, db, "0005");
        let hits = v5::Doc::objects()
            .filter(Filter::full_text("ada"))
            .count(&mut conn)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(hits, 1, "{kind}: the narrower index");
        let hits = v5::Doc::objects()
            .filter(Filter::full_text("engine"))
            .count(&mut conn)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(hits, 0, "{kind}: the body is no longer indexed");
        migrate_to(&last, db, "0006");
        conn.batch_execute(
            "INSERT INTO library_paper (id, title, text, rank) VALUES (4, 'Ada''s second paper', 'notes', 4)",
        )
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let hits = v6::Paper::objects()
            .filter(Filter::full_text("ada"))
            .count(&mut conn)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(hits, 2, "{kind}: kept across the model rename");
        // Every step undoes, and applies again.
        migrate_to(&last, db, "zero");
        migrate_to(&last, db, "0006");
        assert_eq!(v6::Paper::objects().count(&mut conn).unwrap(), 0, "{kind}");
    }
}

#[test]
fn a_search_is_narrowed_by_how_many_rows_match() {
    use orm_core::query::FULL_TEXT_KEYS;
    each_backend(&[Memo::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut conn;
        let many = FULL_TEXT_KEYS as usize + 5;
        let mut rows: Vec<Memo> = (0..many)
            .map(|i| Memo {
                id: 0,
                title: format!("common {i}"),
                body: if i % 100 == 7 {
                    "rare".into()
                } else {
                    "plain".into()
                },
                note: None,
                shelf: "a".into(),
            })
            .collect();
        Memo::bulk_create(conn, &mut rows).unwrap();
        let rare_rows = (0..many).filter(|i| i % 100 == 7).count();
        // Few matches: read by key.
        let rare = Memo::objects()
            .filter(Filter::full_text("rare"))
            .order_by([Memo::ID.desc()]);
        let (found, statements) = capture_queries(conn, |conn| rare.all(conn).unwrap());
        assert_eq!(found.len(), rare_rows, "{kind}");
        assert!(found.windows(2).all(|w| w[0].id > w[1].id), "{kind}");
        assert_eq!(statements.len(), 2, "{kind}: {statements:#?}");
        assert!(
            statements[0].contains("LIMIT 1001"),
            "{kind}: {statements:#?}"
        );
        assert!(
            !statements[1].contains("MATCH") && !statements[1].contains("@@"),
            "{kind}: {statements:#?}"
        );
        // Many: tested row by row along the ordering, the same rows as a
        // plain filter would give.
        let common = Memo::objects()
            .filter(Filter::full_text("common"))
            .order_by([Memo::ID.desc()])
            .limit(10);
        let page: Vec<i64> = common.all(conn).unwrap().iter().map(|m| m.id).collect();
        let last: Vec<i64> = rows.iter().rev().take(10).map(|m| m.id).collect();
        assert_eq!(page, last, "{kind}");
        let count = Memo::objects()
            .filter(Filter::full_text("common"))
            .count(conn)
            .unwrap();
        assert_eq!(count, many as i64, "{kind}");
        let both = Memo::objects()
            .filter(Filter::full_text("common rare") | Memo::TITLE.eq("common 3".to_owned()))
            .order_by([Memo::ID.asc()])
            .count(conn)
            .unwrap();
        assert_eq!(both, rare_rows as i64 + 1, "{kind}");
    });
}
