//! Django's `contrib` for orm-core: the apps most sites need, each with its
//! models, its migrations and its commands.
//!
//! - [`auth`]: users, groups and per-model permissions, passwords hashed
//!   with Argon2, `authenticate`, the `createsuperuser` and `changepassword`
//!   commands; app label `auth`.
//! - [`sessions`]: sessions kept in the database, a tower-sessions store;
//!   app label `sessions`.
//!
//! A program adds each app's migrations to its project; `migrate` then also
//! creates the default permissions of every model:
//!
//! ```
//! use orm_migrations::Project;
//!
//! let project = Project::new()
//!     .with(orm_contrib::auth::migrations())
//!     .with(orm_contrib::sessions::migrations());
//! # let _ = project;
//! ```
//!
//! | feature | what it adds |
//! |---|---|
//! | (none) | the apps, their migrations, and the commands as functions |
//! | `cli` | `auth::AuthCommand` (clap subcommands) |
//! | `postgres` | PostgreSQL (orm-core's `postgres`) |
//! | `mysql` | MySQL/MariaDB (orm-core's `mysql`) |

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
mod error;
pub mod sessions;

pub use error::Error;
