//! The blog and its admin served in the background, beside a hello-world
//! handler, on a database seeded with articles.

use std::net::SocketAddr;

use axum::routing::get;
use axum::Router;
use orm_contrib::auth::{make_password, User};
use orm_core::db::BackendKind;
use orm_core::{Db, Model};

/// The password of the benchmark's superuser.
pub const PASSWORD: &str = "bench-password-123";

/// A running server.
pub struct BenchServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The database it serves.
    pub db: Db,
    _dir: tempfile::TempDir,
}

/// Opens `database_url` (or a new SQLite file), migrates it, seeds
/// `articles` articles by `users` users when it has fewer, creates the
/// superuser `bench`, and serves the blog with `/hello` added.
pub fn start(
    database_url: Option<&str>,
    users: usize,
    articles: usize,
) -> Result<BenchServer, String> {
    start_with(
        database_url,
        users,
        articles,
        orm_core::db::PoolOptions::default(),
    )
}

/// [`start`] with the pool's options (a query log, a pool size).
pub fn start_with(
    database_url: Option<&str>,
    users: usize,
    articles: usize,
    options: orm_core::db::PoolOptions,
) -> Result<BenchServer, String> {
    blog::link_models();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let url = match database_url {
        Some(url) => url.to_owned(),
        None => format!("sqlite://{}", dir.path().join("bench.sqlite3").display()),
    };
    let db = Db::open_with(&url, options).map_err(|e| e.to_string())?;
    blog::migrate(&db, &mut std::io::sink()).map_err(|e| e.to_string())?;
    let existing = {
        let mut conn = db.conn().map_err(|e| e.to_string())?;
        blog::models::Article::objects()
            .count(&mut conn)
            .map_err(|e| e.to_string())?
    };
    if (existing as usize) < articles {
        blog::seed::seed(&db, users, articles - existing as usize)?;
    }
    ensure_superuser(&db)?;
    refresh_statistics(&db)?;

    let app = Router::new()
        .route("/hello", get(|| async { "Hello, World!" }))
        .merge(blog::site().router(
            db.clone(),
            &orm::Settings::for_tests("bench-secret-key-bench-secret-key-0123"),
        ));
    let runtime = orm::server::runtime().map_err(|e| e.to_string())?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
    });
    Ok(BenchServer {
        base: format!("http://{addr}"),
        db,
        _dir: dir,
    })
}

/// Has the databases look at the freshly seeded tables, as PostgreSQL's
/// and MariaDB's background statistics would on a database in service, and
/// `migrate`'s `PRAGMA optimize` on SQLite: without it, PostgreSQL plans a
/// deep page with row estimates from before the seeding and cannot read
/// keys from an index alone (no visibility map yet).
fn refresh_statistics(db: &Db) -> Result<(), String> {
    use diesel::connection::SimpleConnection;
    // One statement a call: PostgreSQL runs several as one transaction,
    // where VACUUM is refused.
    let statements: &[&str] = match db.backend() {
        BackendKind::Postgres => &["VACUUM ANALYZE blog_article", "VACUUM ANALYZE auth_user"],
        BackendKind::Mysql => &["ANALYZE TABLE blog_article, auth_user"],
        BackendKind::Sqlite => &["ANALYZE"],
    };
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    for sql in statements {
        conn.batch_execute(sql).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn ensure_superuser(db: &Db) -> Result<(), String> {
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let exists = User::objects()
        .filter(User::USERNAME.eq("bench"))
        .exists(&mut conn)
        .map_err(|e| e.to_string())?;
    if !exists {
        let mut user = User::new("bench", "bench@example.com");
        user.password = make_password(PASSWORD).map_err(|e| e.to_string())?;
        user.is_staff = true;
        user.is_superuser = true;
        user.save(&mut conn).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The slug of the first published article (empty when there is none):
/// the public detail page the measurements fetch.
pub fn published_slug(db: &Db) -> Result<String, String> {
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    Ok(blog::models::Article::objects()
        .filter(blog::models::Article::IS_PUBLISHED.eq(true))
        .first(&mut conn)
        .map_err(|e| e.to_string())?
        .map(|a| a.slug)
        .unwrap_or_default())
}

/// Logs `bench` into the admin; returns the `Cookie` header of the session.
pub fn login(base: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let mut page = agent
        .get(&format!("{base}/admin/login/"))
        .call()
        .map_err(|e| e.to_string())?;
    let html = page
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let marker = "name=\"csrfmiddlewaretoken\" value=\"";
    let token = html
        .split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("no CSRF token on the login page")?
        .to_owned();
    let response = agent
        .post(&format!("{base}/admin/login/"))
        .send_form([
            ("csrfmiddlewaretoken", token.as_str()),
            ("username", "bench"),
            ("password", PASSWORD),
        ])
        .map_err(|e| e.to_string())?;
    if response.status().as_u16() != 303 {
        return Err(format!("login failed: {}", response.status()));
    }
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .collect();
    if !cookies.iter().any(|c| c.starts_with("sessionid=")) {
        return Err("login set no session cookie".into());
    }
    Ok(cookies.join("; "))
}

/// The path of the public list's page `n` (from 1), found by following its
/// "Older" links from the first: pages are reached by cursor.
pub fn public_page(base: &str, n: usize) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut path = "/".to_owned();
    for _ in 1..n {
        let html = agent
            .get(&format!("{base}{path}"))
            .call()
            .map_err(|e| e.to_string())?
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        let older = html
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|link| link.starts_with("?cursor="))
            .last()
            .ok_or_else(|| format!("the public list has no page after {path}"))?;
        path = format!("/{older}");
    }
    Ok(path)
}

/// The key of the newest article: the one the writer edits.
pub fn first_article_id(db: &Db) -> Result<i64, String> {
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    blog::models::Article::objects()
        .first(&mut conn)
        .map_err(|e| e.to_string())?
        .map(|a| a.id)
        .ok_or_else(|| "no article to edit".to_owned())
}
