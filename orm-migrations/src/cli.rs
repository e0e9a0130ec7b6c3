//! The command line (the `cli` feature): [`MigrationCommand`], clap
//! subcommands a binary embeds in its own command line with
//! `#[command(flatten)]`, run with [`Project::execute`].

use std::io::{BufRead, Write};

use orm_core::Db;

use crate::commands::{MakeOptions, Outcome, Project};
use crate::error::Error;
use crate::questioner::{InteractiveQuestioner, NonInteractiveQuestioner};

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
        /// Join the latest migrations of an app that has several (two
        /// branches) with a migration depending on each.
        #[arg(long)]
        merge: bool,
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
        /// Print the migrations and operations that would run; run nothing.
        #[arg(long)]
        plan: bool,
        /// Record the migrations as applied (or unapplied) without running
        /// their SQL.
        #[arg(long)]
        fake: bool,
        /// Record an initial migration as applied without running it when
        /// all the tables it creates already exist.
        #[arg(long)]
        fake_initial: bool,
    },
    /// Squash a run of an app's migrations into one that replaces them.
    Squashmigrations {
        /// The app.
        app: String,
        /// `[START] END`: the first (default: the app's first) and last
        /// migration to squash, by name or unique prefix.
        #[arg(num_args = 1..=2, required = true, value_name = "MIGRATION")]
        migrations: Vec<String>,
        /// The new migration's name after its number.
        #[arg(long)]
        squashed_name: Option<String>,
        /// Keep every operation as it is.
        #[arg(long)]
        no_optimize: bool,
    },
    /// List migrations, `[X]` when applied.
    Showmigrations {
        /// Only these apps (default: every app).
        apps: Vec<String>,
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

impl Project {
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
                merge,
                noinput,
            } => {
                let options = MakeOptions {
                    app: app.as_deref(),
                    name: name.as_deref(),
                    dry_run: *dry_run || *check,
                    check: *check,
                    empty: *empty,
                    merge: *merge,
                };
                if *noinput || *check {
                    self.makemigrations(&options, &mut NonInteractiveQuestioner, out)
                } else {
                    let mut questioner = InteractiveQuestioner::new(input, std::io::stderr());
                    self.makemigrations(&options, &mut questioner, out)
                }
            }
            MigrationCommand::Migrate {
                app,
                target,
                plan,
                fake,
                fake_initial,
            } => {
                let options = crate::commands::MigrateOptions {
                    plan: *plan,
                    fake: *fake,
                    fake_initial: *fake_initial,
                };
                self.migrate_with(
                    need_db(db)?,
                    app.as_deref(),
                    target.as_deref(),
                    options,
                    out,
                )
            }
            MigrationCommand::Squashmigrations {
                app,
                migrations,
                squashed_name,
                no_optimize,
            } => {
                let (start, end) = match migrations.as_slice() {
                    [end] => (None, end.as_str()),
                    [start, end] => (Some(start.as_str()), end.as_str()),
                    _ => {
                        return Err(Error::InvalidOperation(
                            "squashmigrations takes APP [START] END".to_owned(),
                        ))
                    }
                };
                let options = crate::squash::SquashOptions {
                    app,
                    start,
                    end,
                    squashed_name: squashed_name.as_deref(),
                    no_optimize: *no_optimize,
                };
                self.squashmigrations(&options, out)
            }
            MigrationCommand::Showmigrations { apps } => {
                self.showmigrations(need_db(db)?, apps, out)
            }
            MigrationCommand::Sqlmigrate {
                app,
                name,
                backwards,
            } => self.sqlmigrate(need_db(db)?.backend(), app, name, *backwards, out),
        }
    }
}

fn need_db(db: Option<&Db>) -> Result<&Db, Error> {
    db.ok_or_else(|| {
        Error::InvalidOperation("this command needs a database (DATABASE_URL)".to_owned())
    })
}
