//! makemigrations, migrate, showmigrations and sqlmigrate end to end, on
//! every backend: apply all, unapply, apply again; data kept through
//! changes; a failing migration changes nothing; concurrent runs apply once.

use std::io::Cursor;
use std::path::Path;

use orm_core::db::BackendKind;
use orm_core::prelude::*;
use orm_core::Db;
use orm_migrations::loader::MigrationSource;
use orm_migrations::{MigrationCommand, Outcome, Project};
use tests::backends::{configured, fresh};
use tests::commands;
use tests::models::{Article, Author};

/// A project whose every app keeps its migrations in `root/<app>`.
fn project(root: &Path) -> Project {
    project_with_code(root, &[])
}

/// The same, the blog app's `RunCode` steps finding their functions in
/// `code`.
fn project_with_code(
    root: &Path,
    code: &'static [(&'static str, orm_migrations::MigrationCode)],
) -> Project {
    let mut apps: Vec<String> = orm_core::registered_models()
        .iter()
        .map(|m| (m.schema)().app_label.to_string())
        .filter(|app| app != "migrations")
        .collect();
    apps.sort();
    apps.dedup();
    apps.into_iter().fold(Project::new(), |project, app| {
        let dir = root.join(&app);
        let source = MigrationSource::from_dir(app.clone(), dir);
        project.with(if app == "blog" {
            source.with_code(code)
        } else {
            source
        })
    })
}

fn run(project: &Project, db: Option<&Db>, command: MigrationCommand) -> (Outcome, String) {
    commands::run(project, db, &command, "").unwrap_or_else(|e| panic!("{command:?} failed: {e}"))
}

fn makemigrations(check: bool) -> MigrationCommand {
    commands::makemigrations(false, check, "")
}

fn migrate(app: Option<&str>, target: Option<&str>) -> MigrationCommand {
    migrate_with(app, target, "")
}

/// `migrate` with the flags named in `flags` (`plan`, `fake`,
/// `fake_initial`).
fn migrate_with(app: Option<&str>, target: Option<&str>, flags: &str) -> MigrationCommand {
    MigrationCommand::Migrate {
        app: app.map(str::to_owned),
        target: target.map(str::to_owned),
        plan: flags.contains("plan"),
        fake: flags.split(' ').any(|f| f == "fake"),
        fake_initial: flags.contains("fake_initial"),
    }
}

fn each_database(test: impl Fn(BackendKind, &Db)) {
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        test(kind, &test_db.db);
    }
}

#[test]
fn makemigrations_writes_files_and_then_finds_no_changes() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    let (outcome, out) = run(&project, None, makemigrations(false));
    assert_eq!(outcome, Outcome::Done);
    assert!(out.contains("Migrations for 'blog':"), "{out}");
    assert!(out.contains("- Create model Article"), "{out}");
    let initial = root.path().join("blog").join("0001_initial.toml");
    let text = std::fs::read_to_string(&initial).unwrap();
    assert!(text.contains("initial = true"), "{text}");
    let (outcome, out) = run(&project, None, makemigrations(true));
    assert_eq!(outcome, Outcome::Done, "{out}");
    assert!(out.contains("No changes detected"), "{out}");
}

#[test]
fn migrate_forwards_backwards_and_again() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    run(&project, None, makemigrations(false));
    each_database(|kind, db| {
        // Listing the migrations of a new database reads; it creates no
        // table.
        let (_, shown) = run(
            &project,
            Some(db),
            MigrationCommand::Showmigrations { apps: vec![] },
        );
        assert!(shown.contains("blog\n [ ] 0001_initial"), "{kind}: {shown}");
        assert!(
            !orm_core::db::table_exists(&mut db.conn().unwrap(), "orm_migrations").unwrap(),
            "{kind}: showmigrations created the recorder's table"
        );
        let (_, out) = run(&project, Some(db), migrate(None, None));
        assert!(
            out.contains("Applying blog.0001_initial... OK ("),
            "{kind}: {out}"
        );
        assert!(
            orm_core::db::table_exists(&mut db.conn().unwrap(), "orm_migrations").unwrap(),
            "{kind}"
        );
        let mut conn = db.conn().unwrap();
        let mut author = Author {
            id: 0,
            username: "ann".into(),
            email: String::new(),
        };
        author.save(&mut conn).unwrap();
        assert_eq!(Author::objects().count(&mut conn).unwrap(), 1, "{kind}");

        let (_, shown) = run(
            &project,
            Some(db),
            MigrationCommand::Showmigrations { apps: vec![] },
        );
        assert!(shown.contains("blog\n [X] 0001_initial"), "{kind}: {shown}");
        // Only the apps named; an app without migrations is an error.
        let mut only = Vec::new();
        project
            .showmigrations(db, &["blog".to_owned()], &mut only)
            .unwrap();
        assert!(
            String::from_utf8_lossy(&only).starts_with("blog\n"),
            "{kind}"
        );
        let err = project
            .showmigrations(db, &["nosuchapp".to_owned()], &mut Vec::new())
            .unwrap_err();
        assert_eq!(err.to_string(), "no app named `nosuchapp`", "{kind}");

        let (_, out) = run(&project, Some(db), migrate(Some("blog"), Some("zero")));
        assert!(
            out.contains("Unapplying blog.0001_initial... OK"),
            "{kind}: {out}"
        );
        assert!(
            Article::objects().count(&mut conn).is_err(),
            "{kind}: table dropped"
        );
        let (_, shown) = run(
            &project,
            Some(db),
            MigrationCommand::Showmigrations { apps: vec![] },
        );
        assert!(shown.contains("blog\n [ ] 0001_initial"), "{kind}: {shown}");

        let (_, out) = run(&project, Some(db), migrate(Some("blog"), None));
        assert!(
            out.contains("Applying blog.0001_initial... OK"),
            "{kind}: {out}"
        );
        assert_eq!(Article::objects().count(&mut conn).unwrap(), 0, "{kind}");
        let (_, out) = run(&project, Some(db), migrate(None, None));
        assert!(out.contains("No migrations to apply."), "{kind}: {out}");

        let (_, sql) = run(
            &project,
            Some(db),
            MigrationCommand::Sqlmigrate {
                app: "blog".into(),
                name: "0001".into(),
                backwards: false,
            },
        );
        assert!(sql.contains("CREATE TABLE"), "{kind}: {sql}");
        assert!(sql.contains("-- Create model Article"), "{kind}: {sql}");
    });
}

#[test]
fn migrate_plan_fake_and_fake_initial() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    run(&project, None, makemigrations(false));
    each_database(|kind, db| {
        let exists =
            |table: &str| orm_core::db::table_exists(&mut db.conn().unwrap(), table).unwrap();
        let (_, out) = run(&project, Some(db), migrate_with(None, None, "plan"));
        assert!(out.starts_with("Planned operations:\n"), "{kind}: {out}");
        assert!(
            out.contains("blog.0001_initial\n    Create model Author\n    Create model Article"),
            "{kind}: {out}"
        );
        assert!(!exists("blog_article"), "{kind}: --plan runs nothing");

        let (_, out) = run(&project, Some(db), migrate_with(None, None, "fake"));
        assert!(
            out.contains("Applying blog.0001_initial... FAKED"),
            "{kind}: {out}"
        );
        assert!(!exists("blog_article"), "{kind}: --fake runs no SQL");
        let (_, shown) = run(
            &project,
            Some(db),
            MigrationCommand::Showmigrations { apps: vec![] },
        );
        assert!(shown.contains("blog\n [X] 0001_initial"), "{kind}: {shown}");
        let (_, out) = run(
            &project,
            Some(db),
            migrate_with(Some("blog"), Some("zero"), "plan"),
        );
        assert!(
            out.contains("blog.0001_initial (undo)\n    Undo Create model Article"),
            "{kind}: {out}"
        );
        let (_, out) = run(
            &project,
            Some(db),
            migrate_with(Some("blog"), Some("zero"), "fake"),
        );
        assert!(
            out.contains("Unapplying blog.0001_initial... FAKED"),
            "{kind}: {out}"
        );

        // A database whose tables were made before its migrations were
        // recorded: --fake-initial records the initial migration and keeps
        // the rows.
        let mut conn = db.conn().unwrap();
        orm_core::create_tables(&mut conn, &[Author::schema(), Article::schema()]).unwrap();
        let mut ann = Author {
            id: 0,
            username: "ann".into(),
            email: String::new(),
        };
        ann.save(&mut conn).unwrap();
        let (_, out) = run(&project, Some(db), migrate_with(None, None, "fake_initial"));
        assert!(
            out.contains("Applying blog.0001_initial... FAKED"),
            "{kind}: {out}"
        );
        assert_eq!(
            Author::objects().count(&mut conn).unwrap(),
            1,
            "{kind}: rows kept"
        );
        let (_, out) = run(&project, Some(db), migrate(None, None));
        assert!(out.contains("No migrations to apply."), "{kind}: {out}");
    });
}

/// A data step: two authors, through the ORM (`bulk_create` opens a
/// savepoint inside the migration's transaction).
fn add_authors(conn: &mut orm_core::AnyConnection) -> orm_core::Result<()> {
    let mut authors: Vec<Author> = ["ann", "bob"]
        .iter()
        .map(|name| Author {
            id: 0,
            username: (*name).to_owned(),
            email: String::new(),
        })
        .collect();
    Author::bulk_create(conn, &mut authors)
}

fn remove_authors(conn: &mut orm_core::AnyConnection) -> orm_core::Result<()> {
    Author::objects()
        .filter(Author::USERNAME.is_in(["ann", "bob"]))
        .delete(conn)
        .map(|_| ())
}

const CODE: &[(&str, orm_migrations::MigrationCode)] = &[
    ("add_authors", add_authors),
    ("remove_authors", remove_authors),
];

#[test]
fn run_code_steps_run_rust_forwards_and_backwards() {
    let root = tempfile::tempdir().unwrap();
    let plain = project(root.path());
    run(&plain, None, makemigrations(false));
    let project = project_with_code(root.path(), CODE);
    write_migration(
        root.path(),
        "blog",
        "0002_authors",
        r#"dependencies = [["blog", "0001_initial"]]

[[operations]]
type = "RunCode"
code = "add_authors"
reverse_code = "remove_authors"
"#,
    );
    each_database(|kind, db| {
        // Without the functions, nothing runs.
        let mut out = Vec::new();
        let err = plain
            .migrate(db, None, None, &mut out)
            .expect_err("the functions are missing");
        assert!(
            err.to_string().contains("no function `add_authors`"),
            "{kind}: {err}"
        );
        assert!(
            !orm_core::db::table_exists(&mut db.conn().unwrap(), "blog_author").unwrap(),
            "{kind}: nothing ran"
        );

        let (_, out) = run(&project, Some(db), migrate(None, None));
        assert!(
            out.contains("Applying blog.0002_authors... OK"),
            "{kind}: {out}"
        );
        let mut conn = db.conn().unwrap();
        assert_eq!(Author::objects().count(&mut conn).unwrap(), 2, "{kind}");
        let (_, sql) = run(
            &project,
            Some(db),
            MigrationCommand::Sqlmigrate {
                app: "blog".into(),
                name: "0002".into(),
                backwards: false,
            },
        );
        assert!(sql.contains("-- code: blog.add_authors"), "{kind}: {sql}");
        let (_, out) = run(&project, Some(db), migrate(Some("blog"), Some("0001")));
        assert!(
            out.contains("Unapplying blog.0002_authors... OK"),
            "{kind}: {out}"
        );
        assert_eq!(Author::objects().count(&mut conn).unwrap(), 0, "{kind}");
    });
}

fn write_migration(root: &Path, app: &str, name: &str, text: &str) {
    std::fs::write(root.join(app).join(format!("{name}.toml")), text).unwrap();
}

#[test]
fn schema_changes_keep_data_and_reverse() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    run(&project, None, makemigrations(false));
    write_migration(
        root.path(),
        "blog",
        "0002_author_changes",
        r#"dependencies = [["blog", "0001_initial"]]

[[operations]]
type = "AddField"
model = "Author"
preserve_default = false

[operations.field]
name = "karma"
column = "karma"
kind = "Integer"
default = 7

[[operations]]
type = "RenameField"
model = "Author"
old_name = "email"
new_name = "contact"

[[operations]]
type = "AlterField"
model = "Author"
name = "username"

[operations.field]
name = "username"
column = "username"
kind = "Char"
max_length = 300
unique = true
"#,
    );
    each_database(|kind, db| {
        run(&project, Some(db), migrate(Some("blog"), Some("0001")));
        let mut conn = db.conn().unwrap();
        let mut author = Author {
            id: 0,
            username: "keep-me".into(),
            email: "k@example.com".into(),
        };
        author.save(&mut conn).unwrap();
        let (_, out) = run(&project, Some(db), migrate(None, None));
        assert!(
            out.contains("Applying blog.0002_author_changes... OK"),
            "{kind}: {out}"
        );
        use orm_core::__private::diesel::connection::SimpleConnection;
        conn.batch_execute("UPDATE blog_author SET karma = karma + 1")
            .unwrap_or_else(|e| panic!("{kind}: karma column exists: {e}"));
        conn.batch_execute("UPDATE blog_author SET contact = 'c@example.com'")
            .unwrap_or_else(|e| panic!("{kind}: renamed column exists: {e}"));
        let (_, out) = run(
            &project,
            Some(db),
            migrate(Some("blog"), Some("0001_initial")),
        );
        assert!(
            out.contains("Unapplying blog.0002_author_changes... OK"),
            "{kind}: {out}"
        );
        let back = Author::objects().get(&mut conn).unwrap();
        assert_eq!(back.username, "keep-me", "{kind}: row kept");
        assert_eq!(
            back.email, "c@example.com",
            "{kind}: column renamed back with its data"
        );
    });
}

#[test]
fn a_failing_migration_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    run(&project, None, makemigrations(false));
    write_migration(
        root.path(),
        "blog",
        "0002_broken",
        r#"dependencies = [["blog", "0001_initial"]]

[[operations]]
type = "AddField"
model = "Author"

[operations.field]
name = "bio"
column = "bio"
kind = "Text"
nullable = true

[[operations]]
type = "RunSql"
sql = "INSERT INTO no_such_table VALUES (1)"
"#,
    );
    each_database(|kind, db| {
        run(&project, Some(db), migrate(Some("blog"), Some("0001")));
        let mut out = Vec::new();
        let err = project
            .execute(
                &migrate(None, None),
                Some(db),
                &mut Cursor::new(Vec::new()),
                &mut out,
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("no_such_table"), "{kind}: {err}");
        let (_, shown) = run(
            &project,
            Some(db),
            MigrationCommand::Showmigrations { apps: vec![] },
        );
        assert!(
            shown.contains(" [ ] 0002_broken"),
            "{kind}: not recorded: {shown}"
        );
        let mut conn = db.conn().unwrap();
        use orm_core::__private::diesel::connection::SimpleConnection;
        let bio = conn.batch_execute("UPDATE blog_author SET bio = 'x'");
        match kind {
            BackendKind::Mysql => {
                assert!(bio.is_ok(), "MySQL keeps the applied AddField");
                assert!(
                    err.contains("Add field bio to author"),
                    "names what was applied: {err}"
                );
            }
            _ => assert!(bio.is_err(), "{kind}: the AddField was rolled back"),
        }
    });
}

#[test]
fn concurrent_migrate_runs_apply_each_migration_once() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    run(&project, None, makemigrations(false));
    each_database(|kind, db| {
        let results: Vec<Result<String, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        let mut out = Vec::new();
                        project
                            .execute(
                                &migrate(None, None),
                                Some(db),
                                &mut Cursor::new(Vec::new()),
                                &mut out,
                            )
                            .map(|_| String::from_utf8_lossy(&out).into_owned())
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for result in &results {
            assert!(result.is_ok(), "{kind}: {result:?}");
        }
        let applied_twice = results
            .iter()
            .flatten()
            .filter(|out| out.contains("Applying blog.0001_initial... OK"))
            .count();
        assert_eq!(applied_twice, 1, "{kind}: {results:?}");
        let mut conn = db.conn().unwrap();
        let rows = orm_migrations::recorder::applied(&mut conn).unwrap();
        assert!(
            rows.contains(&("blog".to_owned(), "0001_initial".to_owned())),
            "{kind}"
        );
    });
}

#[test]
fn empty_named_and_dry_run_migrations() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    run(&project, None, makemigrations(false));
    let (_, out) = run(
        &project,
        None,
        MigrationCommand::Makemigrations {
            app: Some("blog".into()),
            name: Some("data_fix".into()),
            dry_run: true,
            check: false,
            empty: true,
            merge: false,
            noinput: true,
        },
    );
    assert!(out.contains("0002_data_fix.toml"), "{out}");
    assert!(
        !root.path().join("blog/0002_data_fix.toml").exists(),
        "dry run writes nothing"
    );
    run(
        &project,
        None,
        MigrationCommand::Makemigrations {
            app: Some("blog".into()),
            name: Some("data_fix".into()),
            dry_run: false,
            check: false,
            empty: true,
            merge: false,
            noinput: true,
        },
    );
    let text = std::fs::read_to_string(root.path().join("blog/0002_data_fix.toml")).unwrap();
    assert!(
        text.contains(r#"dependencies = [["blog", "0001_initial"]]"#),
        "{text}"
    );
    let err = project
        .execute(
            &MigrationCommand::Makemigrations {
                app: Some("nope".into()),
                name: None,
                dry_run: false,
                check: false,
                empty: false,
                merge: false,
                noinput: true,
            },
            None,
            &mut Cursor::new(Vec::new()),
            &mut Vec::new(),
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "no app named `nope`");
}

fn migrate_error(project: &Project, db: &Db, app: Option<&str>, target: Option<&str>) -> String {
    project
        .execute(
            &migrate(app, target),
            Some(db),
            &mut Cursor::new(Vec::new()),
            &mut Vec::new(),
        )
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_histories_are_refused_before_any_sql() {
    let root = tempfile::tempdir().unwrap();
    let project = project(root.path());
    run(&project, None, makemigrations(false));
    let test_db = fresh(BackendKind::Sqlite, None, &[]);
    let db = &test_db.db;
    run(&project, Some(db), migrate(None, None));

    // Irreversible: a RunSql without reverse_sql stops the way back before
    // anything is undone.
    write_migration(
        root.path(),
        "blog",
        "0002_data",
        "dependencies = [[\"blog\", \"0001_initial\"]]\n\n[[operations]]\ntype = \"RunSql\"\nsql = \"UPDATE blog_author SET email = ''\"\n",
    );
    write_migration(
        root.path(),
        "blog",
        "0003_more",
        "dependencies = [[\"blog\", \"0002_data\"]]\n\n[[operations]]\ntype = \"RunSql\"\nsql = \"SELECT 1\"\nreverse_sql = \"SELECT 1\"\n",
    );
    run(&project, Some(db), migrate(None, None));
    let err = migrate_error(&project, db, Some("blog"), Some("zero"));
    assert!(err.contains("irreversible"), "{err}");
    let (_, shown) = run(
        &project,
        Some(db),
        MigrationCommand::Showmigrations { apps: vec![] },
    );
    assert!(
        shown.contains(" [X] 0003_more"),
        "nothing was unapplied: {shown}"
    );

    // A conflict: two latest migrations in one app.
    write_migration(
        root.path(),
        "blog",
        "0003_other",
        "dependencies = [[\"blog\", \"0002_data\"]]\n",
    );
    let err = migrate_error(&project, db, None, None);
    assert!(
        err.contains("conflicting migrations in app 'blog'"),
        "{err}"
    );
    std::fs::remove_file(root.path().join("blog/0003_other.toml")).unwrap();

    // Recorded as applied, missing on disk.
    std::fs::remove_file(root.path().join("blog/0003_more.toml")).unwrap();
    let err = migrate_error(&project, db, None, None);
    assert!(
        err.contains("blog.0003_more is recorded as applied but its file is missing"),
        "{err}"
    );

    // A corrupt file names itself.
    std::fs::write(
        root.path().join("blog/0003_more.toml"),
        "dependencies = [[\"blog\"\n",
    )
    .unwrap();
    let err = migrate_error(&project, db, None, None);
    assert!(err.contains("0003_more"), "{err}");
}
