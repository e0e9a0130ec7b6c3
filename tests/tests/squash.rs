//! `squashmigrations`: five migrations of an app (a model, a field added to
//! it, a second model, a data step in SQL, a foreign key) are squashed from
//! the first to the fourth. On every backend:
//!
//! - a new database runs the squashed migration instead of the four, data
//!   step included, and ends with the same tables;
//! - a database that ran all five moves on without running anything, its
//!   rows kept;
//! - one that ran two of them runs the other two originals, then counts the
//!   squashed one as applied;
//! - the replaced files can then be deleted, and the app migrates to zero
//!   and back.

use std::path::Path;

use orm_core::prelude::*;
use orm_core::schema::ModelSchema;
use orm_core::Db;
use orm_migrations::{MigrationCommand, MigrationSource, Outcome, Project};
use tests::backends::{configured, fresh};
use tests::commands;

mod v1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "squash")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
    }
}

mod v2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "squash")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        pub year: Option<i32>,
    }
}

mod v3 {
    use orm_core::prelude::*;

    pub(crate) use super::v2::Book;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "squash")]
    pub(crate) struct Shelf {
        pub id: i64,
        #[field(max_length = 20)]
        pub label: String,
    }
}

mod v5 {
    use orm_core::prelude::*;

    pub(crate) use super::v3::Shelf;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "squash")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        pub year: Option<i32>,
        #[field(on_delete = SetNull)]
        pub shelf: Option<ForeignKey<Shelf>>,
    }
}

/// The hand-written data step, `0004_first_shelf`.
const DATA_STEP: &str = r#"dependencies = [["squash", "0003_shelf"]]

[[operations]]
type = "RunSql"
sql = "INSERT INTO squash_shelf (label) VALUES ('first')"
reverse_sql = "DELETE FROM squash_shelf WHERE label = 'first'"
"#;

fn project(dir: &Path, models: Vec<&'static ModelSchema>) -> Project {
    Project::new()
        .with(MigrationSource::from_dir("squash", dir))
        .with_models(models)
}

fn latest(dir: &Path) -> Project {
    project(dir, vec![v5::Book::schema(), v5::Shelf::schema()])
}

fn run(project: &Project, db: Option<&Db>, command: &MigrationCommand) -> String {
    let (_, out) = commands::run(project, db, command, "").unwrap_or_else(|e| panic!("{e}"));
    out
}

fn make(dir: &Path, models: Vec<&'static ModelSchema>, name: &str) {
    let command = MigrationCommand::Makemigrations {
        app: None,
        name: Some(name.to_owned()),
        dry_run: false,
        check: false,
        empty: false,
        merge: false,
        noinput: true,
    };
    run(&project(dir, models), None, &command);
}

fn migrate(project: &Project, db: &Db, target: Option<&str>) -> String {
    run(
        project,
        Some(db),
        &commands::migrate(target.map(|t| ("squash", t))),
    )
}

fn showmigrations(project: &Project, db: &Db) -> String {
    run(
        project,
        Some(db),
        &MigrationCommand::Showmigrations {
            apps: vec!["squash".to_owned()],
        },
    )
}

fn squash(project: &Project, names: &[&str]) -> Result<String, String> {
    let command = MigrationCommand::Squashmigrations {
        app: "squash".to_owned(),
        migrations: names.iter().map(|n| (*n).to_owned()).collect(),
        squashed_name: None,
        no_optimize: false,
    };
    commands::run(project, None, &command, "").map(|(_, out)| out)
}

/// The app's five migrations, written by `makemigrations` (and the data
/// step by hand).
fn history(dir: &Path) {
    make(dir, vec![v1::Book::schema()], "initial");
    make(dir, vec![v2::Book::schema()], "book_year");
    make(dir, vec![v3::Book::schema(), v3::Shelf::schema()], "shelf");
    std::fs::write(dir.join("0004_first_shelf.toml"), DATA_STEP).unwrap();
    make(
        dir,
        vec![v5::Book::schema(), v5::Shelf::schema()],
        "book_shelf",
    );
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn squashed_migrations_replace_theirs_on_every_kind_of_database() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    history(dir);
    assert_eq!(
        files(dir),
        [
            "0001_initial.toml",
            "0002_book_year.toml",
            "0003_shelf.toml",
            "0004_first_shelf.toml",
            "0005_book_shelf.toml"
        ]
    );
    let project = latest(dir);

    // Databases made before the squash: one all the way, one halfway.
    let mut before = Vec::new();
    for (kind, url) in configured() {
        let all = fresh(kind, url.as_deref(), &[]);
        migrate(&project, &all.db, None);
        let mut conn = all.db.conn().unwrap();
        let shelf = v5::Shelf::objects().get(&mut conn).unwrap();
        v5::Book {
            id: 0,
            title: "Dune".into(),
            year: Some(1965),
            shelf: Some(ForeignKey::new(shelf.id)),
        }
        .save(&mut conn)
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let half = fresh(kind, url.as_deref(), &[]);
        migrate(&project, &half.db, Some("0002"));
        before.push((kind, all, half));
    }

    // Refusals name what is wrong.
    let err = squash(&project, &["0001"]).unwrap_err();
    assert!(err.contains("two or more"), "{err}");
    let err = squash(&project, &["0004", "0002"]).unwrap_err();
    assert!(err.contains("does not come before"), "{err}");
    let err = squash(&project, &["0009"]).unwrap_err();
    assert!(err.contains("0009"), "{err}");

    let out = squash(&project, &["0004"]).unwrap();
    assert!(
        out.contains("Optimized from 4 operations to 3 operations"),
        "{out}"
    );
    let squashed = "0001_squashed_0004_first_shelf";
    let text = std::fs::read_to_string(dir.join(format!("{squashed}.toml"))).unwrap();
    assert!(
        text.contains("replaces = [") && text.contains("RunSql"),
        "{text}"
    );
    assert!(!text.contains("AddField"), "year folded into Book:\n{text}");
    // The squashed history describes the same models.
    let (outcome, out) = commands::run(
        &project,
        None,
        &commands::makemigrations(false, true, ""),
        "",
    )
    .unwrap();
    assert_eq!(outcome, Outcome::Done, "{out}");

    for (kind, all, half) in &before {
        let out = migrate(&project, &all.db, None);
        assert!(out.contains("No migrations to apply"), "{kind}: {out}");
        let listed = showmigrations(&project, &all.db);
        assert!(
            listed.contains(&format!("[X] {squashed} (4 squashed migrations)")),
            "{kind}: {listed}"
        );
        let mut conn = all.db.conn().unwrap();
        assert_eq!(v5::Book::objects().count(&mut conn).unwrap(), 1, "{kind}");

        let out = migrate(&project, &half.db, None);
        for name in ["0003_shelf", "0004_first_shelf", "0005_book_shelf"] {
            assert!(out.contains(&format!("squash.{name}")), "{kind}: {out}");
        }
        assert!(!out.contains(squashed), "{kind}: {out}");
        let listed = showmigrations(&project, &half.db);
        assert!(
            listed.contains(&format!("[X] {squashed}")),
            "{kind}: {listed}"
        );
        let mut conn = half.db.conn().unwrap();
        assert_eq!(v5::Shelf::objects().count(&mut conn).unwrap(), 1, "{kind}");
    }

    let mut after = Vec::new();
    for (kind, url) in configured() {
        let new = fresh(kind, url.as_deref(), &[]);
        let out = migrate(&project, &new.db, None);
        assert!(
            out.contains(&format!("squash.{squashed}")) && out.contains("0005_book_shelf"),
            "{kind}: {out}"
        );
        assert!(!out.contains("0001_initial"), "{kind}: {out}");
        let mut conn = new.db.conn().unwrap();
        let shelf = v5::Shelf::objects().get(&mut conn).unwrap();
        assert_eq!(shelf.label, "first", "{kind}: the data step ran");
        v5::Book {
            id: 0,
            title: "Emma".into(),
            year: None,
            shelf: Some(ForeignKey::new(shelf.id)),
        }
        .save(&mut conn)
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
        after.push((kind, new));
    }

    // Every database is past them: the replaced files go.
    for name in [
        "0001_initial",
        "0002_book_year",
        "0003_shelf",
        "0004_first_shelf",
    ] {
        std::fs::remove_file(dir.join(format!("{name}.toml"))).unwrap();
    }
    for (kind, all, half) in &before {
        for db in [&all.db, &half.db] {
            let out = migrate(&project, db, None);
            assert!(out.contains("No migrations to apply"), "{kind}: {out}");
        }
    }
    for (kind, new) in &after {
        let out = migrate(&project, &new.db, Some("zero"));
        assert!(out.contains(squashed), "{kind}: {out}");
        let listed = showmigrations(&project, &new.db);
        assert!(!listed.contains("[X]"), "{kind}: {listed}");
        migrate(&project, &new.db, None);
        let mut conn = new.db.conn().unwrap();
        assert_eq!(v5::Shelf::objects().count(&mut conn).unwrap(), 1, "{kind}");
    }
}
