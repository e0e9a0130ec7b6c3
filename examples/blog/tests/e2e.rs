//! The blog end to end, as a user runs it: the real binary on a fresh
//! database (SQLite always; PostgreSQL and MariaDB when configured) applies
//! its migrations and creates the first superuser; we log into the admin,
//! add an article through the form, publish it with the changelist action,
//! and read it on `/` and at its slug.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tests::backends::{configured, fresh};

/// The running binary; killed when dropped.
struct Server {
    child: Child,
    base: String,
    password: Option<String>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `blog runserver` on a free port against `database_url`.
    fn start(database_url: &str) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_blog"))
            .args(["runserver", "127.0.0.1:0"])
            .current_dir(dir.path())
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (mut password, mut base) = (None, None);
        while base.is_none() {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .expect("the server printed its address");
            if let Some(rest) = line.split("with the password: ").nth(1) {
                password = Some(rest.trim().to_owned());
            }
            if let Some(rest) = line.strip_prefix("Serving blog on ") {
                base = rest.split('/').take(3).collect::<Vec<_>>().join("/").into();
            }
        }
        Server {
            child,
            base: base.unwrap(),
            password,
            _dir: dir,
        }
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
struct Client {
    agent: ureq::Agent,
    base: String,
}

struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Client {
    fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            agent,
            base: base.to_owned(),
        }
    }

    fn get(&self, path: &str) -> Reply {
        let response = self
            .agent
            .get(&format!("{}{path}", self.base))
            .call()
            .unwrap();
        reply(response)
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let response = self
            .agent
            .post(&format!("{}{path}", self.base))
            .send_form(form.iter().copied())
            .unwrap();
        reply(response)
    }
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        location,
        body,
    }
}

/// The value of the first `name="..." value="..."` input in a page.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).map(|i| i + marker.len()).expect(name);
    html[start..].split('"').next().unwrap().to_owned()
}

/// The value of the `<option>` labelled `label`.
fn option_value(html: &str, label: &str) -> String {
    let end = html.find(&format!(">{label}</option>")).expect(label);
    let start = html[..end].rfind("value=\"").unwrap() + "value=\"".len();
    html[start..end].split('"').next().unwrap().to_owned()
}

#[test]
fn blog_from_an_empty_database_to_a_published_article() {
    for (kind, url) in configured() {
        let database = fresh(kind, url.as_deref(), &[]);
        let server = Server::start(database.db.url().as_str());
        let client = Client::new(&server.base);

        // The public page works on the fresh database.
        let home = client.get("/");
        assert_eq!(home.status, 200, "{kind}");
        assert!(
            home.body.contains("No articles have been published yet."),
            "{kind}"
        );

        // Log into the admin with the printed password.
        let login = client.get("/admin/login/");
        let token = input_value(&login.body, "csrfmiddlewaretoken");
        let logged_in = client.post(
            "/admin/login/",
            &[
                ("csrfmiddlewaretoken", &token),
                ("username", "admin"),
                (
                    "password",
                    server.password.as_deref().expect("a superuser was created"),
                ),
                ("next", "/admin/"),
            ],
        );
        assert_eq!(
            (logged_in.status, logged_in.location.as_str()),
            (303, "/admin/"),
            "{kind}"
        );

        // Add an article through the form, choosing its author.
        let form = client.get("/admin/blog/article/add/");
        assert_eq!(form.status, 200, "{kind}");
        let token = input_value(&form.body, "csrfmiddlewaretoken");
        let author = option_value(&form.body, "admin");
        let title = "Hello from the end-to-end test";
        let added = client.post(
            "/admin/blog/article/add/",
            &[
                ("csrfmiddlewaretoken", &token),
                ("title", title),
                ("slug", "hello-e2e"),
                ("author", &author),
                ("content", "First paragraph.\n\nSecond <paragraph>."),
                ("_save", ""),
            ],
        );
        assert_eq!(
            (added.status, added.location.as_str()),
            (303, "/admin/blog/article/"),
            "{kind}: {}",
            added.body
        );
        let list = client.get("/admin/blog/article/");
        assert!(list.body.contains("was added successfully."), "{kind}");
        assert!(list.body.contains(title), "{kind}");

        // Not published yet: not on the public pages.
        assert!(!client.get("/").body.contains(title), "{kind}");
        assert_eq!(client.get("/articles/hello-e2e/").status, 404, "{kind}");

        // Publish it with the changelist action.
        let pk = input_value(&list.body, "_selected_action");
        let token = input_value(&list.body, "csrfmiddlewaretoken");
        let published = client.post(
            "/admin/blog/article/",
            &[
                ("csrfmiddlewaretoken", &token),
                ("action", "publish"),
                ("_selected_action", &pk),
            ],
        );
        assert_eq!(published.status, 303, "{kind}");
        assert!(
            client
                .get("/admin/blog/article/")
                .body
                .contains("1 article changed"),
            "{kind}"
        );

        // Now on `/` and at its slug, escaped.
        let home = client.get("/");
        assert!(home.body.contains(title), "{kind}");
        assert!(
            home.body.contains("href=\"/articles/hello-e2e/\""),
            "{kind}"
        );
        let detail = client.get("/articles/hello-e2e/");
        assert_eq!(detail.status, 200, "{kind}");
        assert!(detail.body.contains(&format!("<h1>{title}</h1>")), "{kind}");
        assert!(
            detail.body.contains("<p>Second &#60;paragraph&#62;.</p>"),
            "{kind}: {}",
            detail.body
        );

        // A second start on the same database creates no other user.
        drop(server);
        let again = Server::start(database.db.url().as_str());
        assert_eq!(again.password, None, "{kind}: no second superuser");
    }
}
