//! A browser-like HTTP client: keeps cookies, does not follow redirects,
//! gives up on a request after [`TIMEOUT`], and reports failures as values
//! so that a test can count them.

use std::time::{Duration, Instant};

use ureq::http::Uri;

/// The longest a request may take, from connecting to the last byte.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(8);

/// One client, with its own keep-alive connection and cookie jar.
pub(crate) struct Client {
    agent: ureq::Agent,
    base: String,
}

/// A response, read to the end.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The status code.
    pub(crate) status: u16,
    /// The `Location` header, or "".
    pub(crate) location: String,
    /// The `Retry-After` header, if any.
    pub(crate) retry_after: Option<String>,
    /// The body.
    pub(crate) body: String,
    /// From sending the request to the end of the body.
    pub(crate) elapsed: Duration,
}

impl Client {
    /// A client for the server at `base` (`http://host:port`).
    pub(crate) fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .build()
            .into();
        Client {
            agent,
            base: base.to_owned(),
        }
    }

    /// `GET path`; `Err` for a transport failure or a timeout.
    pub(crate) fn get(&self, path: &str) -> Result<Reply, String> {
        let started = Instant::now();
        let response = self.agent.get(&format!("{}{path}", self.base)).call();
        read(response, started)
    }

    /// `POST path` with a form body.
    pub(crate) fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<Reply, String> {
        let started = Instant::now();
        let response = self
            .agent
            .post(&format!("{}{path}", self.base))
            .send_form(form.iter().copied());
        read(response, started)
    }

    /// Logs into the admin as `admin`, with the CSRF token of the login page.
    pub(crate) fn log_in(&self, password: &str) {
        let page = self.get("/admin/login/").expect("GET /admin/login/");
        assert_eq!(page.status, 200, "the login page: {}", page.body);
        let token = input_value(&page.body, "csrfmiddlewaretoken");
        let reply = self
            .post(
                "/admin/login/",
                &[
                    ("csrfmiddlewaretoken", &token),
                    ("username", "admin"),
                    ("password", password),
                    ("next", "/admin/"),
                ],
            )
            .expect("POST /admin/login/");
        assert_eq!(
            (reply.status, reply.location.as_str()),
            (303, "/admin/"),
            "logging in: {}",
            reply.body
        );
    }

    /// A new client (its own connection) holding this one's cookies, so
    /// logged in as the same user.
    pub(crate) fn fork(&self) -> Client {
        let other = Client::new(&self.base);
        let uri: Uri = format!("{}/", self.base)
            .parse()
            .expect("the base is a URI");
        let cookies: Vec<String> = self
            .agent
            .cookie_jar_lock()
            .iter()
            .map(|c| format!("{}={}; Path=/", c.name(), c.value()))
            .collect();
        let mut jar = other.agent.cookie_jar_lock();
        for cookie in cookies {
            let cookie = ureq::Cookie::parse(cookie, &uri).expect("a cookie read from the jar");
            jar.insert(cookie, &uri)
                .expect("the cookie fits the base URI");
        }
        drop(jar);
        other
    }
}

fn read(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    started: Instant,
) -> Result<Reply, String> {
    let mut response = response.map_err(|e| e.to_string())?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let status = response.status().as_u16();
    let location = header("location").unwrap_or_default();
    let retry_after = header("retry-after");
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("reading the body: {e}"))?;
    Ok(Reply {
        status,
        location,
        retry_after,
        body,
        elapsed: started.elapsed(),
    })
}

/// The value of the first `name="..." value="..."` input in a page.
pub(crate) fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no input {name} in the page:\n{html}"));
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Every distinct `href="{prefix}..."` target in a page, in order.
pub(crate) fn links(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!("href=\"{prefix}");
    let mut found: Vec<String> = Vec::new();
    for piece in html.split(&marker).skip(1) {
        let rest = piece.split('"').next().unwrap_or_default();
        let link = format!("{prefix}{rest}");
        if !found.contains(&link) {
            found.push(link);
        }
    }
    found
}
