//! `makemigrations --merge`: two branches of one app (made apart, as on two
//! git branches) are refused by `makemigrations` and `migrate` with a
//! message naming `--merge`; `--merge` writes a migration depending on both
//! latest ones, listing each branch's operations; the merged history then
//! migrates, undoes and applies again on every backend, and matches models
//! holding both changes.

use std::path::Path;

use orm_core::prelude::*;
use orm_core::schema::ModelSchema;
use orm_core::Db;
use orm_migrations::{MigrationSource, Outcome, Project};
use tests::backends::{configured, fresh};
use tests::commands;

mod v1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "shelf")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
    }
}

/// One branch: a subtitle.
mod with_subtitle {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "shelf")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(max_length = 50)]
        pub subtitle: Option<String>,
    }
}

/// The other branch: a year.
mod with_year {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "shelf")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        pub year: Option<i32>,
    }
}

/// Both branches merged.
mod merged {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "shelf")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(max_length = 50)]
        pub subtitle: Option<String>,
        pub year: Option<i32>,
    }
}

fn project(dir: &Path, model: &'static ModelSchema) -> Project {
    Project::new()
        .with(MigrationSource::from_dir("shelf", dir))
        .with_models(vec![model])
}

fn make(
    dir: &Path,
    model: &'static ModelSchema,
    merge: bool,
    check: bool,
) -> (Result<Outcome, String>, String) {
    match commands::run(
        &project(dir, model),
        None,
        &commands::makemigrations(merge, check, ""),
        "",
    ) {
        Ok((outcome, out)) => (Ok(outcome), out),
        Err(e) => (Err(e), String::new()),
    }
}

fn migrate(project: &Project, db: &Db, target: Option<&str>) -> Result<String, String> {
    let command = commands::migrate(target.map(|target| ("shelf", target)));
    commands::run(project, Some(db), &command, "").map(|(_, out)| out)
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
fn two_branches_are_merged() {
    let main = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    make(main.path(), v1::Book::schema(), false, false)
        .0
        .unwrap();
    for name in files(main.path()) {
        std::fs::copy(main.path().join(&name), other.path().join(&name)).unwrap();
    }
    make(main.path(), with_subtitle::Book::schema(), false, false)
        .0
        .unwrap();
    make(other.path(), with_year::Book::schema(), false, false)
        .0
        .unwrap();
    for name in files(other.path()) {
        if !main.path().join(&name).exists() {
            std::fs::copy(other.path().join(&name), main.path().join(&name)).unwrap();
        }
    }
    let dir = main.path();
    assert_eq!(files(dir).len(), 3, "{:?}", files(dir));

    // Refused until merged, with the way out named.
    let (refused, _) = make(dir, merged::Book::schema(), false, false);
    let message = refused.expect_err("two latest migrations");
    assert!(message.contains("--merge"), "{message}");
    let test_db = fresh(configured()[0].0, configured()[0].1.as_deref(), &[]);
    let message = migrate(&project(dir, merged::Book::schema()), &test_db.db, None)
        .expect_err("two latest migrations");
    assert!(message.contains("--merge"), "{message}");

    let (merged_ok, out) = make(dir, merged::Book::schema(), true, false);
    merged_ok.unwrap();
    assert!(out.contains("Merging shelf"), "{out}");
    assert!(
        out.contains("subtitle") && out.contains("year"),
        "each branch's operations:\n{out}"
    );
    let names = files(dir);
    let merge = names
        .iter()
        .find(|n| n.starts_with("0003_merge_"))
        .unwrap_or_else(|| panic!("{names:?}"));
    let text = std::fs::read_to_string(dir.join(merge)).unwrap();
    assert!(
        text.contains("0002_book_subtitle") && text.contains("0002_book_year"),
        "{text}"
    );
    // Nothing left to merge, and the models match the merged history.
    let (again, out) = make(dir, merged::Book::schema(), true, false);
    again.unwrap();
    assert!(out.contains("No conflicts detected"), "{out}");
    let (checked, out) = make(dir, merged::Book::schema(), false, true);
    assert_eq!(checked, Ok(Outcome::Done), "{out}");

    let project = project(dir, merged::Book::schema());
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let db = &test_db.db;
        migrate(&project, db, None).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let mut conn = db.conn().unwrap();
        merged::Book {
            id: 0,
            title: "Dune".into(),
            subtitle: Some("A novel".into()),
            year: Some(1965),
        }
        .save(&mut conn)
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
        migrate(&project, db, Some("zero")).unwrap_or_else(|e| panic!("{kind}: {e}"));
        migrate(&project, db, None).unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}
