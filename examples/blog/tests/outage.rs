//! Reliability: the blog keeps answering while its database goes away, and
//! serves again by itself when the database is back.
//!
//! The real binary runs under a light load (two anonymous clients on the
//! public pages, two logged-in clients on the admin) while the database is
//! stopped, then started again; the server is never restarted. Every
//! response during the outage must be a 503 page with `Retry-After` and a
//! clear message (or a page that was answered before the database went),
//! never a 500, and none may take longer than the pool's connection timeout
//! allows. Once the database accepts connections again the pages must come
//! back within [`RECOVERY`]. The server must stay up and must not panic.
//!
//! - PostgreSQL: a private cluster (`initdb` in a temporary folder, on a
//!   free port) is stopped with `pg_ctl stop -m fast` and started again on
//!   the same port. Runs when `ORM_TEST_POSTGRES_URL` is set (as in CI; the
//!   shared server there is not touched) and needs `--features postgres`.
//! - SQLite: see [`Vandal`] for how the file is made unusable, also for
//!   the connections the server already has open.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs::OpenOptions;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::client::{links, Client, Reply};
use common::postgres::Cluster;
use common::server::Server;
use diesel::connection::SimpleConnection as _;

/// The longest any request may take: the pool waits 5 s for a connection
/// before answering 503, plus slack for a loaded test machine.
const SLOWEST: Duration = Duration::from_secs(7);
/// How soon after the database is back the first page must be served.
const RECOVERY: Duration = Duration::from_secs(2);
/// How long the outage may take to show on every client: each has at most
/// one request in flight, which ends within [`SLOWEST`], and the next one
/// is a 503.
const OUTAGE_LIMIT: Duration = Duration::from_secs(15);
/// What the 503 pages of the blog and of the admin say.
const CLEAR_MESSAGE: &str = "The database cannot be reached right now.";

#[test]
fn postgres_outage_gives_503_pages_then_recovers() {
    if !common::postgres_requested() {
        eprintln!(
            "note: skipping the PostgreSQL outage test: set ORM_TEST_POSTGRES_URL \
             and build with `--features postgres` (CI does); it runs a private cluster"
        );
        return;
    }
    let built_with_postgres = cfg!(feature = "postgres");
    assert!(
        built_with_postgres,
        "ORM_TEST_POSTGRES_URL is set but the blog is built without PostgreSQL: \
         run the tests with `--features postgres`"
    );
    let bin = Cluster::find_binaries().expect(
        "ORM_TEST_POSTGRES_URL is set but initdb and pg_ctl were not found \
         (tried `pg_config --bindir` and /usr/lib/postgresql/*/bin)",
    );
    let cluster = Cluster::start_new(&bin);
    cluster.create_database("blog");
    let mut server = Server::start(Some(&cluster.url("blog")));
    outage(
        "PostgreSQL",
        &mut server,
        || cluster.stop(),
        || cluster.start(),
    );
}

#[test]
fn sqlite_outage_gives_503_pages_then_recovers() {
    let mut server = Server::start(None);
    let vandal = Vandal::new(&server.sqlite_file());
    outage(
        "SQLite",
        &mut server,
        || vandal.break_file(),
        || vandal.repair_file(),
    );
}

/// Makes a live SQLite database unusable, for the server's open
/// connections too, and repairs it.
///
/// Moving the file away, replacing it, or taking its permissions (the
/// tests run as root, which ignores them anyway) only stops *new*
/// connections: the ones already open keep their file descriptors and go
/// on reading the old file. What open connections do notice is the file
/// itself changing under them. So the 16-byte magic string at the start of
/// the file (`SQLite format 3\0`) is overwritten in place; every reader then
/// fails with SQLITE_NOTADB ("file is not a database"), the same as for a
/// file that is not a database at all. Two details make that reliable:
///
/// - in WAL mode page 1 may live in the `-wal` file, where the damage
///   would not be seen, so the WAL is first folded into the file with
///   `PRAGMA wal_checkpoint(TRUNCATE)`;
/// - a connection keeps its cached pages while the WAL index is unchanged,
///   so a second TRUNCATE checkpoint after the damage resets the index and
///   makes every connection read page 1 from the file again.
///
/// Both run on a connection of the test's own, opened while the file is
/// still good. The repair writes the magic string back and does nothing
/// else: connections that read the damaged page must be dropped by the
/// server's pool, which is what is being tested.
struct Vandal {
    path: PathBuf,
    conn: Mutex<orm::db::PooledConnection>,
}

const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const GARBAGE: &[u8; 16] = b"not a database!\0";

impl Vandal {
    fn new(path: &Path) -> Vandal {
        let db = orm::Db::open(&format!("sqlite://{}", path.display())).unwrap();
        let mut conn = db.conn().unwrap();
        // Reads the schema and opens the WAL, which the checkpoints need.
        conn.batch_execute("SELECT count(*) FROM blog_article")
            .unwrap();
        Vandal {
            path: path.to_owned(),
            conn: Mutex::new(conn),
        }
    }

    fn break_file(&self) {
        let mut conn = self.conn.lock().unwrap();
        for _ in 0..20 {
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap();
            self.write_header(GARBAGE);
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap();
            if self.header() == *GARBAGE && self.wal_len() == 0 {
                return;
            }
            // A write of the server brought page 1 back from the WAL, or a
            // reader kept the checkpoint from finishing: again.
        }
        panic!("could not damage the SQLite file for the outage");
    }

    fn repair_file(&self) {
        self.write_header(MAGIC);
    }

    fn write_header(&self, bytes: &[u8; 16]) {
        let file = OpenOptions::new().write(true).open(&self.path).unwrap();
        file.write_all_at(bytes, 0).unwrap();
    }

    fn header(&self) -> [u8; 16] {
        let file = std::fs::File::open(&self.path).unwrap();
        let mut header = [0u8; 16];
        file.read_exact_at(&mut header, 0).unwrap();
        header
    }

    fn wal_len(&self) -> u64 {
        std::fs::metadata(format!("{}-wal", self.path.display())).map_or(0, |m| m.len())
    }
}

/// One request a load client made, and what came of it.
struct Sample {
    client: usize,
    path: String,
    sent: Instant,
    done: Instant,
    outcome: Outcome,
}

enum Outcome {
    /// A response: its status, whether it had `Retry-After`, whether its
    /// body had [`CLEAR_MESSAGE`].
    Answered {
        status: u16,
        retry_after: bool,
        clear: bool,
    },
    /// No response: a timeout, a reset connection...
    Failed(String),
}

impl Sample {
    fn status(&self) -> Option<u16> {
        match self.outcome {
            Outcome::Answered { status, .. } => Some(status),
            Outcome::Failed(_) => None,
        }
    }

    fn describe(&self, t0: Instant) -> String {
        let what = match &self.outcome {
            Outcome::Answered {
                status,
                retry_after,
                clear,
            } => format!("{status} (Retry-After: {retry_after}, clear message: {clear})"),
            Outcome::Failed(e) => format!("failed: {e}"),
        };
        format!(
            "client {} GET {} sent at {:.2}s, took {:.2}s: {what}",
            self.client,
            self.path,
            (self.sent - t0).as_secs_f64(),
            (self.done - self.sent).as_secs_f64()
        )
    }
}

/// Clients looping over their pages until told to stop.
struct Load {
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
    threads: Vec<JoinHandle<()>>,
}

impl Load {
    fn start(clients: Vec<(Client, Vec<String>)>) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let threads = clients
            .into_iter()
            .enumerate()
            .map(|(id, (client, paths))| {
                let stop = Arc::clone(&stop);
                let samples = Arc::clone(&samples);
                std::thread::spawn(move || {
                    for path in paths.iter().cycle() {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let sent = Instant::now();
                        let outcome = match client.get(path) {
                            Ok(Reply {
                                status,
                                retry_after,
                                body,
                                ..
                            }) => Outcome::Answered {
                                status,
                                retry_after: retry_after.is_some(),
                                clear: body.contains(CLEAR_MESSAGE),
                            },
                            Err(e) => Outcome::Failed(e),
                        };
                        let failed = matches!(outcome, Outcome::Failed(_));
                        samples.lock().unwrap().push(Sample {
                            client: id,
                            path: path.clone(),
                            sent,
                            done: Instant::now(),
                            outcome,
                        });
                        if failed {
                            // Do not spin on a server that is gone.
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    }
                })
            })
            .collect();
        Load {
            stop,
            samples,
            threads,
        }
    }

    /// Whether every client has had a 503 for a request sent after `since`.
    fn all_saw_503_since(&self, since: Instant) -> bool {
        let samples = self.samples.lock().unwrap();
        (0..self.threads.len()).all(|client| {
            samples
                .iter()
                .any(|s| s.client == client && s.sent >= since && s.status() == Some(503))
        })
    }

    fn finish(self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads {
            thread.join().unwrap();
        }
        let mut samples = std::mem::take(&mut *self.samples.lock().unwrap());
        samples.sort_by_key(|s| s.sent);
        samples
    }
}

/// The scenario, on a server whose database `stop` takes away and `start`
/// gives back.
fn outage(backend: &str, server: &mut Server, stop: impl FnOnce(), start: impl FnOnce()) {
    server.seed(3, 40);
    let admin = Client::new(&server.base);
    admin.log_in(&server.password);
    let home = admin.get("/").unwrap();
    let article = links(&home.body, "/articles/")
        .into_iter()
        .find(|link| link != "/articles/new/")
        .expect("a published article on /");
    let list = admin.get("/admin/blog/article/").unwrap();
    let change = links(&list.body, "/admin/blog/article/")
        .into_iter()
        .find(|link| link.ends_with("/change/"))
        .expect("an article's change link on the changelist");
    let public = vec!["/".to_owned(), article];
    let admin_pages = vec![
        "/admin/".to_owned(),
        "/admin/blog/article/".to_owned(),
        change,
    ];
    let probe = Client::new(&server.base);

    let t0 = Instant::now();
    let load = Load::start(vec![
        (Client::new(&server.base), public.clone()),
        (
            Client::new(&server.base),
            public.iter().rev().cloned().collect(),
        ),
        (admin.fork(), admin_pages.clone()),
        (admin.fork(), admin_pages.iter().rev().cloned().collect()),
    ]);
    std::thread::sleep(Duration::from_secs(1));

    // The database goes away under load.
    let going = Instant::now();
    stop();
    let down = Instant::now();
    while !load.all_saw_503_since(down) {
        if down.elapsed() > OUTAGE_LIMIT {
            let samples = load.finish();
            let wrong: Vec<String> = samples
                .iter()
                .filter(|s| s.sent >= down && s.status() != Some(503))
                .take(20)
                .map(|s| s.describe(t0))
                .collect();
            panic!(
                "{backend}: not every client got a 503 within {OUTAGE_LIMIT:?} of the outage \
                 (down at {:.2}s); what they got instead:\n{}",
                (down - t0).as_secs_f64(),
                wrong.join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let outage_seen = down.elapsed();
    // The database comes back at a different moment of the pool's
    // reconnect cycle in each run: the pool retries with growing delays, so
    // how long it takes to notice depends on when the database returns.
    let hold = Duration::from_millis(u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_millis()
            * 5
            / 2,
    ));
    std::thread::sleep(hold);

    // It comes back; the server must notice by itself. The database may
    // accept connections before `start` returns (`pg_ctl start` waits for
    // that), so answers from then on are no longer "served while down".
    let starting = Instant::now();
    start();
    let up = Instant::now();
    let recovered = loop {
        let reply = probe.get("/");
        if matches!(reply, Ok(Reply { status: 200, .. })) {
            break Instant::now();
        }
        assert!(
            up.elapsed() < RECOVERY + Duration::from_secs(10),
            "{backend}: the server still fails {:?} after the database came back: {reply:?}",
            up.elapsed()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let recovery = recovered - up;
    std::thread::sleep(Duration::from_secs(1));
    let samples = load.finish();
    let after = admin.get("/admin/blog/article/").unwrap();
    assert_eq!(
        after.status, 200,
        "{backend}: the admin session survives the outage"
    );

    // What the clients saw.
    let count = |filter: &dyn Fn(&Sample) -> bool| samples.iter().filter(|s| filter(s)).count();
    let slowest = samples
        .iter()
        .map(|s| s.done - s.sent)
        .max()
        .unwrap_or_default();
    println!(
        "{backend}: {} requests; before the outage {} (all 200); database stopped in {:.2}s; \
         during it {} answered 503, every client saw one within {:.2}s, held down {:.2}s more; \
         first 200 {:.0} ms after the database was back; after that {} requests; \
         slowest response {:.2}s",
        samples.len(),
        count(&|s| s.done < going),
        (down - going).as_secs_f64(),
        count(&|s| s.sent >= going && s.status() == Some(503)),
        outage_seen.as_secs_f64(),
        hold.as_secs_f64(),
        recovery.as_secs_f64() * 1000.0,
        count(&|s| s.sent >= recovered),
        slowest.as_secs_f64(),
    );
    let bad: Vec<String> = samples
        .iter()
        .filter(|s| {
            let wrong_status = match &s.outcome {
                Outcome::Failed(_) => true,
                Outcome::Answered {
                    status: 503,
                    retry_after,
                    clear,
                } => !retry_after || !clear,
                Outcome::Answered { status, .. } => *status != 200,
            };
            let too_slow = s.done - s.sent > SLOWEST;
            let served_while_down = s.sent >= down && s.done <= starting && s.status() != Some(503);
            let failed_after_recovery = s.sent >= recovered && s.status() != Some(200);
            let failed_before = s.done < going && s.status() != Some(200);
            wrong_status || too_slow || served_while_down || failed_after_recovery || failed_before
        })
        .map(|s| s.describe(t0))
        .collect();
    assert!(
        bad.is_empty(),
        "{backend}: {} of {} responses are wrong (only 200, or 503 pages with Retry-After \
         and a clear message while the database is down, within {SLOWEST:?}); \
         down from {:.2}s to {:.2}s, recovered at {:.2}s:\n{}",
        bad.len(),
        samples.len(),
        (down - t0).as_secs_f64(),
        (up - t0).as_secs_f64(),
        (recovered - t0).as_secs_f64(),
        bad.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        recovery <= RECOVERY,
        "{backend}: the first page came back {recovery:?} after the database, more than {RECOVERY:?}"
    );
    server.assert_healthy();
}
