//! `cargo run --release -p bench --bin serve`: the benchmark's server, and
//! nothing else, for a tool that measures it from outside (`callgrind`, in
//! `bench/instructions.sh`).
//!
//! Prints `base=`, `cookie=` (a logged-in superuser's session), `slug=` (a
//! published article) and `last_page=` (of the admin's changelist), one per
//! line, then serves until killed. `DATABASE_URL` picks the database
//! (default: a new SQLite file); the first argument, the articles seeded
//! (default 100,000).

use bench::server;
use std::io::Write;

/// The same allocator as the blog's binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let articles: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().map_err(|_| format!("not a count: {a}")))
        .transpose()?
        .unwrap_or(100_000);
    let database_url = std::env::var("DATABASE_URL").ok();
    // Counts are kept for an hour: a recount happens once per time to live,
    // not per request, and under callgrind's slowdown the default second
    // would land one in some measurements and not in others.
    let options = orm_core::db::PoolOptions {
        kept_values_ttl: std::time::Duration::from_secs(3600),
        ..orm_core::db::PoolOptions::default()
    };
    let server = server::start_with(database_url.as_deref(), 50, articles, options)?;
    let cookie = server::login(&server.base)?;
    let slug = server::published_slug(&server.db)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "base={}", server.base).map_err(|e| e.to_string())?;
    writeln!(out, "cookie={cookie}").map_err(|e| e.to_string())?;
    writeln!(out, "slug={slug}").map_err(|e| e.to_string())?;
    writeln!(out, "last_page={}", articles.div_ceil(100).max(1)).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    loop {
        std::thread::park();
    }
}
