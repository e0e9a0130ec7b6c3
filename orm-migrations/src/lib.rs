//! Django-style migrations for orm-core models: `makemigrations` writes
//! backend-neutral migration files from the models' schema IR, `migrate`
//! applies them with SQL rendered for the database at hand.
//!
//! A program lists its apps' migrations in a [`Project`] and runs the
//! commands from its own `main`:
//!
//! ```ignore
//! const BLOG: MigrationSource = embed_migrations!("blog");
//! let project = Project::new().with(orm_contrib::auth::migrations()).with(BLOG);
//! project.migrate(&db, None, None, &mut stdout)?;
//! // With the `cli` feature, a command parsed from the command line:
//! project.execute(&command, Some(&db), &mut stdin, &mut stdout)?;
//! ```
//!
//! | feature | what it adds |
//! |---|---|
//! | (none) | the library: state, autodetector, files, graph, executor, recorder, and the commands as [`Project`] methods |
//! | `cli` | `MigrationCommand` (clap subcommands) and `Project::execute` |
//! | `postgres` | PostgreSQL (orm-core's `postgres`) |
//! | `mysql` | MySQL/MariaDB (orm-core's `mysql`) |

extern crate self as orm_migrations;

pub mod autodetector;
#[cfg(feature = "cli")]
pub mod cli;
pub mod commands;
pub mod error;
pub mod executor;
pub mod graph;
pub mod loader;
pub mod migration;
pub mod operation;
pub mod operation_sql;
pub mod optimizer;
pub mod parser;
pub mod questioner;
pub mod recorder;
pub mod replacements;
pub mod squash;
pub mod state;
pub mod writer;

#[cfg(feature = "cli")]
pub use cli::MigrationCommand;
pub use commands::{MakeOptions, MigrateOptions, Outcome, Project};
pub use error::Error;
pub use graph::{MigrationGraph, Target};
pub use loader::{MigrationCode, MigrationSource, PostMigrate};
pub use migration::Migration;
pub use migrations_macros::embed_migrations;
pub use operation::Operation;
pub use squash::SquashOptions;
pub use state::ProjectState;
