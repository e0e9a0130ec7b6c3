//! Django-style migrations for orm-core models.

pub mod autodetector;
pub mod error;
pub mod operation;
pub mod questioner;
pub mod recorder;
pub mod state;

pub use error::Error;
pub use operation::Operation;
pub use state::ProjectState;
pub mod migration;
pub use migration::Migration;
pub mod graph;
pub mod loader;
pub mod parser;
pub mod writer;
pub use graph::{MigrationGraph, Target};
pub use loader::MigrationSource;
pub use migrations_macros::embed_migrations;
#[doc(hidden)]
extern crate self as migrations_cli;
pub mod commands;
pub mod executor;
pub mod operation_sql;
pub use commands::{MigrationCommand, Outcome, Project};
