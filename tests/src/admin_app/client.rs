//! A browser-like client for the admin's router: keeps cookies between
//! requests, sends POSTs as forms with the CSRF token and the site's own
//! `Origin` (each can be left out or changed), never follows redirects.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use http::{header, HeaderName, Method, Request};
use tower::ServiceExt;

use super::page::Page;
use super::{next_number, HOST, ORIGIN};

/// The CSRF cookie's name and the form field repeating it.
const CSRF_COOKIE: &str = "csrftoken";
const CSRF_FIELD: &str = "csrfmiddlewaretoken";

/// Keeps cookies across requests into one router.
pub struct Client {
    router: Router,
    cookies: BTreeMap<String, String>,
    /// The client's address, as the server sees it (for throttling).
    pub address: SocketAddr,
}

impl Client {
    /// A client holding a well-formed CSRF cookie, as a browser does after
    /// its first page of the site.
    pub(super) fn new(router: Router) -> Client {
        let mut cookies = BTreeMap::new();
        let token = format!("{:0>43}", format!("testtoken{}", next_number()));
        cookies.insert(CSRF_COOKIE.to_owned(), token);
        Client {
            router,
            cookies,
            address: SocketAddr::from(([127, 0, 0, 1], 40_000)),
        }
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Page {
        self.request(Method::GET, path).send().await
    }

    /// `POST path` with `fields` as a form, plus the CSRF token.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post(path).fields(fields).send().await
    }

    /// A POST to finish with fields and options, then `send`.
    pub fn post(&mut self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }

    /// Any request, to finish and `send`.
    pub fn request(&mut self, method: Method, path: &str) -> RequestBuilder<'_> {
        RequestBuilder {
            client: self,
            method,
            path: path.to_owned(),
            fields: Vec::new(),
            body: None,
            token: Token::FromCookie,
            origin: Some(ORIGIN.to_owned()),
            headers: Vec::new(),
        }
    }

    /// Submits the login form.
    pub async fn login(&mut self, username: &str, password: &str) -> Page {
        self.post_form(
            "/admin/login/",
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// Submits the logout form.
    pub async fn logout(&mut self) -> Page {
        self.post_form("/admin/logout/", &[]).await
    }

    /// A cookie's current value.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get(name).cloned()
    }

    /// Sets a cookie as if the server had.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    /// Takes every cookie of `other` (the same browser, another server).
    pub fn copy_cookies(&mut self, other: &Client) {
        self.cookies = other.cookies.clone();
    }

    /// Forgets a cookie.
    pub fn remove_cookie(&mut self, name: &str) {
        self.cookies.remove(name);
    }

    /// Sends `request` as is, with the client's cookies and address, and
    /// keeps the cookies the response sets.
    pub async fn send(&mut self, mut request: Request<Body>) -> Page {
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            let value = cookies.join("; ").parse().expect("a cookie header");
            request.headers_mut().insert(header::COOKIE, value);
        }
        request.extensions_mut().insert(ConnectInfo(self.address));
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let page = Page::read(response).await;
        for set in page.headers.get_all(header::SET_COOKIE) {
            self.keep(set.to_str().unwrap_or_default());
        }
        page
    }

    /// Applies one `Set-Cookie` header: stores the value, or forgets the
    /// cookie when the server expires it.
    fn keep(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.trim().split_once('=')) else {
            return;
        };
        let expired = parts.any(|attribute| {
            let attribute = attribute.trim().to_ascii_lowercase();
            attribute == "max-age=0" || attribute.starts_with("max-age=-")
        });
        if expired || value.is_empty() {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }
}

/// Which CSRF token a request carries in its form.
enum Token {
    /// The cookie's, as the site's own forms do.
    FromCookie,
    /// None.
    Omitted,
    /// This one.
    Given(String),
}

/// A request being put together; [`send`](RequestBuilder::send) sends it.
pub struct RequestBuilder<'a> {
    client: &'a mut Client,
    method: Method,
    path: String,
    fields: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    token: Token,
    origin: Option<String>,
    headers: Vec<(HeaderName, String)>,
}

impl RequestBuilder<'_> {
    /// Adds a form field.
    pub fn field(mut self, name: &str, value: &str) -> Self {
        self.fields.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds form fields.
    pub fn fields(mut self, fields: &[(&str, &str)]) -> Self {
        for (name, value) in fields {
            self.fields.push(((*name).to_owned(), (*value).to_owned()));
        }
        self
    }

    /// Sends this body instead of the form (no token is added).
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }

    /// Leaves the CSRF token out of the form.
    pub fn without_token(mut self) -> Self {
        self.token = Token::Omitted;
        self
    }

    /// Sends `token` as the form's CSRF token.
    pub fn token(mut self, token: &str) -> Self {
        self.token = Token::Given(token.to_owned());
        self
    }

    /// Sends this `Origin` (`None`: no `Origin` header).
    pub fn origin(mut self, origin: Option<&str>) -> Self {
        self.origin = origin.map(str::to_owned);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Page {
        let unsafe_method = !matches!(self.method, Method::GET | Method::HEAD);
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(&self.path)
            .header(header::HOST, HOST);
        if unsafe_method {
            if let Some(origin) = &self.origin {
                builder = builder.header(header::ORIGIN, origin);
            }
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let body = match self.body {
            Some(body) => body,
            None if unsafe_method => {
                let mut form = form_urlencoded::Serializer::new(String::new());
                let token = match &self.token {
                    Token::FromCookie => self.client.cookie(CSRF_COOKIE),
                    Token::Omitted => None,
                    Token::Given(token) => Some(token.clone()),
                };
                if let Some(token) = token {
                    form.append_pair(CSRF_FIELD, &token);
                }
                for (name, value) in &self.fields {
                    form.append_pair(name, value);
                }
                form.finish().into_bytes()
            }
            None => Vec::new(),
        };
        if unsafe_method {
            builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let request = builder.body(Body::from(body)).expect("a valid request");
        self.client.send(request).await
    }
}
