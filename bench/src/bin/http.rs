//! `cargo run --release -p bench --bin http`: how fast the admin and the
//! public pages answer, each beside a hello-world handler served by the
//! same server in the same run:
//!
//! - **first request**: single requests one after another to a second
//!   server on the same database that keeps nothing between requests (no
//!   kept counts, sessions or users), as every page's first request after
//!   a write, or after the kept values lapsed, is served;
//! - **req/s** under `wrk`, read-only;
//! - **req/s with writes**: the same while a member of staff saves an
//!   article through the admin ten times a second (each save drops the
//!   kept counts).
//!
//! Needs `wrk` (`apt-get install wrk`). `DATABASE_URL` picks the database
//! (default: a new SQLite file).

use std::time::Duration;

use bench::latency::single_requests;
use bench::load::{wrk, Figures};
use bench::writer::Writer;

/// The same allocator as the blog's binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use bench::server;
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// Articles in the database.
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Concurrent connections (comma-separated).
    #[arg(long, default_value = "16")]
    connections: String,
    /// Only the pages whose name contains one of these texts
    /// (comma-separated; the hello-world baseline always runs).
    #[arg(long)]
    only: Option<String>,
    /// Single requests timed for each page's first-request latency.
    #[arg(long, default_value_t = 25)]
    samples: usize,
    /// Admin saves a second during the measurement with writes (0: none).
    #[arg(long, default_value_t = 10)]
    writes: u32,
}

fn main() {
    if let Err(message) = run(Args::parse()) {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<(), String> {
    let database_url = std::env::var("DATABASE_URL").ok();
    eprintln!("preparing {} articles…", args.articles);
    let server = server::start(database_url.as_deref(), 50, args.articles)?;
    // The same database, served with nothing kept between requests.
    let uncached = server::start_with(
        Some(server.db.url().as_str()),
        50,
        args.articles,
        orm_core::db::PoolOptions {
            kept_values_ttl: Duration::ZERO,
            ..orm_core::db::PoolOptions::default()
        },
    )?;
    let cookie = server::login(&server.base)?;
    // The writer's own session: its saves queue messages in it.
    let writer_cookie = server::login(&server.base)?;
    let last_page = args.articles.div_ceil(100).max(1);
    let slug = server::published_slug(&server.db)?;
    let deep_list = server::public_page(&server.base, 40)?;
    let edited = server::first_article_id(&server.db)?;
    let targets: Vec<(&str, String, bool)> = vec![
        ("hello world", "/hello".into(), false),
        (
            "admin changelist, page 1",
            "/admin/blog/article/".into(),
            true,
        ),
        (
            "admin changelist, last page",
            format!("/admin/blog/article/?p={last_page}"),
            true,
        ),
        (
            "admin changelist, filtered",
            "/admin/blog/article/?is_published__exact=1".into(),
            true,
        ),
        (
            "admin search, one article",
            format!("/admin/blog/article/?q={}", args.articles * 3 / 4 + 1),
            true,
        ),
        (
            "admin search, common word",
            "/admin/blog/article/?q=diesel".into(),
            true,
        ),
        (
            "admin change form",
            format!("/admin/blog/article/{edited}/change/"),
            true,
        ),
        ("public list", "/".into(), false),
        ("public list, page 40", deep_list, false),
        ("public detail", format!("/articles/{slug}/"), false),
    ];
    println!(
        "| page | connections | first request p50 ms | p90 ms | req/s | vs hello | p99 ms | \
         req/s with {} saves/s | kept | errors |",
        args.writes
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for connections in args
        .connections
        .split(',')
        .filter_map(|c| c.trim().parse::<u32>().ok())
    {
        let mut hello: Option<Figures> = None;
        for (name, path, logged_in) in &targets {
            let wanted = args
                .only
                .as_deref()
                .is_none_or(|only| only.split(',').any(|part| name.contains(part.trim())));
            if hello.is_some() && !wanted {
                continue;
            }
            let cookie = logged_in.then_some(cookie.as_str());
            let (first_p50, first_p90) =
                single_requests(&format!("{}{path}", uncached.base), cookie, args.samples)?;
            let url = format!("{}{path}", server.base);
            let figures = wrk(&url, connections, args.seconds, cookie)?;
            let base_rps = hello.as_ref().map_or(figures.rps, |h| h.rps);
            let (busy_rps, kept, errors) = if args.writes > 0 && hello.is_some() {
                let writer = Writer::start(&server.base, &writer_cookie, edited, args.writes);
                let busy = wrk(&url, connections, args.seconds, cookie)?;
                let saves = writer.stop()?;
                eprintln!("{name}: {saves} saves during the run with writes");
                (
                    format!("{:.0}", busy.rps),
                    format!("{:.0} %", 100.0 * busy.rps / figures.rps),
                    figures.errors + busy.errors,
                )
            } else {
                ("-".to_owned(), "-".to_owned(), figures.errors)
            };
            println!(
                "| {name} | {connections} | {first_p50:.2} | {first_p90:.2} | {:.0} | {:.1} % | {:.2} | {busy_rps} | {kept} | {errors} |",
                figures.rps,
                100.0 * figures.rps / base_rps,
                figures.p99_ms,
            );
            if hello.is_none() {
                hello = Some(figures);
            }
        }
    }
    let memory = Memory::now();
    println!();
    println!(
        "{} articles on {}; server process at the end: {:.1} MB of its own memory (RssAnon), \
         {:.1} MB of mapped files (RssFile: the binary, and SQLite's memory-mapped database); \
         peak resident {:.1} MB (seeding included)",
        args.articles,
        server.db.backend().name(),
        memory.anon_kib as f64 / 1024.0,
        memory.file_kib as f64 / 1024.0,
        memory.peak_kib as f64 / 1024.0
    );
    Ok(())
}

/// This process's resident memory, in KiB (zeros where `/proc` does not
/// tell).
struct Memory {
    /// Anonymous memory: the heap and stacks, the process's own.
    anon_kib: u64,
    /// Pages of mapped files, shared with the page cache.
    file_kib: u64,
    /// The most resident memory at any time (`VmHWM`).
    peak_kib: u64,
}

impl Memory {
    fn now() -> Memory {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            anon_kib: field("RssAnon:"),
            file_kib: field("RssFile:"),
            peak_kib: field("VmHWM:"),
        }
    }
}
