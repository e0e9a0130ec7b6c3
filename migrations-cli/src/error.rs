//! The errors of the migrations crate: each says what is wrong and where.

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
    /// A migration file is not valid.
    #[error("{file}: {message}")]
    Parse {
        /// The migration, as `app/NNNN_name`.
        file: String,
        /// What is wrong, with the line when known.
        message: String,
    },
    /// A migration name that is not `NNNN_name`.
    #[error("invalid migration name `{0}`: expected NNNN_name, e.g. 0002_article_summary")]
    InvalidName(String),
    /// Two migrations with one name.
    #[error("duplicate migration {app}.{name}")]
    Duplicate {
        /// The app.
        app: String,
        /// The migration name.
        name: String,
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
    /// Migrations that depend on each other in a circle.
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
    /// An app label that no model or migration uses.
    #[error("no app named `{0}`")]
    UnknownApp(String),
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
        /// The migration.
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
