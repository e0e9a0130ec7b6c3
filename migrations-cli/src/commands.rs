//! The `manage`-style commands: `makemigrations`, `migrate`,
//! `showmigrations`, `sqlmigrate`. A binary embeds them in its own command
//! line with `#[command(flatten)]` and runs them with [`Project::execute`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::PathBuf;

use chrono::Utc;
use orm_core::db::BackendKind;
use orm_core::schema::ModelSchema;
use orm_core::Db;

use crate::autodetector::{self, detect_changes, RECORDER_APP};
use crate::error::Error;
use crate::executor::{self, Step};
use crate::graph::{MigrationGraph, Target};
use crate::loader::{self, MigrationSource};
use crate::migration::Migration;
use crate::questioner::{
    FixedAnswers, InteractiveQuestioner, NonInteractiveQuestioner, Questioner,
};
use crate::recorder;
use crate::state::ProjectState;
use crate::writer;

/// The migration commands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum MigrationCommand {
    /// Create migrations for changes to the models.
    Makemigrations {
        /// Only this app.
        app: Option<String>,
        /// The migration's name instead of a generated one.
        #[arg(long)]
        name: Option<String>,
        /// Show what would be written, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Exit non-zero when models and migrations disagree (for CI).
        #[arg(long)]
        check: bool,
        /// Create an empty migration to fill by hand.
        #[arg(long)]
        empty: bool,
        /// Never ask: no rename guessing, no one-off defaults.
        #[arg(long)]
        noinput: bool,
    },
    /// Apply migrations, or go back to a target (a migration name or `zero`).
    Migrate {
        /// Only this app.
        app: Option<String>,
        /// The migration to move the app to, or `zero` to unapply all.
        target: Option<String>,
    },
    /// List migrations, `[X]` when applied.
    Showmigrations,
    /// Create a superuser: the password is asked twice, or read from
    /// ORM_SUPERUSER_PASSWORD with --noinput.
    Createsuperuser {
        /// The login name.
        #[arg(long)]
        username: Option<String>,
        /// The e-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Never ask; the password comes from ORM_SUPERUSER_PASSWORD.
        #[arg(long)]
        noinput: bool,
    },
    /// Change a user's password (asked twice).
    Changepassword {
        /// The user's login name.
        username: String,
    },
    /// Print the SQL of one migration for the database of DATABASE_URL.
    Sqlmigrate {
        /// The app.
        app: String,
        /// The migration (a unique prefix such as `0002` is enough).
        name: String,
        /// The SQL that unapplies it.
        #[arg(long)]
        backwards: bool,
    },
}

/// What a command ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Done,
    /// `makemigrations --check` found changes: the exit code is non-zero.
    ChangesDetected,
}

/// The apps whose migrations a program manages, and where they are.
#[derive(Debug, Clone, Default)]
pub struct Project {
    sources: Vec<MigrationSource>,
    /// The models to migrate, when not the registry's.
    models: Option<Vec<&'static ModelSchema>>,
}

impl Project {
    /// No app yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an app's migrations.
    pub fn with(mut self, source: MigrationSource) -> Self {
        self.sources.push(source);
        self
    }

    /// Every migration of every app, checked.
    pub fn load(&self) -> Result<Vec<Migration>, Error> {
        loader::load(&self.sources)
    }

    /// The dependency graph of every migration.
    pub fn graph(&self) -> Result<MigrationGraph, Error> {
        MigrationGraph::new(self.load()?)
    }

    /// Migrates exactly these models instead of the registry's: for a
    /// program that links models it does not migrate, and for tests that
    /// follow a model through several versions.
    pub fn with_models(mut self, models: Vec<&'static ModelSchema>) -> Self {
        self.models = Some(models);
        self
    }

    /// The models of the apps: those given to [`Project::with_models`], or
    /// else the registry of linked models.
    pub fn models(&self) -> Vec<&'static ModelSchema> {
        if let Some(models) = &self.models {
            return models.clone();
        }
        orm_core::registered_models()
            .into_iter()
            .map(|m| (m.schema)())
            .filter(|s| s.app_label != RECORDER_APP)
            .collect()
    }

    /// Runs one command. `db` is needed by `migrate`, `showmigrations` and
    /// `sqlmigrate`; `input` answers questions.
    pub fn execute(
        &self,
        command: &MigrationCommand,
        db: Option<&Db>,
        input: &mut dyn BufRead,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        match command {
            MigrationCommand::Makemigrations {
                app,
                name,
                dry_run,
                check,
                empty,
                noinput,
            } => {
                let options = MakeOptions {
                    app: app.as_deref(),
                    name: name.as_deref(),
                    dry_run: *dry_run || *check,
                    check: *check,
                    empty: *empty,
                };
                if *noinput || *check {
                    self.makemigrations(&options, &mut NonInteractiveQuestioner, out)
                } else {
                    let mut questioner = InteractiveQuestioner::new(input, std::io::stderr());
                    self.makemigrations(&options, &mut questioner, out)
                }
            }
            MigrationCommand::Migrate { app, target } => {
                self.migrate(need_db(db)?, app.as_deref(), target.as_deref(), out)
            }
            MigrationCommand::Showmigrations => self.showmigrations(need_db(db)?, out),
            MigrationCommand::Createsuperuser {
                username,
                email,
                noinput,
            } => {
                crate::auth_commands::createsuperuser(
                    need_db(db)?,
                    username.as_deref(),
                    email.as_deref(),
                    *noinput,
                    input,
                    out,
                )?;
                Ok(Outcome::Done)
            }
            MigrationCommand::Changepassword { username } => {
                crate::auth_commands::changepassword(need_db(db)?, username, input, out)?;
                Ok(Outcome::Done)
            }
            MigrationCommand::Sqlmigrate {
                app,
                name,
                backwards,
            } => self.sqlmigrate(need_db(db)?.backend(), app, name, *backwards, out),
        }
    }

    fn makemigrations(
        &self,
        options: &MakeOptions<'_>,
        questioner: &mut dyn Questioner,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let graph = self.graph()?;
        check_conflicts(&graph)?;
        let ordered: Vec<Migration> = graph.ordered().into_iter().cloned().collect();
        let mut from = ProjectState::new();
        for migration in &ordered {
            for op in &migration.operations {
                from.apply(&migration.app_label, op)?;
            }
        }
        let to = ProjectState::from_models(self.models());
        if let Some(app) = options.app {
            let known = self.sources.iter().any(|s| s.app_label() == app)
                || to.app_labels().iter().any(|a| a == app);
            if !known {
                return Err(Error::UnknownApp(app.to_owned()));
            }
        }
        let now = Utc::now();
        let mut operations: BTreeMap<String, Vec<crate::Operation>> = BTreeMap::new();
        let mut app_dependencies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        if options.empty {
            let app = options.app.ok_or_else(|| {
                Error::InvalidOperation("makemigrations --empty needs an app label".to_owned())
            })?;
            operations.insert(app.to_owned(), Vec::new());
        } else {
            let changes = detect_changes(
                &from,
                &to,
                questioner,
                &now.format("%Y-%m-%d %H:%M:%S").to_string(),
            )?;
            operations = changes.operations;
            app_dependencies = changes.app_dependencies;
            if let Some(app) = options.app {
                operations.retain(|label, _| label == app);
            }
        }
        if operations.is_empty() {
            let scope = options
                .app
                .map_or(String::new(), |a| format!(" in app '{a}'"));
            let _ = writeln!(out, "No changes detected{scope}");
            return Ok(Outcome::Done);
        }
        // Number and name each app's migration; apps another depends on first.
        let mut leaves: BTreeMap<String, Option<(String, u32)>> = BTreeMap::new();
        for app in operations.keys().chain(app_dependencies.values().flatten()) {
            let leaf = graph
                .leaf_nodes(app)
                .into_iter()
                .max_by_key(|m| m.number())
                .map(|m| (m.name.clone(), m.number().unwrap_or(0)));
            leaves.insert(app.clone(), leaf);
        }
        let mut written = Vec::new();
        let mut pending: Vec<String> = operations.keys().cloned().collect();
        while !pending.is_empty() {
            let position = pending
                .iter()
                .position(|app| {
                    app_dependencies
                        .get(app)
                        .is_none_or(|deps| deps.iter().all(|d| !pending.contains(d) || d == app))
                })
                .unwrap_or(0);
            let app = pending.remove(position);
            let ops = operations.remove(&app).unwrap_or_default();
            let previous = leaves.get(&app).cloned().flatten();
            let number = previous.as_ref().map_or(1, |(_, n)| n + 1);
            let initial = previous.is_none();
            let stem = match options.name {
                Some(name) => name.to_owned(),
                None => autodetector::suggest_name(
                    &ops,
                    initial,
                    &now.format("%Y%m%d_%H%M").to_string(),
                ),
            };
            let mut migration = Migration::new(app.clone(), format!("{number:04}_{stem}"));
            migration.initial = initial;
            if let Some((name, _)) = &previous {
                migration.dependencies.push((app.clone(), name.clone()));
            }
            for dep in app_dependencies.get(&app).into_iter().flatten() {
                match leaves.get(dep).cloned().flatten() {
                    Some((name, _)) => migration.dependencies.push((dep.clone(), name)),
                    None => {
                        return Err(Error::InvalidOperation(format!(
                            "app '{app}' refers to models of app '{dep}', which has no migrations: \
                             run makemigrations for '{dep}' first"
                        )))
                    }
                }
            }
            migration.operations = ops;
            leaves.insert(app.clone(), Some((migration.name.clone(), number)));
            written.push(migration);
        }
        for migration in &written {
            let path = self.path_for(migration);
            let _ = writeln!(out, "Migrations for '{}':", migration.app_label);
            let shown = std::env::current_dir()
                .ok()
                .and_then(|cwd| path.strip_prefix(cwd).ok().map(PathBuf::from))
                .unwrap_or_else(|| path.clone());
            let _ = writeln!(out, "  {}", shown.display());
            for op in &migration.operations {
                let _ = writeln!(out, "    - {}", op.describe());
            }
            if !options.dry_run {
                let text = writer::to_toml(migration, now)?;
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                        path: parent.to_owned(),
                        source,
                    })?;
                }
                std::fs::write(&path, text).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
            }
        }
        Ok(if options.check {
            Outcome::ChangesDetected
        } else {
            Outcome::Done
        })
    }

    fn path_for(&self, migration: &Migration) -> PathBuf {
        let dir = self
            .sources
            .iter()
            .find(|s| s.app_label() == migration.app_label)
            .and_then(MigrationSource::dir)
            .unwrap_or_else(|| PathBuf::from(&migration.app_label).join("migrations"));
        dir.join(writer::file_name(migration))
    }

    fn migrate(
        &self,
        db: &Db,
        app: Option<&str>,
        target: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let graph = self.graph()?;
        let ordered: Vec<Migration> = graph.ordered().into_iter().cloned().collect();
        let mut conn = db.conn()?;
        recorder::ensure_table(&mut conn)?;
        let applied = recorder::applied(&mut conn)?;
        check_conflicts(&graph)?;
        check_history(&graph, &applied)?;
        let (plan, backwards) = match (app, target) {
            (None, _) => (graph.pending(&applied), false),
            (Some(app), None) => (
                graph.forwards_plan(&Target::Latest(app.to_owned()), &applied)?,
                false,
            ),
            (Some(app), Some("zero")) => (
                graph.backwards_plan(&Target::Zero(app.to_owned()), &applied)?,
                true,
            ),
            (Some(app), Some(name)) => {
                let wanted = graph.resolve(app, name)?.key();
                let target = Target::Migration(wanted.0.clone(), wanted.1.clone());
                if applied.contains(&wanted) {
                    (graph.backwards_plan(&target, &applied)?, true)
                } else {
                    (graph.forwards_plan(&target, &applied)?, false)
                }
            }
        };
        let _ = writeln!(out, "Operations to perform:");
        match (app, target) {
            (Some(app), Some(t)) => {
                let _ = writeln!(out, "  Target specific migration: {t}, from {app}");
            }
            (Some(app), None) => {
                let _ = writeln!(out, "  Apply all migrations: {app}");
            }
            (None, _) => {
                let apps: BTreeSet<&str> = ordered.iter().map(|m| m.app_label.as_str()).collect();
                let apps: Vec<&str> = apps.into_iter().collect();
                let _ = writeln!(out, "  Apply all migrations: {}", apps.join(", "));
            }
        }
        let _ = writeln!(out, "Running migrations:");
        if plan.is_empty() {
            let _ = writeln!(out, "  No migrations to apply.");
        }
        let steps: Vec<Step<'_>> = plan
            .iter()
            .map(|migration| Step {
                migration,
                backwards,
            })
            .collect();
        executor::run_plan(&mut conn, &ordered, &steps, out)?;
        if !backwards {
            // Django's post-migrate step: default permissions of every model,
            // once the auth tables exist.
            let permissions = <orm_core::auth::Permission as orm_core::Model>::objects();
            if permissions.count(&mut conn).is_ok() {
                orm_core::auth::create_permissions(&mut conn)?;
            }
            self.warn_unmigrated_changes(&ordered, out);
        }
        Ok(Outcome::Done)
    }

    /// Django's hint when models changed without a migration. Changes that
    /// would make `makemigrations` ask a question are listed too.
    fn warn_unmigrated_changes(&self, ordered: &[Migration], out: &mut dyn Write) {
        let mut from = ProjectState::new();
        for migration in ordered {
            for op in &migration.operations {
                if let Err(err) = from.apply(&migration.app_label, op) {
                    let _ = writeln!(
                        out,
                        "  Your models could not be compared with the migrations: {err}"
                    );
                    return;
                }
            }
        }
        let to = ProjectState::from_models(self.models());
        match detect_changes(&from, &to, &mut FixedAnswers { renames: false }, "now") {
            Ok(changes) if changes.is_empty() => {}
            Ok(changes) => {
                let apps: Vec<String> = changes
                    .operations
                    .keys()
                    .map(|a| format!("'{a}'"))
                    .collect();
                let _ = writeln!(
                    out,
                    "  Your models in app(s): {} have changes that are not yet reflected in a migration. \
                     Run 'makemigrations', then 'migrate' again.",
                    apps.join(", ")
                );
                for (app, operations) in &changes.operations {
                    for op in operations {
                        let _ = writeln!(out, "    {app}: {}", op.describe());
                    }
                }
            }
            Err(err) => {
                let _ = writeln!(
                    out,
                    "  Your models could not be compared with the migrations: {err}"
                );
            }
        }
    }

    fn showmigrations(&self, db: &Db, out: &mut dyn Write) -> Result<Outcome, Error> {
        let graph = self.graph()?;
        let mut conn = db.conn()?;
        recorder::ensure_table(&mut conn)?;
        let applied = recorder::applied(&mut conn)?;
        let mut apps: Vec<&str> = graph.app_labels();
        apps.sort_unstable();
        for app in apps {
            let _ = writeln!(out, "{app}");
            for migration in graph.ordered().into_iter().filter(|m| m.app_label == app) {
                let mark = if applied.contains(&migration.key()) {
                    "X"
                } else {
                    " "
                };
                let _ = writeln!(out, " [{mark}] {}", migration.name);
            }
        }
        Ok(Outcome::Done)
    }

    fn sqlmigrate(
        &self,
        backend: BackendKind,
        app: &str,
        name: &str,
        backwards: bool,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let graph = self.graph()?;
        let migration = graph.resolve(app, name)?.clone();
        let ordered: Vec<Migration> = graph.ordered().into_iter().cloned().collect();
        let sql = executor::migration_sql(&ordered, &migration, backwards, backend)?;
        let transactional = orm_core::backend::schema_editor::transactional_ddl(backend);
        if transactional {
            let _ = writeln!(out, "BEGIN;");
        }
        for (description, statements) in sql {
            let _ = writeln!(out, "--\n-- {description}\n--");
            for statement in statements {
                let _ = writeln!(out, "{statement};");
            }
        }
        if transactional {
            let _ = writeln!(out, "COMMIT;");
        }
        Ok(Outcome::Done)
    }
}

/// Refuses graphs that `migrate` and `makemigrations` cannot work from: two
/// latest migrations in one app (a conflict from two branches).
fn check_conflicts(graph: &MigrationGraph) -> Result<(), Error> {
    for app in graph.app_labels() {
        let leaves = graph.leaf_nodes(app);
        if leaves.len() > 1 {
            let names: Vec<&str> = leaves.iter().map(|m| m.name.as_str()).collect();
            return Err(Error::InvalidOperation(format!(
                "conflicting migrations in app '{app}': {} are all latest. Write a migration \
                 that depends on each of them (makemigrations {app} --empty, then list them in \
                 its dependencies), then run the command again.",
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// Refuses a database whose recorded history the files cannot explain: a
/// migration recorded but missing on disk, or recorded before one it depends
/// on.
fn check_history(
    graph: &MigrationGraph,
    applied: &BTreeSet<(String, String)>,
) -> Result<(), Error> {
    for (app, name) in applied {
        let Some(migration) = graph.get(app, name) else {
            if graph.app_labels().contains(&app.as_str()) {
                return Err(Error::InvalidOperation(format!(
                    "migration {app}.{name} is recorded as applied but its file is missing: \
                     restore the file, or unrecord it (DELETE FROM orm_migrations WHERE \
                     app = '{app}' AND name = '{name}') if its changes were undone by hand"
                )));
            }
            continue;
        };
        for dependency in &migration.dependencies {
            if !applied.contains(dependency) {
                return Err(Error::InvalidOperation(format!(
                    "inconsistent migration history: {app}.{name} is applied before its \
                     dependency {}.{}",
                    dependency.0, dependency.1
                )));
            }
        }
    }
    Ok(())
}

struct MakeOptions<'a> {
    app: Option<&'a str>,
    name: Option<&'a str>,
    dry_run: bool,
    check: bool,
    empty: bool,
}

fn need_db(db: Option<&Db>) -> Result<&Db, Error> {
    db.ok_or_else(|| {
        Error::InvalidOperation("this command needs a database (DATABASE_URL)".to_owned())
    })
}
