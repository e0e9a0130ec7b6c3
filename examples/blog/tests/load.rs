//! Load: the blog on SQLite with a few thousand articles, under
//! [`CLIENTS`] concurrent keep-alive connections for a bounded time, half of
//! them logged into the admin (index, changelist with search, sort, filter
//! and page parameters, change forms), half anonymous on the public pages
//! (list, pages of the list, details, and a missing article on purpose).
//!
//! What must hold: no response other than 2xx/3xx except the intended 404s
//! (no 500, no 503 from an exhausted pool, no timeout or reset), no panic in
//! the server's stderr, and memory flat once warm (see [`STEADY_GROWTH_LIMIT_KIB`]).
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
const WARM_UP: Duration = Duration::from_secs(6);
/// How often the server's memory is sampled during the measured run.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);
/// Samples per window: growth is judged window by window (one second).
const SAMPLES_PER_WINDOW: usize = 4;
/// The most the server's own memory may grow *steadily* over the measured
/// run, in KiB: the median growth of its one-second windows times their
/// number.
///
/// Why the median of windows: a leak grows in every window, in proportion
/// to the requests served; filling the working set does not recur. The
/// memory sometimes steps up once, by 40-80 MiB at a random moment even
/// after a long warm-up (a new blocking thread's allocator heap, an SQLite
/// page cache reaching its limit), then stays flat: one window out of the
/// run, which the median ignores while a leak cannot hide from it.
///
/// Why 32 MiB: a kilobyte a request is ~5-10 MB in a five-second debug run
/// and far beyond 32 MB in the minute run, so the bound catches leaks in
/// the long run and only gross ones in the short one. The figures are
/// printed either way.
const STEADY_GROWTH_LIMIT_KIB: u64 = 32 * 1024;
/// The most the server's memory may grow from the end of the warm-up to the
/// end of the run, steps included, in KiB: the working set is bounded (eight
/// SQLite page caches of up to 16 MB, the heaps of the blocking threads).
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
    // The list pages by cursor: the second and the fortieth page are
    // found by following "Older" from the first.
    let older = |html: &str| -> String {
        let next = links(html, "?cursor=");
        format!("/{}", next.last().expect("an Older link"))
    };
    let home = admin.get("/").unwrap().body;
    let page_2 = older(&home);
    let mut page_40 = (page_2.clone(), admin.get(&page_2).unwrap().body);
    for _ in 2..40 {
        let url = older(&page_40.1);
        page_40 = (url.clone(), admin.get(&url).unwrap().body);
    }
    let (page_40_url, page_40) = page_40;
    let mut public: Vec<(String, u16)> = ["/".to_owned(), page_2, page_40_url]
        .into_iter()
        .map(|p| (p, 200))
        .collect();
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
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut samples = vec![server.rss_kib()];
    while Instant::now() < deadline {
        std::thread::sleep(SAMPLE_EVERY.min(deadline - Instant::now()));
        samples.push(server.rss_kib());
    }
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
    let memory = Memory::of(&samples);
    println!(
        "server RSS: {:.1} MiB once warm, {:.1} MiB at the end (max {:.1} MiB); \
         steady growth {:+.1} MiB (median of {} one-second windows x their number, \
         limit +{:.0} MiB), largest step between samples {:+.1} MiB",
        mib(memory.start),
        mib(memory.end),
        mib(memory.max),
        mib(memory.steady_growth),
        memory.windows,
        mib(STEADY_GROWTH_LIMIT_KIB),
        mib(memory.largest_step),
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
    // the blocking threads' heaps) stops.
    assert!(
        memory.steady_growth < STEADY_GROWTH_LIMIT_KIB,
        "the server's memory grew steadily under load: {:+.1} MiB over {} one-second windows \
         (samples in KiB: {samples:?})",
        mib(memory.steady_growth),
        memory.windows,
    );
    assert!(
        memory.end.saturating_sub(memory.start) < WORKING_SET_LIMIT_KIB,
        "the server's memory grew from {:.1} MiB to {:.1} MiB under load",
        mib(memory.start),
        mib(memory.end)
    );
}

/// The server's memory over the measured run, in KiB.
struct Memory {
    start: u64,
    end: u64,
    max: u64,
    /// The median growth of a window times the number of windows.
    steady_growth: u64,
    windows: usize,
    largest_step: u64,
}

impl Memory {
    fn of(samples: &[u64]) -> Memory {
        let start = samples.first().copied().unwrap_or(0);
        let end = samples.last().copied().unwrap_or(start);
        let windows: Vec<u64> = samples
            .windows(2)
            .collect::<Vec<_>>()
            .chunks(SAMPLES_PER_WINDOW)
            .map(|steps| {
                let first = steps[0][0];
                let last = steps[steps.len() - 1][1];
                last.saturating_sub(first)
            })
            .collect();
        let mut sorted = windows.clone();
        sorted.sort_unstable();
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0);
        Memory {
            start,
            end,
            max: samples.iter().copied().max().unwrap_or(start),
            steady_growth: median * windows.len() as u64,
            windows: windows.len(),
            largest_step: samples
                .windows(2)
                .map(|pair| pair[1].saturating_sub(pair[0]))
                .max()
                .unwrap_or(0),
        }
    }
}

#[test]
fn a_single_step_is_not_a_leak_but_steady_growth_is() {
    // 5 s of samples every 250 ms: flat with one 80 MiB step...
    let mut step = vec![100_000u64; 21];
    for sample in &mut step[9..] {
        *sample += 80 * 1024;
    }
    let memory = Memory::of(&step);
    assert_eq!((memory.windows, memory.steady_growth), (5, 0));
    assert_eq!(memory.largest_step, 80 * 1024);
    // ...against 2 MiB a second, every second.
    let leak: Vec<u64> = (0..21).map(|i| 100_000 + i * 512).collect();
    let memory = Memory::of(&leak);
    assert_eq!(memory.steady_growth, 5 * 2048);
}
