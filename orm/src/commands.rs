//! The project's command line (Django's `manage.py`): the built-in
//! commands, the migration and auth commands, and the project's own,
//! gathered into one clap command.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{ArgMatches, FromArgMatches, Subcommand};
use orm_contrib::auth::AuthCommand;
use orm_core::Db;
use orm_migrations::{MigrationCommand, Outcome};

/// The commands every project has besides the migration and auth ones.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum BuiltinCommand {
    /// Apply pending migrations and serve the site (the default command).
    Runserver {
        /// The address to listen on (default: the BIND setting).
        addr: Option<SocketAddr>,
    },
    /// Look for problems: the settings, models without migrations, the
    /// database and its unapplied migrations.
    Check,
    /// Write the rows of apps or models (every model by default) as a JSON
    /// fixture, in an order loaddata can read back.
    Dumpdata {
        /// `app` for every model of an app, `app.Model` for one.
        labels: Vec<String>,
        /// Indent the JSON by this many spaces (one line by default).
        #[arg(long)]
        indent: Option<usize>,
        /// Write to this file instead of the standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a new app into this project: src/NAME/ with its models, pages
    /// and migrations folder.
    Startapp {
        /// The app's name (its app label): lower-case letters, digits and `_`.
        name: String,
        /// The project's folder (default: the current one).
        #[arg(long)]
        project: Option<PathBuf>,
    },
    /// Save the objects of JSON fixtures in the database, all in one
    /// transaction: existing keys are updated, others inserted.
    Loaddata {
        /// Fixture files, `-` for the standard input.
        #[arg(required = true)]
        fixtures: Vec<PathBuf>,
    },
}

/// Runs a parsed command line when it names one of a project's commands
/// (`None` otherwise).
type RunFn = Box<dyn Fn(&ArgMatches, &Db) -> Option<Result<(), String>>>;

/// A command of the project's own: how to add it to the command line and
/// how to run it once parsed.
pub(crate) struct UserCommands {
    pub(crate) augment: fn(clap::Command) -> clap::Command,
    pub(crate) run: RunFn,
}

impl UserCommands {
    /// The subcommands of `C`, each run by `handler`.
    pub(crate) fn of<C, E>(handler: impl Fn(C, &Db) -> Result<(), E> + 'static) -> UserCommands
    where
        C: Subcommand + FromArgMatches,
        E: std::fmt::Display,
    {
        UserCommands {
            augment: <C as Subcommand>::augment_subcommands,
            run: Box::new(move |matches, db| {
                let (name, _) = matches.subcommand()?;
                if !C::has_subcommand(name) {
                    return None;
                }
                Some(
                    C::from_arg_matches(matches)
                        .map_err(|e| e.to_string())
                        .and_then(|command| handler(command, db).map_err(|e| e.to_string())),
                )
            }),
        }
    }
}

/// One parsed command line.
pub(crate) enum Parsed {
    Builtin(BuiltinCommand),
    Migrations(MigrationCommand),
    Auth(AuthCommand),
    /// A project's own command: the matches, for the command that owns it.
    User(ArgMatches),
}

/// The whole command line of project `name`.
pub(crate) fn command(name: &str, about: &str, user: &[UserCommands]) -> clap::Command {
    let mut command = clap::Command::new(name.to_owned()).subcommand_required(false);
    command = BuiltinCommand::augment_subcommands(command);
    command = MigrationCommand::augment_subcommands(command);
    command = AuthCommand::augment_subcommands(command);
    for commands in user {
        command = (commands.augment)(command);
    }
    // Last: each derive's augment sets the about of its own enum.
    command.about(about.to_owned())
}

/// Which command `matches` asks for; `runserver` when none.
pub(crate) fn parse(matches: &ArgMatches) -> Result<Parsed, clap::Error> {
    let Some((name, _)) = matches.subcommand() else {
        return Ok(Parsed::Builtin(BuiltinCommand::Runserver { addr: None }));
    };
    if BuiltinCommand::has_subcommand(name) {
        return BuiltinCommand::from_arg_matches(matches).map(Parsed::Builtin);
    }
    if MigrationCommand::has_subcommand(name) {
        return MigrationCommand::from_arg_matches(matches).map(Parsed::Migrations);
    }
    if AuthCommand::has_subcommand(name) {
        return AuthCommand::from_arg_matches(matches).map(Parsed::Auth);
    }
    Ok(Parsed::User(matches.clone()))
}

/// Whether a migration command reads the database (`makemigrations` only
/// compares the models with the migration files, `squashmigrations` only
/// reads and writes files).
pub(crate) fn needs_database(command: &MigrationCommand) -> bool {
    !matches!(
        command,
        MigrationCommand::Makemigrations { .. } | MigrationCommand::Squashmigrations { .. }
    )
}

/// The exit code of a finished command.
pub(crate) fn exit_code(outcome: Outcome) -> std::process::ExitCode {
    match outcome {
        Outcome::Done => std::process::ExitCode::SUCCESS,
        Outcome::ChangesDetected => std::process::ExitCode::from(1),
    }
}
