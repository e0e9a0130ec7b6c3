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
use http::uri::Authority;
use http::{header, HeaderMap, HeaderValue, Method, Uri};
use subtle::ConstantTimeEq;

use crate::client_info::Scheme;
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
        let scheme = admin
            .client_info(request.extensions(), request.headers())
            .scheme;
        request = match check(request, existing.as_deref(), scheme).await {
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

async fn check(
    request: Request,
    cookie: Option<&str>,
    scheme: Scheme,
) -> Result<Request, AdminError> {
    check_origin(request.headers(), scheme)?;
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
/// `Origin` (or, from older browsers, `Referer`): refuse it. The site is
/// the request's `Host` with the scheme the client used (`scheme`), so
/// `https://host` does not pass for `http://host`, nor `host:8001` for
/// `host:8000`.
fn check_origin(headers: &HeaderMap, scheme: Scheme) -> Result<(), AdminError> {
    let site = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(|host| host.parse::<Authority>().ok())
        .map(|host| Site::new(scheme, &host));
    let matches = |url: &str| {
        let Ok(uri) = url.parse::<Uri>() else {
            return false;
        };
        let (Some(scheme), Some(authority)) =
            (uri.scheme_str().and_then(Scheme::parse), uri.authority())
        else {
            return false;
        };
        site.as_ref() == Some(&Site::new(scheme, authority))
    };
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin {
        if !matches(origin) {
            return Err(AdminError::Csrf(
                "Origin checking failed: it does not match the site.",
            ));
        }
    } else if let Some(referer) = referer {
        if !matches(referer) {
            return Err(AdminError::Csrf(
                "Referer checking failed: it does not match the site.",
            ));
        }
    }
    Ok(())
}

/// Scheme, lower-case host and port (the scheme's default when unnamed).
#[derive(PartialEq)]
struct Site {
    scheme: Scheme,
    host: String,
    port: u16,
}

impl Site {
    fn new(scheme: Scheme, authority: &Authority) -> Site {
        Site {
            scheme,
            host: authority.host().to_ascii_lowercase(),
            port: authority
                .port_u16()
                .unwrap_or_else(|| scheme.default_port()),
        }
    }
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
        assert!(check_origin(&headers, Scheme::Http).is_ok());
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://example.com:8000"),
        );
        assert!(check_origin(&headers, Scheme::Http).is_ok());
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://evil.com"));
        assert!(check_origin(&headers, Scheme::Http).is_err());
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(check_origin(&headers, Scheme::Http).is_err());
        headers.remove(header::ORIGIN);
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("http://evil.com/admin/"),
        );
        assert!(check_origin(&headers, Scheme::Http).is_err());
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("http://example.com:8000/admin/x/"),
        );
        assert!(check_origin(&headers, Scheme::Http).is_ok());
    }

    #[test]
    fn origin_must_name_the_scheme_and_port() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("Example.com"));
        let with_origin = |headers: &mut HeaderMap, origin: &'static str| {
            headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
            headers.clone()
        };
        let http = with_origin(&mut headers, "http://example.com");
        assert!(check_origin(&http, Scheme::Http).is_ok());
        assert!(check_origin(&http, Scheme::Https).is_err());
        let https = with_origin(&mut headers, "https://example.com:443");
        assert!(check_origin(&https, Scheme::Https).is_ok());
        assert!(check_origin(&https, Scheme::Http).is_err());
        let other_port = with_origin(&mut headers, "http://example.com:8080");
        assert!(check_origin(&other_port, Scheme::Http).is_err());
        let other_scheme = with_origin(&mut headers, "ftp://example.com");
        assert!(check_origin(&other_scheme, Scheme::Http).is_err());
        headers.remove(header::ORIGIN);
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("https://example.com/admin/"),
        );
        assert!(check_origin(&headers, Scheme::Http).is_err());
        assert!(check_origin(&headers, Scheme::Https).is_ok());
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
