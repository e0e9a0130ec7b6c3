//! Database-backed sessions for [tower-sessions], like
//! `django.contrib.sessions` with its database engine.
//!
//! [`DbSessionStore`] implements tower-sessions' `SessionStore` over the
//! [`Session`] model (table `orm_session`), so a `SessionManagerLayer` can
//! keep its sessions in any database a [`Db`](orm_core::Db) opens:
//!
//! ```ignore
//! let store = DbSessionStore::new(db);
//! let app = Router::new()
//!     .route("/", get(handler))
//!     .layer(
//!         SessionManagerLayer::new(store)
//!             .with_secure(true)
//!             .with_same_site(SameSite::Lax)
//!             .with_http_only(true),
//!     );
//! ```
//!
//! # Rows
//!
//! One row per session: `session_key` is the session id as the cookie holds
//! it, `session_data` the JSON of tower-sessions' whole `Record` (id, data,
//! expiry), `expire_date` its expiry, indexed for purging. Every store call
//! runs on tokio's blocking threads through [`Db::run`](orm_core::Db::run).
//!
//! - `create` inserts; when the id is already taken it gives the record a
//!   fresh random id and tries again (the unique `session_key` decides, so
//!   two concurrent creates cannot share an id).
//! - `save` updates the row, inserting it when missing.
//! - `load` returns `None` for a missing or expired session, and deletes the
//!   expired row.
//! - `delete` removes the row; deleting a missing session is not an error.
//! - `ExpiredDeletion::delete_expired` deletes every expired row in one
//!   statement. Call it from a periodic task (a tokio interval, a cron
//!   command):
//!
//! ```
//! use orm_contrib::sessions::DbSessionStore;
//! use tower_sessions::session_store::{Error, ExpiredDeletion};
//!
//! async fn purge(store: &DbSessionStore) -> Result<(), Error> {
//!     store.delete_expired().await
//! }
//! ```
//!
//! # Session ids
//!
//! Ids are tower-sessions' own: `tower_sessions::session::Id` wraps an
//! `i128`, drawn by `Id::default()` from `rand`'s thread-local generator (a
//! CSPRNG seeded from the operating system), and the session manager only
//! accepts cookies that decode to exactly 16 bytes. A store may replace the
//! id in `create`, but only with another `Id`, so ids are 128 random bits
//! (22 base64url characters in the cookie), not 256: longer ids would need
//! a session layer of our own. 128 bits is well past the 64 bits of entropy
//! OWASP asks of session ids.
//!
//! # Errors
//!
//! Failures become `session_store::Error::Backend` (or `Encode`/`Decode`)
//! naming the operation and the kind of failure only: never a session id,
//! never session data, never a driver's message (drivers may quote the
//! values of the statement).
//!
//! [tower-sessions]: https://docs.rs/tower-sessions

mod model;
mod store;

use orm_migrations::{embed_migrations, MigrationSource};

pub use model::Session;
pub use store::DbSessionStore;

/// The migrations of the `sessions` app: the [`Session`] table.
pub fn migrations() -> MigrationSource {
    const SESSIONS: MigrationSource = embed_migrations!("sessions", "src/sessions/migrations");
    SESSIONS
}
