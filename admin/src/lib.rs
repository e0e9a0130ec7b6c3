//! The generated admin: merge [`router`] into an axum app and every
//! registered model gets list, search, filters, add, change, delete and
//! history pages under `/admin/`, for staff users, from the schema IR alone.
//!
//! ```no_run
//! use admin::AdminSite;
//! use orm_core::Db;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let db = Db::open("sqlite://db.sqlite3")?;
//! let site = AdminSite::new(db).secret_key("change me: a long random string");
//! let app = axum::Router::new().merge(admin::router(site));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! Models with `#[admin(...)]` (see `orm_core::model_admin`) are listed
//! without more code, as are the built-in users and groups; others are added
//! with [`AdminSite::register`]. The admin's own table, the history log, has
//! its migrations in [`migrations`].
//!
//! The user forms are stricter than Django's `UserAdmin`: usernames pass the
//! same check as `createsuperuser` (`orm_contrib::auth::username`), and only
//! superusers may change anyone's rights (superuser and staff status,
//! groups, permissions) or change a superuser at all; other staff see those
//! fields, and superusers' records, read-only.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod assets;
mod changelist;
mod client_info;
mod context;
pub mod csrf;
mod display;
mod error;
mod form;
pub mod form_body;
#[cfg(test)]
mod fuzz_tests;
mod headers;
mod history;
mod kept;
pub mod login_throttle;
pub mod messages;
mod permissions;
pub mod safe_next;
mod session_layer;
mod site;
mod templates;
mod users;
mod views;

pub use client_info::{ClientInfo, InvalidProxy, Scheme, TrustedProxies};
pub use error::AdminError;
pub use history::{ActionFlag, LogEntry};
pub use session_layer::session_layer;
pub use site::AdminSite;

use orm_migrations::{embed_migrations, MigrationSource};

/// The admin's router, serving every page under the site's path (`/admin/`
/// unless [`AdminSite::path`] says otherwise): merge it into the app with
/// `Router::new().merge(admin::router(site))`.
pub fn router(site: AdminSite) -> axum::Router {
    views::router(site.build())
}

/// The migrations of the admin's own models (the history log).
pub fn migrations() -> MigrationSource {
    const ADMIN: MigrationSource = embed_migrations!("admin");
    ADMIN
}
