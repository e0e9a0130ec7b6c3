//! Cross-site request forgery protection, as Django does it: a random token
//! in a cookie that every form repeats, and an `Origin`/`Referer` check.
//!
//! [`CsrfLayer`] runs before every admin handler, and before a project's
//! own pages: it gives the handler the token ([`CsrfToken`], for its
//! forms) and refuses an unsafe request whose form or `X-CSRFToken` header
//! does not repeat the cookie, with a 403 page.
//!
//! ```
//! use admin::csrf::{CsrfLayer, CsrfToken};
//! use axum::routing::get;
//!
//! async fn form(token: CsrfToken) -> String {
//!     format!("<form method=post>{}<button>Send</button></form>", token.input())
//! }
//!
//! let app: axum::Router = axum::Router::new()
//!     .route("/", get(form).post(|| async { "sent" }))
//!     .layer(CsrfLayer::new(false, Default::default()));
//! ```

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use futures_util::future::BoxFuture;
use http::request::Parts;
use http::uri::Authority;
use http::{header, HeaderMap, HeaderValue, Method, Uri};
use subtle::ConstantTimeEq;

use crate::client_info::{ClientInfo, Scheme, TrustedProxies};
use crate::error::AdminError;
use crate::form_body::{is_multipart, read_form, SubmittedForm, UploadLimits};

/// The cookie holding the token.
pub const COOKIE: &str = "csrftoken";
/// The form field repeating it.
pub const FIELD: &str = "csrfmiddlewaretoken";
/// The header repeating it (for scripts).
pub const HEADER: &str = "x-csrftoken";
/// Largest request body read (Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`).
pub const MAX_BODY: usize = 2_621_440;

/// The request's token, for the forms a handler renders: an extractor, and
/// a value for templates (`{{ csrf_token.input()|safe }}` writes the hidden
/// input every form posts).
#[derive(Clone, Debug)]
pub struct CsrfToken(pub(crate) String);

impl CsrfToken {
    /// The token itself.
    pub fn value(&self) -> &str {
        &self.0
    }

    /// The hidden input a form posts it in:
    /// `<input type="hidden" name="csrfmiddlewaretoken" value="...">` (the
    /// token holds only URL-safe characters).
    pub fn input(&self) -> String {
        format!(r#"<input type="hidden" name="{FIELD}" value="{}">"#, self.0)
    }
}

/// Taken from a request [`CsrfLayer`] protects; a 500 without the layer.
impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AdminError> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| AdminError::Internal("the CSRF layer is missing".into()))
    }
}

/// Put on a response (at login) to replace the token with a new one.
#[derive(Clone, Debug)]
pub struct RotateCsrfToken(pub(crate) String);

impl RotateCsrfToken {
    /// A new random token.
    pub fn new() -> RotateCsrfToken {
        RotateCsrfToken(new_token())
    }
}

impl Default for RotateCsrfToken {
    fn default() -> Self {
        RotateCsrfToken::new()
    }
}

/// The layer protecting every route under it.
#[derive(Clone, Debug)]
pub struct CsrfLayer {
    config: Arc<Config>,
}

#[derive(Debug, Clone)]
struct Config {
    secure_cookies: bool,
    trusted_proxies: TrustedProxies,
    upload_limits: UploadLimits,
}

impl CsrfLayer {
    /// `secure_cookies`: the cookie is `Secure`, and requests count as
    /// HTTPS unless a trusted proxy says otherwise; `trusted_proxies`: the
    /// proxies whose `Forwarded` headers name the client's scheme.
    pub fn new(secure_cookies: bool, trusted_proxies: TrustedProxies) -> CsrfLayer {
        CsrfLayer {
            config: Arc::new(Config {
                secure_cookies,
                trusted_proxies,
                upload_limits: UploadLimits::default(),
            }),
        }
    }

    /// How large a multipart form and its files may be (default
    /// [`UploadLimits::default`]).
    pub fn upload_limits(mut self, limits: UploadLimits) -> CsrfLayer {
        Arc::make_mut(&mut self.config).upload_limits = limits;
        self
    }
}

impl<S> tower::Layer<S> for CsrfLayer {
    type Service = Csrf<S>;

    fn layer(&self, inner: S) -> Csrf<S> {
        Csrf {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service [`CsrfLayer`] wraps a route in.
#[derive(Clone, Debug)]
pub struct Csrf<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> tower::Service<Request> for Csrf<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The clone that was polled ready serves this request.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let config = self.config.clone();
        Box::pin(async move { Ok(protect(&config, request, inner).await) })
    }
}

/// A new random token: 32 bytes, URL-safe base64.
fn new_token() -> String {
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

/// Checks unsafe requests, hands the token on, sets the cookie when the
/// browser has none (or at login).
async fn protect<S>(config: &Config, request: Request, mut inner: S) -> Response
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    let existing = cookie(request.headers(), COOKIE).filter(|t| well_formed(t));
    let token = existing.clone().unwrap_or_else(new_token);
    let mut request = request;
    if !is_safe(request.method()) {
        let scheme = ClientInfo::of(
            request.extensions(),
            request.headers(),
            &config.trusted_proxies,
            config.secure_cookies,
        )
        .scheme;
        request = match check(request, existing.as_deref(), scheme, config.upload_limits).await {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        };
    }
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = match inner.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let new = match response.extensions_mut().remove::<RotateCsrfToken>() {
        Some(RotateCsrfToken(rotated)) => Some(rotated),
        None if existing.is_none() => Some(token),
        None => None,
    };
    if let Some(value) = new {
        let secure = if config.secure_cookies {
            "; Secure"
        } else {
            ""
        };
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
    limits: UploadLimits,
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
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let most = if is_multipart(content_type.as_deref()) {
        limits.body
    } else {
        MAX_BODY
    };
    let (mut parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, most)
        .await
        .map_err(|_| AdminError::PayloadTooLarge)?;
    let form = read_form(content_type.as_deref(), bytes.clone(), limits).await?;
    let submitted =
        header_token.or_else(|| form.all(FIELD).first().map(|value| (*value).to_owned()));
    let Some(submitted) = submitted else {
        return Err(AdminError::Csrf("CSRF token missing."));
    };
    if !bool::from(submitted.as_bytes().ct_eq(cookie.as_bytes())) {
        return Err(AdminError::Csrf("CSRF token incorrect."));
    }
    // The handlers take the form from here, without reading it again.
    parts.extensions.insert(SubmittedForm(form));
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
