//! Test helpers for projects built on [`orm`], like Django's `django.test`:
//! a fresh database per test on SQLite, PostgreSQL and MariaDB
//! ([`databases`]), the whole site migrated on it ([`TestSite`]), a client
//! that keeps cookies, fills in CSRF tokens, follows redirects and logs
//! users in ([`Client`]), and query counts ([`assert_num_queries`]).
//!
//! Add it as a development dependency, with the database features of the
//! project:
//!
//! ```toml
//! [dev-dependencies]
//! orm-test = { version = "0.1", features = ["postgres"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! A test of a project whose `site()` builds its [`orm::Site`]:
//!
//! ```no_run
//! # fn site() -> orm::Site { orm::Site::new("notes") }
//! use orm_test::http::StatusCode;
//!
//! #[tokio::test]
//! async fn the_admin_lists_notes() {
//!     orm_test::each_database(&site(), |site| async move {
//!         let admin = site.create_superuser("admin");
//!         let mut client = site.client();
//!         client.force_login(&admin).await;
//!         let page = client.get("/admin/").await;
//!         page.expect(StatusCode::OK, "the admin's index");
//!     })
//!     .await;
//! }
//! ```
//!
//! Every test runs on a fresh SQLite database; with `ORM_TEST_POSTGRES_URL`
//! or `ORM_TEST_MYSQL_URL` set (a server URL whose user may create
//! databases), [`each_database`] runs it again on a database of its own
//! there, dropped afterwards.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod client;
pub mod databases;
mod page;
mod queries;
mod site;

/// The `http` crate the client speaks (`StatusCode`, `Method`, headers).
pub use http;

pub use client::{Client, RequestBuilder};
pub use databases::{TestDb, MYSQL_ENV, POSTGRES_ENV};
pub use page::{unescape, Page};
pub use queries::assert_num_queries;
pub use site::{each_database, TestSite, PASSWORD, SECRET_KEY};

/// The `Host` every request names.
pub const HOST: &str = "testserver";
/// The `Origin` of the site's own pages.
pub const ORIGIN: &str = "http://testserver";

/// A number unique in this process, for names and tokens.
pub fn next_number() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
