//! The `manage`-style commands as functions over a [`Project`]:
//! [`makemigrations`](Project::makemigrations), [`migrate`](Project::migrate),
//! [`showmigrations`](Project::showmigrations) and
//! [`sqlmigrate`](Project::sqlmigrate). The `cli` feature adds their command
//! line (`MigrationCommand`, `Project::execute`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

use chrono::Utc;
use orm_core::db::{AnyConnection, BackendKind};
use orm_core::schema::ModelSchema;
use orm_core::Db;

use crate::autodetector::{self, detect_changes, RECORDER_APP};
use crate::error::Error;
use crate::executor::{self, Step};
use crate::graph::{MigrationGraph, Target};
use crate::loader::{self, MigrationSource};
use crate::migration::Migration;
use crate::operation::Operation;
use crate::questioner::{FixedAnswers, Questioner};
use crate::recorder;
use crate::replacements;
use crate::state::ProjectState;
use crate::writer;

/// What a command ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Done,
    /// `makemigrations --check` found changes: the exit code is non-zero.
    ChangesDetected,
}

/// How [`Project::migrate_with`] runs its plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Print the plan, run nothing (`--plan`).
    pub plan: bool,
    /// Record the steps without running their SQL (`--fake`).
    pub fake: bool,
    /// Record an initial migration whose tables all exist without running
    /// it (`--fake-initial`).
    pub fake_initial: bool,
}

/// Django's `migrate --plan`: each step and its operations.
fn print_plan(plan: &[&Migration], backwards: bool, out: &mut dyn Write) {
    let _ = writeln!(out, "Planned operations:");
    if plan.is_empty() {
        let _ = writeln!(out, "  No planned migration operations.");
    }
    for migration in plan {
        let undo = if backwards { " (undo)" } else { "" };
        let _ = writeln!(out, "{}.{}{undo}", migration.app_label, migration.name);
        let operations: Box<dyn Iterator<Item = &Operation>> = if backwards {
            Box::new(migration.operations.iter().rev())
        } else {
            Box::new(migration.operations.iter())
        };
        for op in operations {
            let _ = writeln!(
                out,
                "    {}{}",
                if backwards { "Undo " } else { "" },
                op.describe()
            );
        }
    }
}

/// Records `step` as done without running it.
fn fake(conn: &mut AnyConnection, step: Step<'_>, out: &mut dyn Write) -> Result<(), Error> {
    let (app, name) = step.migration.key();
    recorder::record_step(conn, step.migration, step.backwards)?;
    let verb = if step.backwards {
        "Unapplying"
    } else {
        "Applying"
    };
    let _ = writeln!(out, "  {verb} {app}.{name}... FAKED");
    Ok(())
}

/// Whether every table `migration` creates exists already (and it
/// creates one).
fn tables_exist(conn: &mut AnyConnection, migration: &Migration) -> Result<bool, Error> {
    let mut created = 0;
    for op in &migration.operations {
        if let Operation::CreateModel { model } = op {
            created += 1;
            if !orm_core::db::table_exists(conn, &model.table).map_err(orm_core::Error::from)? {
                return Ok(false);
            }
        }
    }
    Ok(created > 0)
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

    /// The dependency graph of every migration, as a new database runs
    /// them: each squashed migration in place of those it replaces.
    pub fn graph(&self) -> Result<MigrationGraph, Error> {
        self.graph_at(&BTreeSet::new()).map(|(graph, _)| graph)
    }

    /// The dependency graph as a database that has `recorded` runs it, and
    /// the migrations that count as applied there (see
    /// [`replacements::resolve`]).
    pub fn graph_at(
        &self,
        recorded: &BTreeSet<(String, String)>,
    ) -> Result<(MigrationGraph, BTreeSet<(String, String)>), Error> {
        graph_of(self.load()?, recorded)
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

    /// Writes a migration for each app whose models differ from the state
    /// its migrations replay to (or, with `options.empty`, one empty
    /// migration), reporting on `out`. `questioner` answers the questions
    /// the changes raise (a rename or a one-off default). With
    /// `options.check` nothing is written (as with `options.dry_run`), and
    /// changes found end in [`Outcome::ChangesDetected`].
    pub fn makemigrations(
        &self,
        options: &MakeOptions<'_>,
        questioner: &mut dyn Questioner,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let graph = self.graph()?;
        if options.merge {
            return self.merge(&graph, options, out);
        }
        check_conflicts(&graph)?;
        let ordered: Vec<Migration> = graph.ordered().into_iter().cloned().collect();
        let mut from = ProjectState::new();
        for migration in &ordered {
            for op in &migration.operations {
                from.apply(&migration.app_label, op)?;
            }
        }
        let models = self.models();
        if let Some(problem) = models
            .iter()
            .flat_map(|schema| orm_core::checks::problems(schema, &models))
            .next()
        {
            return Err(Error::InvalidOperation(problem));
        }
        let to = ProjectState::from_models(models);
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
        self.write_migrations(&written, options, now, out)?;
        Ok(if options.check {
            Outcome::ChangesDetected
        } else {
            Outcome::Done
        })
    }

    /// `makemigrations --merge`: for each app with several latest
    /// migrations (of `options.app` only, when given), a migration without
    /// operations that depends on each of them, numbered after the highest.
    /// Each branch's operations are listed, as Django does, for a reader to
    /// check that they do not undo each other.
    fn merge(
        &self,
        graph: &MigrationGraph,
        options: &MakeOptions<'_>,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let now = Utc::now();
        let mut written = Vec::new();
        for app in graph.app_labels() {
            if options.app.is_some_and(|only| only != app) {
                continue;
            }
            let mut leaves = graph.leaf_nodes(app);
            if leaves.len() < 2 {
                continue;
            }
            leaves.sort_by(|a, b| a.name.cmp(&b.name));
            let _ = writeln!(out, "Merging {app}");
            for leaf in &leaves {
                let _ = writeln!(out, "  Branch {}", leaf.name);
                for migration in branch_of(graph, leaf, &leaves) {
                    for op in &migration.operations {
                        let _ = writeln!(out, "    - {}", op.describe());
                    }
                }
            }
            let number = leaves.iter().filter_map(|m| m.number()).max().unwrap_or(0) + 1;
            let stem = match options.name {
                Some(name) => name.to_owned(),
                None => {
                    let joined: Vec<&str> = leaves.iter().map(|m| m.name.as_str()).collect();
                    let stem = format!("merge_{}", joined.join("_"));
                    if stem.len() <= 60 {
                        stem
                    } else {
                        format!("merge_{}", now.format("%Y%m%d_%H%M"))
                    }
                }
            };
            let mut migration = Migration::new(app.to_owned(), format!("{number:04}_{stem}"));
            migration.dependencies = leaves
                .iter()
                .map(|m| (app.to_owned(), m.name.clone()))
                .collect();
            written.push(migration);
        }
        if written.is_empty() {
            let _ = writeln!(out, "No conflicts detected to merge.");
            return Ok(Outcome::Done);
        }
        self.write_migrations(&written, options, now, out)?;
        Ok(Outcome::Done)
    }

    /// Writes `migrations` to their apps' folders (nothing with `dry_run`
    /// or `check`), listing each with its operations on `out`.
    pub(crate) fn write_migrations(
        &self,
        migrations: &[Migration],
        options: &MakeOptions<'_>,
        now: chrono::DateTime<Utc>,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        for migration in migrations {
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
            if !(options.dry_run || options.check) {
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
        Ok(())
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

    /// Applies the pending migrations (of `app` only, when given), or moves
    /// `app` to `target` (a migration name or prefix, or `zero` to unapply
    /// them all), reporting each step on `out`. After migrating forwards,
    /// the sources' [post-migrate steps](crate::loader::PostMigrate) run, and
    /// models changed without a migration are pointed out.
    pub fn migrate(
        &self,
        db: &Db,
        app: Option<&str>,
        target: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        self.migrate_with(db, app, target, MigrateOptions::default(), out)
    }

    /// [`migrate`](Project::migrate) with Django's options: `--plan`
    /// prints what would run and runs nothing; `--fake` records the steps
    /// as applied (or unapplied) without running their SQL; `--fake-initial`
    /// records an app's initial migration as applied, without running it,
    /// when every table it creates is already there (a database made
    /// before migrations were used).
    pub fn migrate_with(
        &self,
        db: &Db,
        app: Option<&str>,
        target: Option<&str>,
        options: MigrateOptions,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let mut conn = db.conn()?;
        recorder::ensure_table(&mut conn)?;
        let mut recorded = recorder::applied(&mut conn)?;
        // A squashed migration whose replaced ones all ran counts as run.
        let migrations = self.load()?;
        for (app, name) in replacements::to_record(&migrations, &recorded) {
            recorder::record_applied(&mut conn, &app, &name)?;
            recorded.insert((app, name));
        }
        let (graph, applied) = graph_of(migrations, &recorded)?;
        let ordered: Vec<Migration> = graph.ordered().into_iter().cloned().collect();
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
        if options.plan {
            print_plan(&plan, backwards, out);
            return Ok(Outcome::Done);
        }
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
        let code = |app: &str, name: &str| {
            self.sources
                .iter()
                .find(|s| s.app_label() == app)
                .and_then(|s| s.code(name))
        };
        if options.fake {
            steps
                .iter()
                .try_for_each(|step| fake(&mut conn, *step, out))?;
        } else if options.fake_initial {
            for step in &steps {
                if !step.backwards
                    && step.migration.initial
                    && tables_exist(&mut conn, step.migration)?
                {
                    fake(&mut conn, *step, out)?;
                } else {
                    executor::run_plan(
                        &mut conn,
                        &ordered,
                        std::slice::from_ref(step),
                        &code,
                        out,
                    )?;
                }
            }
        } else {
            executor::run_plan(&mut conn, &ordered, &steps, &code, out)?;
        }
        if !backwards {
            // Django's post-migrate signal: each app's step (the auth app's
            // creates the default permissions of every model).
            for step in self
                .sources
                .iter()
                .filter_map(MigrationSource::post_migrate)
            {
                step(&mut conn)?;
            }
            self.warn_unmigrated_changes(&ordered, out);
        }
        // SQLite keeps no statistics of its own: refresh those of the
        // tables that changed much (bounded work), so that the planner, and
        // the admin's estimated counts, see the tables as they are.
        if conn.backend() == BackendKind::Sqlite {
            use diesel::connection::SimpleConnection as _;
            conn.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
                .map_err(orm_core::Error::from)?;
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

    /// Lists the migrations of `only` (every app when empty), `[X]` when
    /// applied to `db`. An app without migrations is an error.
    pub fn showmigrations(
        &self,
        db: &Db,
        only: &[String],
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let mut conn = db.conn()?;
        // Read only: listing migrations creates no table.
        let recorded = recorder::applied_if_recorded(&mut conn)?;
        let (graph, applied) = self.graph_at(&recorded)?;
        let mut apps: Vec<&str> = graph.app_labels();
        if let Some(unknown) = only.iter().find(|app| !apps.contains(&app.as_str())) {
            return Err(Error::UnknownApp(unknown.clone()));
        }
        if !only.is_empty() {
            apps.retain(|app| only.iter().any(|wanted| wanted == app));
        }
        apps.sort_unstable();
        for app in apps {
            let _ = writeln!(out, "{app}");
            for migration in graph.ordered().into_iter().filter(|m| m.app_label == app) {
                let mark = if applied.contains(&migration.key()) {
                    "X"
                } else {
                    " "
                };
                let squashed = match migration.replaces.len() {
                    0 => String::new(),
                    n => format!(" ({n} squashed migrations)"),
                };
                let _ = writeln!(out, " [{mark}] {}{squashed}", migration.name);
            }
        }
        Ok(Outcome::Done)
    }

    /// Writes the SQL of one migration of `app` (`name` may be a unique
    /// prefix such as `0002`) for `backend` on `out`, or the SQL that
    /// unapplies it when `backwards`.
    pub fn sqlmigrate(
        &self,
        backend: BackendKind,
        app: &str,
        name: &str,
        backwards: bool,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        // A migration a squashed one replaces is shown as a database
        // halfway through them would run it.
        let mut graph = self.graph()?;
        if graph.resolve(app, name).is_err() {
            let migrations = self.load()?;
            let replaced: BTreeSet<(String, String)> = migrations
                .iter()
                .flat_map(|m| m.replaces.iter().take(1).cloned())
                .collect();
            if let Ok((originals, _)) = graph_of(migrations, &replaced) {
                if originals.resolve(app, name).is_ok() {
                    graph = originals;
                }
            }
        }
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

/// The graph of `migrations` as a database that has `recorded` runs them,
/// and the migrations that count as applied there.
fn graph_of(
    migrations: Vec<Migration>,
    recorded: &BTreeSet<(String, String)>,
) -> Result<(MigrationGraph, BTreeSet<(String, String)>), Error> {
    let (migrations, applied) = replacements::resolve(migrations, recorded)?;
    Ok((MigrationGraph::new(migrations)?, applied))
}

/// The migrations of `leaf`'s app that `leaf` needs and no other of the
/// app's `leaves` does: its own branch, oldest first.
fn branch_of<'g>(
    graph: &'g MigrationGraph,
    leaf: &Migration,
    leaves: &[&Migration],
) -> Vec<&'g Migration> {
    let none = BTreeSet::new();
    let needed = |m: &Migration| {
        let target = Target::Migration(m.app_label.clone(), m.name.clone());
        graph.forwards_plan(&target, &none).unwrap_or_default()
    };
    let shared: BTreeSet<(String, String)> = leaves
        .iter()
        .filter(|other| other.name != leaf.name)
        .flat_map(|other| needed(other))
        .map(|m| (m.app_label.clone(), m.name.clone()))
        .collect();
    needed(leaf)
        .into_iter()
        .filter(|m| m.app_label == leaf.app_label)
        .filter(|m| !shared.contains(&(m.app_label.clone(), m.name.clone())))
        .collect()
}

/// Refuses graphs that `migrate` and `makemigrations` cannot work from: two
/// latest migrations in one app (a conflict from two branches).
fn check_conflicts(graph: &MigrationGraph) -> Result<(), Error> {
    for app in graph.app_labels() {
        let leaves = graph.leaf_nodes(app);
        if leaves.len() > 1 {
            let names: Vec<&str> = leaves.iter().map(|m| m.name.as_str()).collect();
            return Err(Error::InvalidOperation(format!(
                "conflicting migrations in app '{app}': {} are all latest (two branches). \
                 Join them with `makemigrations {app} --merge`, then run the command again.",
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

/// What [`Project::makemigrations`] is asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeOptions<'a> {
    /// Only this app.
    pub app: Option<&'a str>,
    /// The migration's name instead of a generated one.
    pub name: Option<&'a str>,
    /// Show what would be written, write nothing.
    pub dry_run: bool,
    /// Report changes as [`Outcome::ChangesDetected`] and write nothing
    /// (for CI).
    pub check: bool,
    /// An empty migration of `app`, to fill by hand.
    pub empty: bool,
    /// Join the latest migrations of each app that has several (of `app`
    /// only, when given) with a migration depending on each of them.
    pub merge: bool,
}
