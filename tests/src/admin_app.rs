//! The admin served in-process, for HTTP-level tests on every backend.
//!
//! [`AdminApp::new`] makes a fresh database with every table the admin
//! needs (auth, sessions, the admin log and the `press` models of
//! [`crate::admin_models`]), creates the permissions and one user per
//! [`Role`], and builds `admin::router`. [`AdminApp::client`] gives a
//! browser-like [`Client`] that keeps cookies and fills in the CSRF token
//! and a matching `Origin`; requests go straight into the router with
//! `tower::ServiceExt::oneshot`, no socket involved.
//!
//! ```no_run
//! # async fn demo() {
//! use tests::admin_app::{each_app, Role};
//! each_app(|app| async move {
//!     let mut client = app.logged_in(Role::Superuser).await;
//!     let page = client.get("/admin/press/story/").await;
//!     page.expect(http::StatusCode::OK, "the changelist");
//! })
//! .await;
//! # }
//! ```

use std::future::Future;
use std::sync::OnceLock;

use axum::Router;
use http::StatusCode;
use orm_contrib::auth::{create_permissions, make_password, Permission, User};
use orm_core::db::{BackendKind, PoolOptions, PooledConnection, QueryLog};
use orm_core::prelude::*;

pub use orm_test::{next_number, unescape, Client, Page, RequestBuilder, HOST, ORIGIN};

use crate::admin_models::{admin_schemas, Story};
use crate::backends::{configured, fresh_with, TestDb};

/// Every test user's password.
pub const PASSWORD: &str = "Correct-horse-battery-42";
/// The site's secret key.
pub const SECRET_KEY: &str = "admin-http-tests: a long, fixed, random-looking key 7f3a9c";

/// The test users, one per kind of visitor the admin must tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Active staff superuser: may do everything.
    Superuser,
    /// Active staff without any permission.
    Staff,
    /// Active staff with `press.view_story` only.
    Viewer,
    /// Active staff with `press.view_story` and `press.change_story`.
    Editor,
    /// Active, not staff: may not use the admin.
    Member,
    /// Staff, but inactive: may not log in.
    Inactive,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Superuser,
        Role::Staff,
        Role::Viewer,
        Role::Editor,
        Role::Member,
        Role::Inactive,
    ];

    /// The role's username.
    pub fn username(self) -> &'static str {
        match self {
            Role::Superuser => "root",
            Role::Staff => "staff",
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Member => "member",
            Role::Inactive => "inactive",
        }
    }

    /// The permissions given to the role's user directly.
    fn permissions(self) -> &'static [&'static str] {
        match self {
            Role::Viewer => &["press.view_story"],
            Role::Editor => &["press.view_story", "press.change_story"],
            _ => &[],
        }
    }

    fn user(self, password_hash: String) -> User {
        let mut user = User::new(self.username(), format!("{}@example.com", self.username()));
        user.password = password_hash;
        user.is_staff = self != Role::Member;
        user.is_active = self != Role::Inactive;
        user.is_superuser = self == Role::Superuser;
        user
    }
}

/// One password hash per role, made once per test process: hashing is
/// deliberately slow.
fn password_hash(role: Role) -> String {
    static HASHES: OnceLock<Vec<String>> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        Role::ALL
            .iter()
            .map(|_| make_password(PASSWORD).expect("hash the test password"))
            .collect()
    });
    let index = Role::ALL.iter().position(|r| *r == role).unwrap_or(0);
    hashes[index].clone()
}

/// A fresh database on one backend with the admin in front of it.
pub struct AdminApp {
    /// The backend, for messages.
    pub kind: BackendKind,
    /// The database the admin uses.
    pub db: Db,
    /// Every statement run through `db`'s pool (see [`AdminApp::queries`]).
    pub log: QueryLog,
    router: Router,
    users: Vec<(Role, i64)>,
    _test_db: TestDb,
}

impl AdminApp {
    /// Creates the database, tables, permissions and users on `kind` and
    /// builds the admin's router.
    pub fn new(kind: BackendKind, base_url: Option<&str>) -> AdminApp {
        let log = QueryLog::default();
        let options = PoolOptions {
            query_log: Some(log.clone()),
            // Query counts of a page must not depend on what an earlier
            // request counted (the count cache has its own test).
            kept_values_ttl: std::time::Duration::ZERO,
            ..PoolOptions::default()
        };
        let test_db = fresh_with(kind, base_url, &admin_schemas(), options);
        let db = test_db.db.clone();
        let users = {
            let mut conn = db.conn().expect("a connection");
            create_permissions(&mut conn).expect("create the permissions");
            Role::ALL
                .iter()
                .map(|&role| {
                    let mut user = role.user(password_hash(role));
                    user.save(&mut conn).expect("save a test user");
                    grant(&mut conn, user.id, role.permissions());
                    (role, user.id)
                })
                .collect()
        };
        let site = admin::AdminSite::new(db.clone()).secret_key(SECRET_KEY);
        let router = admin::router(site);
        log.take();
        AdminApp {
            kind,
            db,
            log,
            router,
            users,
            _test_db: test_db,
        }
    }

    /// Another admin over the same database, through a pool opened with
    /// `options`, and that pool (e.g. one connection that the test holds,
    /// to see how the admin copes when the database does not answer).
    pub fn router_with_pool(&self, options: PoolOptions) -> (Router, Db) {
        let db = Db::open_with(self.db.url().as_str(), options).expect("open a second pool");
        let site = admin::AdminSite::new(db.clone()).secret_key(SECRET_KEY);
        (admin::router(site), db)
    }

    /// Another admin over the same database, its site configured by
    /// `configure` (e.g. trusted proxies).
    pub fn router_with_site(
        &self,
        configure: impl FnOnce(admin::AdminSite) -> admin::AdminSite,
    ) -> Router {
        let site = admin::AdminSite::new(self.db.clone()).secret_key(SECRET_KEY);
        admin::router(configure(site))
    }

    /// A client of `router` (see [`AdminApp::router_with_pool`]) holding
    /// `other`'s cookies.
    pub fn client_of(&self, router: Router, other: &Client) -> Client {
        let mut client = Client::new(router);
        client.copy_cookies(other);
        client
    }

    /// A client with no cookies but a CSRF token (as after any GET).
    pub fn client(&self) -> Client {
        Client::new(self.router.clone())
    }

    /// A client logged in as `role`'s user.
    pub async fn logged_in(&self, role: Role) -> Client {
        let mut client = self.client();
        let page = client.login(role.username(), PASSWORD).await;
        page.expect(StatusCode::SEE_OTHER, &format!("{}: log in", self.kind));
        client
    }

    /// The id of `role`'s user.
    pub fn user_id(&self, role: Role) -> i64 {
        self.users
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, id)| *id)
            .expect("every role has a user")
    }

    /// A connection, for arranging and checking rows.
    pub fn conn(&self) -> PooledConnection {
        self.db.conn().expect("a connection to the test database")
    }

    /// Gives `user` the permissions named like `press.delete_story`.
    pub fn grant(&self, user: i64, permissions: &[&str]) {
        grant(&mut self.conn(), user, permissions);
    }

    /// A new user (not staff unless changed), saved with `PASSWORD`'s hash.
    pub fn user(&self, username: &str) -> User {
        let mut user = User::new(username, "");
        user.password = password_hash(Role::Member);
        user.save(&mut self.conn()).expect("save a user");
        user
    }

    /// Saves a story by `author` (its slug made from the title).
    pub fn story(&self, title: &str, author: i64) -> Story {
        let slug: String = title
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let slug = format!("{}-{}", slug.trim_matches('-'), next_number());
        let mut story = Story::new(title, &slug, author);
        story.save(&mut self.conn()).expect("save a story");
        story
    }

    /// Every story, by id.
    pub fn stories(&self) -> Vec<Story> {
        Story::objects()
            .order_by([Story::ID.asc()])
            .all(&mut self.conn())
            .expect("load the stories")
    }

    /// The statements run since the last call, less the pool's own
    /// connection checks (`SELECT 1`): what the requests in between cost.
    pub fn queries(&self) -> Vec<String> {
        self.log
            .take()
            .into_iter()
            .filter(|sql| {
                let statement = sql.split(" -- binds:").next().unwrap_or(sql);
                statement.trim() != "SELECT 1"
            })
            .collect()
    }
}

fn grant(conn: &mut AnyConnection, user: i64, permissions: &[&str]) {
    for label in permissions {
        let (app, codename) = label.split_once('.').expect("app.codename");
        let permission = Permission::objects()
            .filter(Permission::APP_LABEL.eq(app) & Permission::CODENAME.eq(codename))
            .get(conn)
            .unwrap_or_else(|e| panic!("permission {label}: {e}"));
        let user = User::objects()
            .filter(User::ID.eq(user))
            .get(conn)
            .expect("the user");
        user.user_permissions()
            .add(conn, &[permission.id])
            .expect("grant a permission");
    }
}

/// Runs `test` once per configured backend, each with an [`AdminApp`] of
/// its own.
pub async fn each_app<F, Fut>(test: F)
where
    F: Fn(AdminApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for (kind, url) in configured() {
        test(AdminApp::new(kind, url.as_deref())).await;
    }
}
