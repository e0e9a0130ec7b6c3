//! Cross-site request forgery protection, as Django does it: a random token
//! in a cookie that every form repeats, and an `Origin`/`Referer` check.
//!
//! The middleware runs before every admin handler: it gives the handler the
//! token (for its forms) and refuses an unsafe request whose form or
//! `X-CSRFToken` header does not repeat the cookie, with a 403 page.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use http::{header, HeaderMap, HeaderValue, Method};
use subtle::ConstantTimeEq;

use crate::error::AdminError;
use crate::site::Admin;

/// The cookie holding the token.
pub(crate) const COOKIE: &str = "csrftoken";
/// The form field repeating it.
pub(crate) const FIELD: &str = "csrfmiddlewaretoken";
/// The header repeating it (for scripts).
const HEADER: &str = "x-csrftoken";
/// Largest request body read (Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`).
pub(crate) const MAX_BODY: usize = 2_621_440;

/// The request's token, for the forms a handler renders.
#[derive(Clone, Debug)]
pub(crate) struct CsrfToken(pub(crate) String);

/// Set on a response (at login) to replace the token with a new one.
#[derive(Clone, Debug)]
pub(crate) struct RotateCsrfToken(pub(crate) String);

/// A new random token: 32 bytes, URL-safe base64.
pub(crate) fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The middleware: checks unsafe requests, hands the token on, sets the
/// cookie when the browser has none (or at login).
pub(crate) async fn protect(State(admin): State<Admin>, request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), COOKIE).filter(|t| well_formed(t));
    let token = existing.clone().unwrap_or_else(new_token);
    let mut request = request;
    if !is_safe(request.method()) {
        request = match check(request, existing.as_deref()).await {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        };
    }
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    let new = match response.extensions_mut().remove::<RotateCsrfToken>() {
        Some(RotateCsrfToken(rotated)) => Some(rotated),
        None if existing.is_none() => Some(token),
        None => None,
    };
    if let Some(value) = new {
        let secure = if admin.secure_cookies { "; Secure" } else { "" };
        let cookie = format!("{COOKIE}={value}; Path=/; Max-Age=31449600; SameSite=Lax{secure}");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

async fn check(request: Request, cookie: Option<&str>) -> Result<Request, AdminError> {
    check_origin(request.headers())?;
    let Some(cookie) = cookie else {
        return Err(AdminError::Csrf("CSRF cookie not set."));
    };
    let header_token = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| AdminError::PayloadTooLarge)?;
    let submitted = header_token.or_else(|| {
        form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == FIELD)
            .map(|(_, value)| value.into_owned())
    });
    let Some(submitted) = submitted else {
        return Err(AdminError::Csrf("CSRF token missing."));
    };
    if !bool::from(submitted.as_bytes().ct_eq(cookie.as_bytes())) {
        return Err(AdminError::Csrf("CSRF token incorrect."));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// An unsafe request sent by a page of another site names that site in
/// `Origin` (or, from older browsers, `Referer`): refuse it.
fn check_origin(headers: &HeaderMap) -> Result<(), AdminError> {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin {
        if Some(authority(origin)) != host.filter(|h| !h.is_empty()) {
            return Err(AdminError::Csrf(
                "Origin checking failed: it does not match the site.",
            ));
        }
    } else if let Some(referer) = referer {
        if Some(authority(referer)) != host.filter(|h| !h.is_empty()) {
            return Err(AdminError::Csrf(
                "Referer checking failed: it does not match the site.",
            ));
        }
    }
    Ok(())
}

/// `host[:port]` of an absolute URL (`null` and other non-URLs give
/// themselves, which matches no host).
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// A cookie's value from the request's `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_well_formed() {
        let (a, b) = (new_token(), new_token());
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        assert!(!well_formed("short"));
        assert!(!well_formed(&format!("{}!", &a[..42])));
    }

    #[test]
    fn origin_must_name_the_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("example.com:8000"));
        assert!(check_origin(&headers).is_ok());
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://example.com:8000"),
        );
        assert!(check_origin(&headers).is_ok());
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://evil.com"));
        assert!(check_origin(&headers).is_err());
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(check_origin(&headers).is_err());
        headers.remove(header::ORIGIN);
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("http://evil.com/admin/"),
        );
        assert!(check_origin(&headers).is_err());
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("http://example.com:8000/admin/x/"),
        );
        assert!(check_origin(&headers).is_ok());
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; csrftoken=xyz; b=2"),
        );
        assert_eq!(cookie(&headers, COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
