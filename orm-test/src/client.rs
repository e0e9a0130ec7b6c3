//! A browser-like client for a site's router, like Django's test client:
//! keeps cookies between requests, sends POSTs as forms with the CSRF token
//! and the site's own `Origin` (each can be left out or changed), follows
//! redirects when asked, and logs users in.
//!
//! Requests go straight into the router (`tower::ServiceExt::oneshot`):
//! no socket, no server.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use http::{header, HeaderName, Method, Request, StatusCode};
use orm::auth::session::{session_data, SESSION_COOKIE};
use orm::auth::User;
use orm::sessions::DbSessionStore;
use orm::Db;
use tower::ServiceExt;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::SessionStore;

use crate::page::Page;
use crate::{next_number, HOST, ORIGIN};

/// The CSRF cookie's name and the form field repeating it.
const CSRF_COOKIE: &str = "csrftoken";
const CSRF_FIELD: &str = "csrfmiddlewaretoken";

/// How many redirects a request that follows them follows at most.
const MAX_REDIRECTS: usize = 20;

/// Sessions made by [`Client::force_login`] last as long as the admin's.
const SESSION_DAYS: i64 = 14;

/// Keeps cookies across requests into one router.
///
/// ```
/// # async fn demo(router: axum::Router) {
/// use orm_test::http::StatusCode;
///
/// let mut client = orm_test::Client::new(router);
/// let page = client.get("/").await;
/// page.expect(StatusCode::OK, "the home page");
/// let page = client.post("/notes/").field("title", "Hi").follow_redirects().send().await;
/// assert!(page.contains("Hi"));
/// # }
/// ```
pub struct Client {
    router: Router,
    cookies: BTreeMap<String, String>,
    /// Where sessions live and the key that signs them, for
    /// [`Client::force_login`].
    sessions: Option<(Db, Vec<u8>)>,
    /// The client's address, as the server sees it (for throttling).
    pub address: SocketAddr,
}

impl Client {
    /// A client of `router` holding a well-formed CSRF cookie, as a browser
    /// does after its first page of the site.
    pub fn new(router: Router) -> Client {
        let mut cookies = BTreeMap::new();
        let token = format!("{:0>43}", format!("testtoken{}", next_number()));
        cookies.insert(CSRF_COOKIE.to_owned(), token);
        Client {
            router,
            cookies,
            sessions: None,
            address: SocketAddr::from(([127, 0, 0, 1], 40_000)),
        }
    }

    /// This client, able to [`force_login`](Client::force_login): its
    /// sessions go into `db`'s session table, fingerprinted with
    /// `secret_key` (the site's `SECRET_KEY`).
    pub fn with_sessions(mut self, db: Db, secret_key: &str) -> Client {
        self.sessions = Some((db, secret_key.as_bytes().to_vec()));
        self
    }

    /// Logs `user` in without a password, as Django's `force_login`: a
    /// session is stored for them and its cookie kept, as after the login
    /// form. Much faster than [`login`](Client::login), which hashes the
    /// password.
    ///
    /// # Panics
    ///
    /// When the client was made without [`with_sessions`](Client::with_sessions)
    /// (a [`TestSite`](crate::TestSite)'s clients have it), or the session
    /// cannot be stored.
    pub async fn force_login(&mut self, user: &User) {
        let (db, secret) = self
            .sessions
            .clone()
            .expect("force_login needs a client made by TestSite::client or Client::with_sessions");
        let mut record = Record {
            id: Id::default(),
            data: session_data(&secret, user),
            expiry_date: OffsetDateTime::now_utc() + Duration::days(SESSION_DAYS),
        };
        DbSessionStore::new(db)
            .create(&mut record)
            .await
            .unwrap_or_else(|e| panic!("store the session of {}: {e}", user.username));
        self.cookies
            .insert(SESSION_COOKIE.to_owned(), record.id.to_string());
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
            follow: false,
        }
    }

    /// Submits the admin's login form (at `/admin/login/`): the password is
    /// checked as for any visitor, so this is slow in debug builds; prefer
    /// [`force_login`](Client::force_login) where the login itself is not
    /// under test.
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
    follow: bool,
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

    /// Follows the redirects the answer gives, as a browser does: a 301,
    /// 302 or 303 becomes a `GET` of the new location, a 307 or 308 repeats
    /// the request there. The last page is returned; its
    /// [`redirect_chain`](Page::redirect_chain) lists each hop.
    pub fn follow_redirects(mut self) -> Self {
        self.follow = true;
        self
    }

    /// Sends the request.
    ///
    /// # Panics
    ///
    /// When a followed redirect leads on more than 20 times (a loop).
    pub async fn send(self) -> Page {
        let body = self.body_to_send();
        let RequestBuilder {
            client,
            method,
            path,
            origin,
            headers,
            follow,
            ..
        } = self;
        // Kept only for a 307 or 308, which repeats the request.
        let kept = if follow { body.clone() } else { Vec::new() };
        let origin = origin.as_deref();
        let mut page = client
            .send(request(&method, &path, origin, &headers, body))
            .await;
        let mut chain = Vec::new();
        let mut method = method;
        while follow && page.status.is_redirection() && !page.location().is_empty() {
            assert!(
                chain.len() < MAX_REDIRECTS,
                "more than {MAX_REDIRECTS} redirects: {chain:?}"
            );
            let location = page.location().to_owned();
            chain.push((location.clone(), page.status));
            let repeat = matches!(
                page.status,
                StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
            );
            if !repeat {
                method = Method::GET;
            }
            let body = if is_unsafe(&method) {
                kept.clone()
            } else {
                Vec::new()
            };
            page = client
                .send(request(
                    &method,
                    local_path(&location),
                    origin,
                    &headers,
                    body,
                ))
                .await;
        }
        page.redirect_chain = chain;
        page
    }

    /// The body: the one given, or for a POST (or any unsafe method) the
    /// form with its CSRF token.
    fn body_to_send(&self) -> Vec<u8> {
        if let Some(body) = &self.body {
            return body.clone();
        }
        if !is_unsafe(&self.method) {
            return Vec::new();
        }
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
}

/// Whether a request with `method` changes something (and so carries the
/// site's `Origin` and a form).
fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD)
}

/// A request to this site: its `Host`, and for an unsafe method `origin`
/// and, unless `headers` name one, the form's content type.
fn request(
    method: &Method,
    path: &str,
    origin: Option<&str>,
    headers: &[(HeaderName, String)],
    body: Vec<u8>,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::HOST, HOST);
    if is_unsafe(method) {
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
    }
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    if is_unsafe(method) && !headers.iter().any(|(name, _)| name == header::CONTENT_TYPE) {
        builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    builder.body(Body::from(body)).expect("a valid request")
}

/// The path and query of `location`, which may name this site in full
/// (`http://testserver/next/`).
fn local_path(location: &str) -> &str {
    for origin in [ORIGIN, "https://testserver"] {
        if let Some(path) = location.strip_prefix(origin) {
            return if path.is_empty() { "/" } else { path };
        }
    }
    location
}
