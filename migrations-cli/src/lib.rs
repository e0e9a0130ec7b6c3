//! Django-style migrations for orm-core models: `makemigrations` writes
//! backend-neutral migration files from the models' schema IR, `migrate`
//! applies them with SQL rendered for the database at hand.
//!
//! A program lists its apps' migrations in a [`Project`] and runs the
//! [`MigrationCommand`]s from its own `main`:
//!
//! ```ignore
//! const BLOG: MigrationSource = embed_migrations!("blog");
//! let project = Project::new().with(migrations_cli::auth_migrations()).with(BLOG);
//! project.execute(&command, Some(&db), &mut stdin, &mut stdout)?;
//! ```

extern crate self as migrations_cli;

pub mod auth_commands;
pub mod autodetector;
pub mod commands;
pub mod error;
pub mod executor;
pub mod graph;
pub mod loader;
pub mod migration;
pub mod operation;
pub mod operation_sql;
pub mod parser;
pub mod questioner;
pub mod recorder;
pub mod state;
pub mod writer;

pub use commands::{MigrationCommand, Outcome, Project};
pub use error::Error;
pub use graph::{MigrationGraph, Target};
pub use loader::MigrationSource;
pub use migration::Migration;
pub use migrations_macros::embed_migrations;
pub use operation::Operation;
pub use state::ProjectState;

/// The migrations of the built-in `sessions` app (`orm_core::sessions`).
pub fn sessions_migrations() -> MigrationSource {
    const SESSIONS: MigrationSource = embed_migrations!("sessions", "sessions_migrations");
    SESSIONS
}

/// The migrations of the built-in `auth` app (`orm_core::auth`), which user
/// apps with a foreign key to `User` depend on.
pub fn auth_migrations() -> MigrationSource {
    const AUTH: MigrationSource = embed_migrations!("auth", "auth_migrations");
    AUTH
}
