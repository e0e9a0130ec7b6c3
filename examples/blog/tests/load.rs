//! Load: the blog on SQLite with a few thousand articles, under
//! [`CLIENTS`] concurrent keep-alive connections for a bounded time, half of
//! them logged into the admin (index, changelist with search, sort, filter
//! and page parameters, change forms), half anonymous on the public pages
//! (list, pages of the list, details, and a missing article on purpose).
//!
//! What must hold: no response other than 2xx/3xx except the intended 404s
//! (no 500, no 503 from an exhausted pool, no timeout or reset), no panic in
//! the server's stderr, and memory flat once warm (see [`RSS_GROWTH_LIMIT_KIB`]).
//!
//! It runs for [`DEFAULT_SECONDS`] after a warm-up; set `ORM_LOAD_SECONDS`
//! for a longer run, e.g. a minute:
//!
//! ```text
//! ORM_LOAD_SECONDS=60 cargo test -p blog --release --test load -- --nocapture
//! ```

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::client::{links, Client};
use common::server::{tail, Server};

/// Concurrent connections.
const CLIENTS: usize = 64;
/// Seconds of measured load when `ORM_LOAD_SECONDS` is unset.
const DEFAULT_SECONDS: u64 = 5;
/// Full load before the memory baseline is taken: the runtime's blocking
/// threads, the pool's connections, SQLite's page caches, the allocator's
/// per-thread heaps and the template buffers all reach their working size.
/// Two seconds was too short on a freshly built machine: in two runs the
/// memory still stepped up once, by 44 and 77 MiB, after it. Six made the
/// second half flat in five runs of five, but such a step can still come
/// later (seen once, about ten seconds in, in an eight-second run): what
/// causes it is not known yet, so this check can fail without a leak.
const WARM_UP: Duration = Duration::from_secs(6);
/// The most the server's own memory may grow over the second half of the
/// run, in KiB.
///
/// Why 32 MiB: what legitimately still grows after the warm-up is bounded
/// (the pool's 8 SQLite connections with a 16 MB page cache limit each are
/// mostly warm already; the rest is allocator slack), and it does not depend
/// on how many requests were made. A leak does: a kilobyte a request is
/// ~5-10 MB in a five-second debug run and far beyond 32 MB in the minute
/// run, so the bound catches leaks in the long run and only gross ones in
/// the short one. The measured growth is printed either way.
const RSS_GROWTH_LIMIT_KIB: u64 = 32 * 1024;
/// The most the server's memory may grow from the end of the warm-up to the
/// end of the run, in KiB: the working set can still be filling after the
/// short warm-up on a cold machine (eight SQLite page caches of up to 16 MB,
/// the heaps of new blocking threads), which stops; a leak does not.
const WORKING_SET_LIMIT_KIB: u64 = 256 * 1024;
/// Articles to seed.
const ARTICLES: usize = 3_000;

/// What one client counted.
#[derive(Default)]
struct Tally {
    requests: u64,
    measured: u64,
    ok: u64,
    redirects: u64,
    not_found: u64,
    unexpected: Vec<String>,
    slowest: Duration,
    latencies_ms: Vec<u32>,
}

#[test]
fn blog_under_64_concurrent_clients() {
    let seconds = std::env::var("ORM_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(DEFAULT_SECONDS);
    let mut server = Server::start(None);
    let seeding = Instant::now();
    server.seed(20, ARTICLES);
    println!(
        "seeded {ARTICLES} articles in {:.1}s",
        seeding.elapsed().as_secs_f64()
    );
    let admin = Client::new(&server.base);
    admin.log_in(&server.password);

    // The pages, found from the seeded data.
    let mut public: Vec<(String, u16)> = ["/", "/?page=2", "/?page=40"]
        .into_iter()
        .map(|p| (p.to_owned(), 200))
        .collect();
    let home = admin.get("/").unwrap().body;
    let page_40 = admin.get("/?page=40").unwrap().body;
    for link in links(&home, "/articles/")
        .into_iter()
        .take(3)
        .chain(links(&page_40, "/articles/").into_iter().take(3))
    {
        public.push((link, 200));
    }
    public.push(("/articles/no-such-article/".to_owned(), 404));
    public.push(("/static/blog.css".to_owned(), 200));

    let mut admin_pages: Vec<(String, u16)> = [
        "/admin/",
        "/admin/blog/",
        "/admin/blog/article/",
        "/admin/blog/article/?q=rust",
        "/admin/blog/article/?o=3",
        "/admin/blog/article/?o=-3.1",
        "/admin/blog/article/?p=5",
        "/admin/blog/article/?q=admin&o=-1&p=2",
        "/admin/blog/article/?is_published__exact=1&o=2",
    ]
    .into_iter()
    .map(|p| (p.to_owned(), 200))
    .collect();
    let changelist = admin.get("/admin/blog/article/?p=7").unwrap().body;
    for link in links(&changelist, "/admin/blog/article/")
        .into_iter()
        .filter(|link| link.ends_with("/change/"))
        .take(4)
    {
        admin_pages.push((link, 200));
    }
    assert!(
        public.len() >= 10 && admin_pages.len() >= 12,
        "pages found from the seeded data: {public:?} {admin_pages:?}"
    );
    // Each page answers as expected before the load (a wrong URL here is
    // a test bug, not a load failure).
    for (path, expected) in public.iter().chain(&admin_pages) {
        let reply = admin.get(path).unwrap();
        assert_eq!(reply.status, *expected, "GET {path}: {}", reply.body);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let measure_from = started + WARM_UP;
    let threads: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (client, pages) = if i % 2 == 0 {
                (admin.fork(), admin_pages.clone())
            } else {
                (Client::new(&server.base), public.clone())
            };
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut tally = Tally::default();
                for (path, expected) in pages.iter().cycle().skip(i) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let reply = client.get(path);
                    tally.requests += 1;
                    match reply {
                        Ok(reply) => {
                            tally.slowest = tally.slowest.max(reply.elapsed);
                            if Instant::now() >= measure_from {
                                tally.measured += 1;
                                let ms = reply.elapsed.as_millis();
                                tally
                                    .latencies_ms
                                    .push(u32::try_from(ms).unwrap_or(u32::MAX));
                            }
                            match reply.status {
                                status if status == *expected && status == 404 => {
                                    tally.not_found += 1
                                }
                                200..=299 => tally.ok += 1,
                                300..=399 => tally.redirects += 1,
                                status => tally.unexpected.push(format!(
                                    "GET {path}: {status} (expected {expected}) after {:?}",
                                    reply.elapsed
                                )),
                            }
                        }
                        Err(e) => tally.unexpected.push(format!("GET {path}: {e}")),
                    }
                }
                tally
            })
        })
        .collect();

    // Memory: the baseline once warm, then samples until the end.
    std::thread::sleep(WARM_UP);
    let rss_start = server.rss_kib();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rss_max = rss_start;
    let mut rss_half = None;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250).min(deadline - Instant::now()));
        let rss = server.rss_kib();
        rss_max = rss_max.max(rss);
        if rss_half.is_none() && deadline - Instant::now() <= Duration::from_secs(seconds) / 2 {
            rss_half = Some(rss);
        }
    }
    let rss_end = server.rss_kib();
    stop.store(true, Ordering::Relaxed);
    let measured_for = measure_from.elapsed();
    let tallies: Vec<Tally> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    let total = |f: fn(&Tally) -> u64| tallies.iter().map(f).sum::<u64>();
    let unexpected: Vec<&String> = tallies.iter().flat_map(|t| &t.unexpected).collect();
    let mut latencies: Vec<u32> = tallies
        .iter()
        .flat_map(|t| t.latencies_ms.iter().copied())
        .collect();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let at = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies.get(at).copied().unwrap_or(0)
    };
    let slowest = tallies.iter().map(|t| t.slowest).max().unwrap_or_default();
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "{CLIENTS} clients for {:.1}s after a {:.0}s warm-up: {} requests measured \
         ({:.0}/s), {} in all: {} 2xx, {} 3xx, {} intended 404, {} unexpected; \
         latency p50 {} ms, p99 {} ms, slowest {} ms",
        measured_for.as_secs_f64(),
        WARM_UP.as_secs_f64(),
        total(|t| t.measured),
        total(|t| t.measured) as f64 / measured_for.as_secs_f64(),
        total(|t| t.requests),
        total(|t| t.ok),
        total(|t| t.redirects),
        total(|t| t.not_found),
        unexpected.len(),
        percentile(0.5),
        percentile(0.99),
        slowest.as_millis(),
    );
    println!(
        "server RSS: {:.1} MiB once warm, {:.1} MiB half-way, {:.1} MiB at the end \
         (max {:.1} MiB): {:+.1} MiB in the second half (limit +{:.0} MiB)",
        mib(rss_start),
        mib(rss_half.unwrap_or(rss_end)),
        mib(rss_end),
        mib(rss_max),
        mib(rss_end) - mib(rss_half.unwrap_or(rss_start)),
        mib(RSS_GROWTH_LIMIT_KIB),
    );

    assert!(
        unexpected.is_empty(),
        "{} unexpected responses (the first ones):\n{}\n--- server stderr ---\n{}",
        unexpected.len(),
        unexpected
            .iter()
            .take(20)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        tail(&server.stderr(), 20)
    );
    assert!(total(|t| t.not_found) > 0, "the 404 page was requested");
    server.assert_healthy();
    // A leak keeps growing; filling the working set (SQLite's page caches,
    // the blocking threads' heaps) stops: judge the second half of the run.
    let rss_half = rss_half.unwrap_or(rss_start);
    assert!(
        rss_end.saturating_sub(rss_half) < RSS_GROWTH_LIMIT_KIB,
        "the server's memory grew from {:.1} MiB to {:.1} MiB in the second half of the run",
        mib(rss_half),
        mib(rss_end)
    );
    assert!(
        rss_end.saturating_sub(rss_start) < WORKING_SET_LIMIT_KIB,
        "the server's memory grew from {:.1} MiB to {:.1} MiB under load",
        mib(rss_start),
        mib(rss_end)
    );
}
