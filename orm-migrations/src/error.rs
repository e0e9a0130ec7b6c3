//! The errors of the migrations crate.

use std::path::PathBuf;

/// Everything that can go wrong reading, planning, writing or applying
/// migrations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A migration file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A migration file is not valid: bad TOML, an unknown operation type, a
    /// missing or unknown key, a value of the wrong type.
    ///
    /// Shown as `file:line:column: message`, like a compiler diagnostic.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// The file: its path, or `app/migrations/NNNN_name.toml`.
        file: String,
        /// 1-based line of the offending text.
        line: usize,
        /// 1-based column (in characters) of the offending text.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A migration name that is not `NNNN_name`.
    #[error(
        "{file}: invalid migration name `{name}` in app `{app}`: expected NNNN_name \
         (digits, `_`, then letters, digits and `_`), e.g. 0002_article_summary"
    )]
    InvalidName {
        /// The app.
        app: String,
        /// The name that was rejected.
        name: String,
        /// Where it came from.
        file: String,
    },
    /// Two migrations with one name.
    #[error("duplicate migration {app}.{name}: in {first} and in {second}")]
    Duplicate {
        /// The app.
        app: String,
        /// The migration name.
        name: String,
        /// Where the first one came from.
        first: String,
        /// Where the second one came from.
        second: String,
    },
    /// A dependency that no loaded migration provides.
    #[error("migration {app}.{name} depends on {dep_app}.{dep_name}, which does not exist")]
    MissingDependency {
        /// The app of the migration.
        app: String,
        /// The migration.
        name: String,
        /// The app depended on.
        dep_app: String,
        /// The migration depended on.
        dep_name: String,
    },
    /// Migrations that depend on each other in a circle, shown as
    /// `a.0001_x -> b.0001_y -> a.0001_x`.
    #[error("circular dependency between migrations: {0}")]
    Cycle(String),
    /// An app with no migrations of that name.
    #[error("no migration named `{name}` in app `{app}`")]
    UnknownMigration {
        /// The app.
        app: String,
        /// The name asked for.
        name: String,
    },
    /// A name prefix that matches several migrations of an app.
    #[error("more than one migration of app `{app}` starts with `{prefix}`: {}", candidates.join(", "))]
    AmbiguousMigration {
        /// The app.
        app: String,
        /// The prefix asked for.
        prefix: String,
        /// The names starting with it.
        candidates: Vec<String>,
    },
    /// An app label that no model or migration uses.
    #[error("no app named `{0}`")]
    UnknownApp(String),
    /// A migration could not be turned into TOML.
    #[error("cannot write migration {app}.{name}: {message}")]
    Write {
        /// The app.
        app: String,
        /// The migration name.
        name: String,
        /// What the TOML serializer reported.
        message: String,
    },
    /// An embedded migrations folder has files the binary does not contain,
    /// because it was built before they were added.
    #[error(
        "{dir} has migration files that are not embedded in this binary: {}. \
         It was built before they were added: rebuild it (touch the file calling \
         embed_migrations! and run cargo build), or add \
         `println!(\"cargo:rerun-if-changed=migrations\");` to a build.rs so that \
         cargo rebuilds when files are added",
        names.join(", ")
    )]
    StaleEmbedded {
        /// The app.
        app: String,
        /// The folder the migrations were embedded from.
        dir: String,
        /// The files found in the folder but not in the binary.
        names: Vec<String>,
    },
    /// An operation names a model the state does not have.
    #[error("no model {app}.{model} in the migration state")]
    UnknownModel {
        /// The app.
        app: String,
        /// The model name.
        model: String,
    },
    /// An operation that cannot apply to the state.
    #[error("{0}")]
    InvalidOperation(String),
    /// A migration that cannot be reversed (RunSql without reverse_sql).
    #[error("migration {app}.{name} is irreversible: {reason}")]
    Irreversible {
        /// The app.
        app: String,
        /// The migration name.
        name: String,
        /// Which operation cannot be undone.
        reason: String,
    },
    /// `makemigrations --noinput` met a question it must not guess.
    #[error("{0}")]
    NeedsInput(String),
    /// A migration failed while being applied.
    #[error("{0}")]
    Apply(String),
    /// A database error.
    #[error(transparent)]
    Database(#[from] orm_core::Error),
}
