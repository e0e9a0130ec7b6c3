//! `cargo run --release -p bench --bin http`: requests per second and
//! latency of the admin changelist and the public pages, each beside a
//! hello-world handler served by the same server in the same run.
//!
//! Needs `wrk` (`apt-get install wrk`). `DATABASE_URL` picks the database
//! (default: a new SQLite file).

use bench::load::{wrk, Figures};

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
    let cookie = server::login(&server.base)?;
    let last_page = args.articles.div_ceil(100).max(1);
    let slug = server::published_slug(&server.db)?;
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
            "admin change form",
            "/admin/blog/article/1/change/".into(),
            true,
        ),
        ("public list", "/".into(), false),
        ("public detail", format!("/articles/{slug}/"), false),
    ];
    println!("| page | connections | req/s | vs hello | p50 ms | p99 ms | errors |");
    println!("|---|---|---|---|---|---|---|");
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
            let url = format!("{}{path}", server.base);
            let figures = wrk(
                &url,
                connections,
                args.seconds,
                logged_in.then_some(cookie.as_str()),
            )?;
            let base_rps = hello.as_ref().map_or(figures.rps, |h| h.rps);
            println!(
                "| {name} | {connections} | {:.0} | {:.1} % | {:.2} | {:.2} | {} |",
                figures.rps,
                100.0 * figures.rps / base_rps,
                figures.p50_ms,
                figures.p99_ms,
                figures.errors
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
