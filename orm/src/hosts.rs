//! The `Host` header check (Django's `ALLOWED_HOSTS`): a request naming a
//! host the site does not serve is answered 400 before any handler runs,
//! so no page, link or password-reset mail is ever built from a forged
//! host name.
//!
//! A plain tower layer rather than `axum::middleware::from_fn`: it runs on
//! every request of the site, and `from_fn` boxes and clones the rest of
//! the stack for each one.

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use futures_util::future::Either;
use http::{header, StatusCode};
use tower::{Layer, Service};

use crate::settings::Settings;

/// Answers 400 Bad Request unless the request's host is one of
/// `settings.allowed_hosts` (HTTP/2 requests name it in their URI).
///
/// ```
/// # use std::sync::Arc;
/// let settings = Arc::new(orm::Settings::for_tests("a-secret-key-for-the-docs-0123456789"));
/// let app: axum::Router = axum::Router::new().layer(orm::hosts::AllowedHostsLayer::new(settings));
/// ```
#[derive(Debug, Clone)]
pub struct AllowedHostsLayer {
    settings: Arc<Settings>,
}

impl AllowedHostsLayer {
    /// The check of `settings.allowed_hosts`.
    pub fn new(settings: Arc<Settings>) -> AllowedHostsLayer {
        AllowedHostsLayer { settings }
    }
}

impl<S> Layer<S> for AllowedHostsLayer {
    type Service = AllowedHosts<S>;

    fn layer(&self, inner: S) -> AllowedHosts<S> {
        AllowedHosts {
            inner,
            settings: Arc::clone(&self.settings),
        }
    }
}

/// The service [`AllowedHostsLayer`] wraps around the site.
#[derive(Debug, Clone)]
pub struct AllowedHosts<S> {
    inner: S,
    settings: Arc<Settings>,
}

impl<S> Service<Request> for AllowedHosts<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, Ready<Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| request.uri().authority().map(|a| a.as_str()));
        if self.settings.host_is_allowed(host.unwrap_or("")) {
            Either::Left(self.inner.call(request))
        } else {
            Either::Right(ready(Ok(bad_host())))
        }
    }
}

fn bad_host() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "Bad Request: this site does not serve that host name.\n",
    )
        .into_response()
}
