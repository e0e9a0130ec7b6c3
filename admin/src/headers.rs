//! Security headers on every admin response, and the error pages.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::context::{Base, ErrorFrame};
use crate::error::ErrorPage;
use crate::site::Admin;
use crate::templates::{render, Crumb, ErrorTemplate, Layout};

/// The policy the admin's pages satisfy: nothing inline, nothing from
/// elsewhere, never in a frame.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The layers setting each header when the handler has not.
pub(crate) fn layers() -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (
            header::CACHE_CONTROL,
            "max-age=0, no-cache, no-store, must-revalidate, private",
        ),
    ]
    .into_iter()
    .map(|(name, value)| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    })
    .collect()
}

/// Renders the page of an [`ErrorPage`] response, keeping its status and
/// headers.
pub(crate) async fn error_pages(
    State(admin): State<Admin>,
    mut request: Request,
    next: Next,
) -> Response {
    let base = request
        .extensions()
        .get::<Base>()
        .map(|b| b.0.clone())
        .unwrap_or_default();
    let frame = ErrorFrame::default();
    request.extensions_mut().insert(frame.clone());
    let mut response = next.run(request).await;
    let Some(page) = response.extensions_mut().remove::<ErrorPage>() else {
        return response;
    };
    // A logged-in user keeps the header's links and a way home.
    let (user, csrf) = frame
        .taken()
        .map_or((None, String::new()), |(name, csrf)| (Some(name), csrf));
    let mut layout = Layout::new(
        &admin,
        &base,
        page.title.to_owned(),
        user,
        &csrf,
        Vec::new(),
    );
    if layout.user.is_some() {
        layout.crumbs = vec![
            Crumb::link("Home", format!("{base}/")),
            Crumb::here(page.title),
        ];
    }
    let template = ErrorTemplate {
        layout,
        heading: page.title.to_owned(),
        message: page.message,
    };
    let Ok(html) = render(&template) else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    let (html_parts, body) = html.into_response().into_parts();
    if let Some(kind) = html_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, kind.clone());
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}
