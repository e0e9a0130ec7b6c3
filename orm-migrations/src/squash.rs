//! `squashmigrations`: one migration standing for a run of an app's
//! migrations, their operations folded by the [`optimizer`].
//!
//! The squashed migration lists the ones it `replaces`. Databases that ran
//! them all count it as applied, new ones run it alone, and those halfway
//! through run the rest of the originals ([`crate::replacements`]). Once
//! every database has migrated past them, the replaced files can be
//! deleted.

use std::collections::BTreeSet;
use std::io::Write;

use chrono::Utc;

use crate::commands::{MakeOptions, Outcome, Project};
use crate::error::Error;
use crate::graph::Target;
use crate::migration::Migration;
use crate::optimizer;

/// What [`Project::squashmigrations`] is asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct SquashOptions<'a> {
    /// The app.
    pub app: &'a str,
    /// The first migration to squash (a name or unique prefix); the app's
    /// first when `None`.
    pub start: Option<&'a str>,
    /// The last migration to squash (a name or unique prefix).
    pub end: &'a str,
    /// The name after the number, instead of `squashed_<last name>`.
    pub squashed_name: Option<&'a str>,
    /// Keep every operation as it is.
    pub no_optimize: bool,
}

impl Project {
    /// Writes one migration replacing the app's migrations from
    /// `options.start` (or its first) to `options.end`, reporting on `out`.
    ///
    /// It depends on what they depended on outside the run, keeps their
    /// `RunSql` and `RunCode` steps in place, and, unless
    /// `options.no_optimize`, folds the operations (a `CreateModel` takes in
    /// later changes to its model, a field added then removed disappears).
    pub fn squashmigrations(
        &self,
        options: &SquashOptions<'_>,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let graph = self.graph()?;
        let app = options.app;
        if !graph.app_labels().contains(&app) {
            return Err(Error::UnknownApp(app.to_owned()));
        }
        let end = graph.resolve(app, options.end)?;
        let mut run: Vec<&Migration> = graph
            .forwards_plan(
                &Target::Migration(end.app_label.clone(), end.name.clone()),
                &BTreeSet::new(),
            )?
            .into_iter()
            .filter(|m| m.app_label == app)
            .collect();
        if let Some(start) = options.start {
            let start = graph.resolve(app, start)?;
            let Some(at) = run.iter().position(|m| m.key() == start.key()) else {
                return Err(Error::InvalidOperation(format!(
                    "{start} does not come before {end}: nothing to squash between them"
                )));
            };
            run.drain(..at);
        }
        if run.len() < 2 {
            return Err(Error::InvalidOperation(format!(
                "only {} would be squashed: name a run of two or more migrations",
                run.iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let squashed = squash(&run, options);
        if graph.get(app, &squashed.name).is_some() {
            return Err(Error::InvalidOperation(format!(
                "{squashed} exists already: choose another name with --squashed-name"
            )));
        }
        let _ = writeln!(out, "Will squash the following migrations:");
        for migration in &run {
            let _ = writeln!(out, " - {}", migration.name);
        }
        if !options.no_optimize {
            let before: usize = run.iter().map(|m| m.operations.len()).sum();
            let after = squashed.operations.len();
            let _ = writeln!(out, "Optimizing...");
            if before == after {
                let _ = writeln!(out, "  No optimizations possible.");
            } else {
                let _ = writeln!(
                    out,
                    "  Optimized from {before} operations to {after} operations."
                );
            }
        }
        self.write_migrations(
            std::slice::from_ref(&squashed),
            &MakeOptions::default(),
            Utc::now(),
            out,
        )?;
        let _ = writeln!(
            out,
            "New databases will run {} alone. Keep the migrations it replaces until every \
             database has migrated past them; then they can be deleted.",
            squashed.name
        );
        Ok(Outcome::Done)
    }
}

/// The migration standing for `run` (in dependency order).
fn squash(run: &[&Migration], options: &SquashOptions<'_>) -> Migration {
    let (first, last) = (run[0], run[run.len() - 1]);
    let name = match (options.squashed_name, options.start) {
        (Some(name), _) => format!("{:04}_{name}", first.number().unwrap_or(1)),
        (None, Some(_)) => format!("{}_squashed_{}", first.name, last.name),
        (None, None) => format!("0001_squashed_{}", last.name),
    };
    let mut squashed = Migration::new(first.app_label.clone(), name);
    squashed.initial = first.initial;
    let inside: BTreeSet<(String, String)> = run
        .iter()
        .flat_map(|m| std::iter::once(m.key()).chain(m.replaces.iter().cloned()))
        .collect();
    for migration in run {
        for dependency in &migration.dependencies {
            if !inside.contains(dependency) && !squashed.dependencies.contains(dependency) {
                squashed.dependencies.push(dependency.clone());
            }
        }
        // A squashed migration squashed again stands for what it replaced.
        if migration.replaces.is_empty() {
            squashed.replaces.push(migration.key());
        } else {
            squashed.replaces.extend(migration.replaces.iter().cloned());
        }
        squashed
            .operations
            .extend(migration.operations.iter().cloned());
    }
    if !options.no_optimize {
        squashed.operations = optimizer::optimize(&squashed.app_label, squashed.operations);
    }
    squashed
}
