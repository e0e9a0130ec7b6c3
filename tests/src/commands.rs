//! The migration commands as a test runs them: `makemigrations` and
//! `migrate` on a [`Project`], with answers to their questions given as
//! text, and their output returned.

use std::io::Cursor;

use orm_core::Db;
use orm_migrations::{MigrationCommand, Outcome, Project};

/// Runs `command` on `project` (and `db`), answering its questions with
/// `answers` (one a line): the outcome and what it printed, or the error
/// followed by what it printed.
pub fn run(
    project: &Project,
    db: Option<&Db>,
    command: &MigrationCommand,
    answers: &str,
) -> Result<(Outcome, String), String> {
    let mut out = Vec::new();
    let result = project.execute(
        command,
        db,
        &mut Cursor::new(answers.as_bytes().to_vec()),
        &mut out,
    );
    let out = String::from_utf8_lossy(&out).into_owned();
    match result {
        Ok(outcome) => Ok((outcome, out)),
        Err(e) => Err(format!("{e}\n{out}")),
    }
}

/// `makemigrations` for every app; `--noinput` when there are no answers.
pub fn makemigrations(merge: bool, check: bool, answers: &str) -> MigrationCommand {
    MigrationCommand::Makemigrations {
        app: None,
        name: None,
        dry_run: false,
        check,
        empty: false,
        merge,
        noinput: answers.is_empty(),
    }
}

/// `migrate`: every app to its latest migrations, or `app` to `target`
/// (a migration name or `zero`).
pub fn migrate(app_target: Option<(&str, &str)>) -> MigrationCommand {
    MigrationCommand::Migrate {
        app: app_target.map(|(app, _)| app.to_owned()),
        target: app_target.map(|(_, target)| target.to_owned()),
        plan: false,
        fake: false,
        fake_initial: false,
    }
}
