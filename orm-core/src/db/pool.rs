//! The database handle: a pool of connections opened from a URL.

use std::cell::Cell;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::TransactionManager as _;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::Connection;

use super::connection::AnyConnection;
use super::url::{BackendKind, DatabaseUrl};
use crate::error::{Error, Result};

/// Opens [`AnyConnection`]s for one URL; used by the pool.
#[derive(Debug)]
pub struct AnyConnectionManager {
    url: DatabaseUrl,
    /// Where connections record their statements, when the pool has a
    /// [`super::QueryLog`].
    log: Option<super::instrument::Sink>,
}

impl ManageConnection for AnyConnectionManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> std::result::Result<AnyConnection, Self::Error> {
        let mut conn =
            AnyConnection::open(&self.url).map_err(diesel::r2d2::Error::ConnectionError)?;
        conn.set_instrumentation(super::instrument::Watch::new(self.log.clone()));
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> std::result::Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || take_connection_lost() || conn.is_broken()
    }
}

thread_local! {
    /// Whether a query on this thread found the database unreachable since
    /// the thread last borrowed a connection.
    static CONNECTION_LOST: Cell<bool> = const { Cell::new(false) };
}

/// Notes that a query on this thread found the database unreachable
/// ([`Error::is_unavailable`]), so that the connection it ran on is closed
/// when it goes back to the pool instead of being lent again, as Django
/// closes a connection that saw errors and no longer works. A server's
/// connection is dead then; an SQLite connection may keep pages it read
/// from a damaged or replaced file, and only a new one reads it afresh.
pub(crate) fn note_connection_lost() {
    CONNECTION_LOST.with(|lost| lost.set(true));
}

/// Whether a query on this thread found the database unreachable since the
/// thread last borrowed a connection.
fn connection_lost_noted() -> bool {
    CONNECTION_LOST.with(Cell::get)
}

/// Reads and clears the flag [`note_connection_lost`] sets.
fn take_connection_lost() -> bool {
    CONNECTION_LOST.with(|lost| lost.replace(false))
}

/// The longest the pool waits between two attempts to open a connection to
/// a database that refused the last one, so that a database that is back
/// is used again within about this long.
const RECONNECT_INTERVAL: Duration = Duration::from_millis(500);

/// A connection borrowed from the pool; returned to it when dropped.
pub type PooledConnection = r2d2::PooledConnection<AnyConnectionManager>;

/// Settings of the connection pool.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_size: u32,
    /// How long a request waits for a free connection (or for the database to
    /// answer) before it fails with [`Error::Unavailable`].
    pub connection_timeout: Duration,
    /// Records every statement run through the pool (for tests that pin
    /// query counts); `None` records nothing.
    pub query_log: Option<super::QueryLog>,
    /// How long a value read for a list page may be reused: a row count,
    /// the admin's sidebar lists, a session record ([`super::KeptValues`]);
    /// any write through the ORM in this process ends it sooner. Zero reads
    /// every time.
    pub kept_values_ttl: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: 8,
            connection_timeout: Duration::from_secs(5),
            query_log: None,
            kept_values_ttl: Duration::from_secs(1),
        }
    }
}

/// The database: a pool of connections to one URL, cheap to clone.
///
/// Blocking work runs on tokio's blocking threads through [`Db::run`], never
/// on the async executor.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// let db = orm_core::Db::open("sqlite://:memory:")?;
/// assert_eq!(db.backend(), orm_core::db::BackendKind::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    pool: r2d2::Pool<AnyConnectionManager>,
    connection_timeout: Duration,
    url: DatabaseUrl,
    counts: super::KeptValues<i64>,
    /// One permit per connection: [`Db::run`] waits for one on the async
    /// side, so no more blocking threads than connections are ever busy
    /// with database work (not one a waiting request).
    permits: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("url", &self.inner.url).finish()
    }
}

impl Db {
    /// Opens a pool for `url` with the default [`PoolOptions`].
    pub fn open(url: &str) -> Result<Db> {
        Db::open_with(url, PoolOptions::default())
    }

    /// Opens a pool for `DATABASE_URL`, or `sqlite://db.sqlite3` when unset.
    pub fn from_env() -> Result<Db> {
        let url = DatabaseUrl::from_env()?;
        Db::open_url(url, PoolOptions::default())
    }

    /// Opens a pool for `url` with the given options.
    pub fn open_with(url: &str, options: PoolOptions) -> Result<Db> {
        Db::open_url(DatabaseUrl::parse(url)?, options)
    }

    /// Opens a pool for a parsed URL.
    pub fn open_url(url: DatabaseUrl, options: PoolOptions) -> Result<Db> {
        if !url.backend().is_enabled() {
            return Err(Error::BackendNotCompiled(url.backend()));
        }
        // Each in-memory SQLite connection is its own database: keep one.
        let max_size = if url.is_memory() {
            1
        } else {
            options.max_size.max(1)
        };
        let manager = AnyConnectionManager {
            url: url.clone(),
            log: options.query_log.as_ref().map(super::QueryLog::sink),
        };
        // Try one connection first, so a bad URL or a server that is down is
        // reported with the driver's own message.
        let first = manager.connect().map_err(|e| Error::Connection {
            url: url.redacted(),
            message: e.to_string(),
        })?;
        drop(first);
        // No `SELECT 1` before each use, which would cost a round trip per
        // checkout: a connection found lost by its first statement is
        // replaced by `Db::run`, which runs the work again.
        let pool = r2d2::Pool::builder()
            .test_on_check_out(false)
            .max_size(max_size)
            .min_idle(Some(0))
            // r2d2 retries a failed connect after a delay that doubles up
            // to half its own `connection_timeout` (2.5 s for the default
            // 5 s): keep that delay under RECONNECT_INTERVAL, and let `conn`
            // wait for the caller's timeout through `get_timeout`.
            .connection_timeout(options.connection_timeout.min(RECONNECT_INTERVAL * 2))
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(manager);
        Ok(Db {
            inner: Arc::new(Inner {
                pool,
                connection_timeout: options.connection_timeout,
                url,
                counts: super::KeptValues::new(options.kept_values_ttl),
                permits: Arc::new(tokio::sync::Semaphore::new(max_size as usize)),
            }),
        })
    }

    /// The backend behind this handle.
    pub fn backend(&self) -> BackendKind {
        self.inner.url.backend()
    }

    /// The URL this handle was opened with.
    pub fn url(&self) -> &DatabaseUrl {
        &self.inner.url
    }

    /// The row counts list pages share ([`super::KeptValues`]).
    pub fn counts(&self) -> &super::KeptValues<i64> {
        &self.inner.counts
    }

    /// How long values read for list pages are kept
    /// ([`PoolOptions::kept_values_ttl`]): for a [`super::KeptValues`] of
    /// another type, made with the same rules.
    pub fn kept_values_ttl(&self) -> Duration {
        self.inner.counts.ttl()
    }

    /// Borrows a connection, blocking until one is free. For synchronous code
    /// (commands, tests); async code uses [`Db::run`].
    ///
    /// The connection is lent as it is, without a round trip to check it:
    /// one the server closed since its last use (a restart, an idle
    /// timeout) fails its first statement with [`Error::Unavailable`], and
    /// is closed when it is returned. [`Db::run`] replaces it and runs the
    /// work again.
    pub fn conn(&self) -> Result<PooledConnection> {
        // A flag left by work without a pooled connection is not this one's.
        take_connection_lost();
        let mut conn = self
            .inner
            .pool
            .get_timeout(self.inner.connection_timeout)
            .map_err(|e| Error::Unavailable {
                message: e.to_string(),
            })?;
        super::instrument::lent(&mut conn);
        Ok(conn)
    }

    /// Runs blocking database work on a blocking thread and awaits it.
    ///
    /// Requests wait for a free connection here, asynchronously: a blocking
    /// thread is taken only once a connection is free for it, so a burst of
    /// requests does not grow the runtime's blocking threads (each with its
    /// stack and allocator heap) beyond the pool's size. The wait is bounded
    /// by `PoolOptions::connection_timeout`, which needs the runtime's timer
    /// (`#[tokio::main]` and `Builder::enable_all` turn it on).
    ///
    /// A connection is lent without a check (no `SELECT 1` round trip).
    /// When the server closed it since its last use (a restart, an idle
    /// timeout), the work's first statement fails with
    /// [`Error::Unavailable`]; nothing the work did took effect then, and
    /// it runs again on another connection. This is why `work` is
    /// `FnMut`: what it passes on by value, it clones.
    ///
    /// ```
    /// # async fn demo(db: orm_core::Db) -> orm_core::Result<i64> {
    /// db.run(|conn| Ok(conn.last_insert_id()?)).await
    /// # }
    /// ```
    pub async fn run<R, F>(&self, work: F) -> Result<R>
    where
        F: FnMut(&mut AnyConnection) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let permit = tokio::time::timeout(
            self.inner.connection_timeout,
            Arc::clone(&self.inner.permits).acquire_owned(),
        )
        .await
        .map_err(|_| Error::Unavailable {
            message: format!(
                "no database connection was free within {:?}",
                self.inner.connection_timeout
            ),
        })?
        .map_err(|e| Error::Internal(format!("connection permits closed: {e}")))?;
        let db = self.clone();
        let mut work = work;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            // Every idle connection may have been closed at once (a
            // restart): try each, and one opened afresh.
            let mut retries = db.inner.pool.max_size();
            let mut conn = db.conn()?;
            loop {
                match work(&mut conn) {
                    Err(error)
                        if retries > 0
                            && error.is_unavailable()
                            && connection_lost_noted()
                            && super::instrument::at_most_one_statement(&mut conn) =>
                    {
                        retries -= 1;
                        // Closed as it goes back, for the flag the error set.
                        drop(conn);
                        conn = db.conn()?;
                    }
                    done => return done,
                }
            }
        })
        .await
        .map_err(|e| Error::Internal(format!("database task failed: {e}")))?
    }

    /// Runs `work` in a transaction on a pooled connection: committed when it
    /// returns `Ok`, rolled back when it returns `Err`.
    pub fn atomic<R, F>(&self, work: F) -> Result<R>
    where
        F: FnOnce(&mut AnyConnection) -> Result<R>,
    {
        let mut conn = self.conn()?;
        atomic(&mut conn, work)
    }
}

/// Runs `work` in a transaction on `conn`. Nested calls use savepoints, so an
/// inner failure rolls back only the inner work. Work registered with
/// [`on_commit`](crate::db::on_commit) runs after the outermost commit.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// let db = orm_core::Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// let n = orm_core::atomic(&mut conn, |conn| {
///     let inner: orm_core::Result<()> =
///         orm_core::atomic(conn, |_| Err(orm_core::Error::Internal("boom".into())));
///     assert!(inner.is_err());
///     Ok(1)
/// })?;
/// assert_eq!(n, 1);
/// # Ok(()) }
/// ```
///
/// On SQLite the outermost transaction starts with `BEGIN IMMEDIATE`: it
/// takes the database's write lock before its first statement, waiting up
/// to the connection's `busy_timeout` for another writer to finish. A
/// deferred `BEGIN` would read first and then fail at once with "database
/// is locked" when another connection wrote in between (SQLite does not
/// wait in that case, since waiting could not help the older snapshot).
pub fn atomic<R, F>(conn: &mut AnyConnection, work: F) -> Result<R>
where
    F: FnOnce(&mut AnyConnection) -> Result<R>,
{
    let outer = super::on_commit::depth(conn);
    let result = transaction(conn, work);
    super::on_commit::ended(conn, outer, result.is_ok());
    result
}

/// `work` in a transaction or savepoint (see [`atomic`]).
fn transaction<R, F>(conn: &mut AnyConnection, work: F) -> Result<R>
where
    F: FnOnce(&mut AnyConnection) -> Result<R>,
{
    // Dropped after the commit or rollback: kept counts are stale.
    let _written = super::WriteGuard;
    if !begin_immediate(conn)? {
        return conn.transaction(work);
    }
    // The rest of what `Connection::transaction` does after its `BEGIN`.
    type Manager = <AnyConnection as Connection>::TransactionManager;
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // A failed rollback leaves the connection marked broken, and the
            // pool closes it; the work's own error is the one to report.
            let _ = Manager::rollback_transaction(conn);
            Err(error)
        }
    }
}

/// Starts an SQLite connection's outermost transaction with `BEGIN
/// IMMEDIATE`, through diesel's transaction manager so that nested
/// [`atomic`] calls become savepoints. Returns `false` (and does nothing)
/// on the other backends and inside a transaction.
fn begin_immediate(conn: &mut AnyConnection) -> Result<bool> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    #[allow(irrefutable_let_patterns)]
    let AnyConnection::Sqlite(sqlite) = conn
    else {
        return Ok(false);
    };
    let depth =
        AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth()?;
    if depth.is_some() {
        return Ok(false);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    Ok(true)
}
