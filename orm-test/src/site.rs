//! A project's whole site on a fresh, migrated database: Django's
//! `TestCase` with its client.

use std::future::Future;

use axum::Router;
use orm::auth::{make_password, User};
use orm::db::{BackendKind, PoolOptions, PooledConnection, QueryLog};
use orm::{Db, Model, Settings, Site};

use crate::databases::{blank, configured, TestDb};
use crate::queries::{assert_statements, statements};
use crate::Client;

/// The secret key of every test site.
pub const SECRET_KEY: &str = "orm-test: a fixed secret key, long enough for any check 3f9a";

/// The password [`TestSite::create_user`] and
/// [`TestSite::create_superuser`] give.
pub const PASSWORD: &str = "Test-password-for-the-site-42";

/// The site of a project on a fresh database with every migration
/// applied (its own apps' and auth's, sessions', the admin's), ready for a
/// [`Client`].
///
/// ```no_run
/// # async fn demo(site: orm::Site) {
/// use orm_test::http::StatusCode;
///
/// orm_test::each_database(&site, |site| async move {
///     let admin = site.create_superuser("admin");
///     let mut client = site.client();
///     client.force_login(&admin).await;
///     client.get("/admin/").await.expect(StatusCode::OK, "the admin");
///     site.assert_num_queries(1, client.get("/")).await;
/// })
/// .await;
/// # }
/// ```
pub struct TestSite {
    /// The database's backend, for messages.
    pub kind: BackendKind,
    /// The test database.
    pub db: Db,
    /// The settings the site runs with: [`Settings::for_tests`] with
    /// [`SECRET_KEY`].
    pub settings: Settings,
    log: QueryLog,
    router: Router,
    _database: TestDb,
}

impl TestSite {
    /// `site` on a fresh database of `kind` (`base_url` names the server;
    /// `None` for SQLite), migrated.
    ///
    /// # Panics
    ///
    /// When the database cannot be made or a migration fails.
    pub fn new(site: &Site, kind: BackendKind, base_url: Option<&str>) -> TestSite {
        let log = QueryLog::default();
        let options = PoolOptions {
            query_log: Some(log.clone()),
            // A page's query count must not depend on what an earlier
            // request left in the pool's kept values.
            kept_values_ttl: std::time::Duration::ZERO,
            ..PoolOptions::default()
        };
        let database = blank(kind, base_url, options);
        let db = database.db.clone();
        site.project()
            .migrate(&db, None, None, &mut std::io::sink())
            .unwrap_or_else(|e| panic!("{kind}: the migrations of {} fail: {e}", site.name()));
        let settings = Settings::for_tests(SECRET_KEY);
        let router = site.router(db.clone(), &settings);
        log.take();
        TestSite {
            kind,
            db,
            settings,
            log,
            router,
            _database: database,
        }
    }

    /// A client with no session yet, able to
    /// [`force_login`](Client::force_login).
    pub fn client(&self) -> Client {
        Client::new(self.router.clone()).with_sessions(self.db.clone(), &self.settings.secret_key)
    }

    /// The site's router, for requests of one's own.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// A connection, for arranging and checking rows.
    ///
    /// # Panics
    ///
    /// When the pool gives none.
    pub fn conn(&self) -> PooledConnection {
        self.db
            .conn()
            .unwrap_or_else(|e| panic!("{}: a connection to the test database: {e}", self.kind))
    }

    /// Saves an active user who is neither staff nor superuser, with the
    /// password [`PASSWORD`].
    ///
    /// # Panics
    ///
    /// When the user cannot be saved (the name is taken).
    pub fn create_user(&self, username: &str) -> User {
        self.save_user(username, false)
    }

    /// Saves an active staff superuser, with the password [`PASSWORD`].
    ///
    /// # Panics
    ///
    /// When the user cannot be saved (the name is taken).
    pub fn create_superuser(&self, username: &str) -> User {
        self.save_user(username, true)
    }

    fn save_user(&self, username: &str, superuser: bool) -> User {
        let mut user = User::new(username, format!("{username}@example.com"));
        user.password = password_hash();
        user.is_staff = superuser;
        user.is_superuser = superuser;
        user.save(&mut self.conn())
            .unwrap_or_else(|e| panic!("{}: save the user {username}: {e}", self.kind));
        user
    }

    /// The statements run since the last call (or since the site was made),
    /// less the pool's own connection checks.
    pub fn queries(&self) -> Vec<String> {
        statements(&self.log)
    }

    /// Runs `work` (a request, a query) and panics, listing the
    /// statements, unless it ran exactly `expected` statements: Django's
    /// `assertNumQueries`. Returns what `work` returned.
    ///
    /// # Panics
    ///
    /// When the count differs.
    pub async fn assert_num_queries<F: Future>(&self, expected: usize, work: F) -> F::Output {
        self.log.take();
        let output = work.await;
        assert_statements(&self.log, expected, self.kind);
        output
    }
}

/// [`PASSWORD`]'s hash, made once per test process: hashing is slow on
/// purpose.
fn password_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        make_password(PASSWORD).unwrap_or_else(|e| panic!("hash the password: {e}"))
    })
    .clone()
}

/// Runs `test` once per configured database (SQLite, and PostgreSQL and
/// MariaDB when `ORM_TEST_POSTGRES_URL` / `ORM_TEST_MYSQL_URL` are set),
/// each with a [`TestSite`] of its own.
///
/// # Panics
///
/// When a configured server cannot be used, or `test` panics.
pub async fn each_database<F, Fut>(site: &Site, test: F)
where
    F: Fn(TestSite) -> Fut,
    Fut: Future<Output = ()>,
{
    for (kind, url) in configured() {
        test(TestSite::new(site, kind, url.as_deref())).await;
    }
}
