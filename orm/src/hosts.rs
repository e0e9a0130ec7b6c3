//! The `Host` header check (Django's `ALLOWED_HOSTS`): a request naming a
//! host the site does not serve is answered 400 before any handler runs,
//! so no page, link or password-reset mail is ever built from a forged
//! host name.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

use crate::settings::Settings;

/// The middleware: 400 Bad Request unless the request's host is one of
/// `settings.allowed_hosts`. HTTP/2 requests name it in their URI.
pub async fn check_host(
    State(settings): State<Arc<Settings>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if settings.host_is_allowed(host.unwrap_or("")) {
        next.run(request).await
    } else {
        (
            StatusCode::BAD_REQUEST,
            "Bad Request: this site does not serve that host name.\n",
        )
            .into_response()
    }
}
