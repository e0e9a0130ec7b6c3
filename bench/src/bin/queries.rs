//! `cargo run --release -p bench --bin queries`: the SQL each page runs,
//! statement by statement, to read beside the HTTP figures.

use bench::server;
use orm_core::db::{PoolOptions, QueryLog};

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let articles = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000);
    let log = QueryLog::default();
    let options = PoolOptions {
        query_log: Some(log.clone()),
        ..PoolOptions::default()
    };
    let database_url = std::env::var("DATABASE_URL").ok();
    let server = server::start_with(database_url.as_deref(), 20, articles, options)?;
    let cookie = server::login(&server.base)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    for path in [
        "/admin/blog/article/",
        "/admin/blog/article/1/change/",
        "/",
        "/hello",
    ] {
        log.take();
        let response = agent
            .get(&format!("{}{path}", server.base))
            .header("Cookie", &cookie)
            .call()
            .map_err(|e| e.to_string())?;
        let statements = log.take();
        println!(
            "## {path} ({}): {} statements",
            response.status(),
            statements.len()
        );
        for statement in statements {
            println!("    {statement}");
        }
    }
    Ok(())
}
