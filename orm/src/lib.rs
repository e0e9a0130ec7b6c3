//! Django's batteries for Rust, behind one dependency: models and typed
//! queries ([`orm_core`]), migrations, users, groups and sessions, the
//! generated admin, settings, the server and the management commands.
//!
//! A project's whole `main.rs`:
//!
//! ```no_run
//! mod models {
//!     use orm::prelude::*;
//!
//!     #[derive(Model, Debug, Clone)]
//!     #[admin(list_display = ["title"])]
//!     pub struct Note {
//!         pub id: i64,
//!         #[field(max_length = 200)]
//!         pub title: String,
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     orm::Site::new("notes").main()
//! }
//! ```
//!
//! With a `migrations/` folder beside `Cargo.toml`, add
//! `.migrations(orm::embed_migrations!("notes"))` to the site: the binary
//! carries the app's migrations, and `notes makemigrations` writes new
//! ones there. Then `notes migrate`, `notes createsuperuser`, and `notes
//! runserver` (or `notes` alone) serves the admin at `/admin/`.
//!
//! The attributes of `#[derive(Model)]`, `#[derive(Choices)]` and
//! `#[admin(...)]` (every model, field, choice and admin option, with the
//! Rust types a field may have) are described in [`attributes`].
//!
//! | feature | what it adds |
//! |---|---|
//! | (none) | SQLite, bundled: nothing to install |
//! | `postgres` | PostgreSQL through the system libpq (`libpq-dev`) |
//! | `mysql` | MySQL/MariaDB through libmysqlclient (`default-libmysqlclient-dev`) |

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod accounts;
pub mod body_deadline;
mod commands;
mod fixtures;
pub mod forms;
pub mod hosts;
pub mod mail;
pub mod server;
pub mod settings;
mod site;
pub mod startproject;
pub mod startup;
pub mod urls;
pub mod views;

pub use admin::{self, csrf, messages, AdminSite};
pub use orm_contrib::{auth, sessions};
pub use orm_core::{
    atomic, backend, db, deletion, fields, model, model_admin, pagination, query, schema, signals,
    sql_types, storage, validation, value,
};
pub use orm_core::{
    create_tables, AnyConnection, Choices, Db, Error, FieldType, Filter, ForeignKey, Model, Page,
    QuerySet, Result, Value, Q,
};
pub use orm_migrations as migrations;
pub use orm_migrations::embed_migrations;
pub use settings::{Settings, SettingsError};
pub use site::Site;

/// Reference of the model, field, choice and admin attributes.
#[doc = include_str!("attributes.md")]
pub mod attributes {}

/// What a module using models needs in scope: `use orm::prelude::*;`.
pub mod prelude {
    pub use orm_core::prelude::*;
}

/// The crates the derive's and the migration macro's expansions name when
/// a project depends on this crate alone.
#[doc(hidden)]
pub mod __reexports {
    pub use orm_core;
    pub use orm_migrations;
}
