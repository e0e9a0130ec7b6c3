//! What the blog's tests share: the blog server behind a guard that kills
//! it ([`server`]), an HTTP client that keeps the admin session
//! ([`client`]), a private PostgreSQL cluster ([`postgres`]), and the app
//! served in the test process on a fresh database ([`in_process`]).
//!
//! Each test binary uses a different part of this module.
#![allow(dead_code)]

pub(crate) mod client;
pub(crate) mod in_process;
pub(crate) mod postgres;
pub(crate) mod server;

use std::net::TcpListener;

/// A local port nobody listens on right now.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind a free local port")
        .port()
}

/// `ORM_TEST_POSTGRES_URL`, when set: the runs that have a PostgreSQL
/// server (CI) also run the PostgreSQL parts of these tests.
pub(crate) fn postgres_requested() -> bool {
    std::env::var("ORM_TEST_POSTGRES_URL").is_ok_and(|url| !url.trim().is_empty())
}
