//! Row counts kept for a moment, so that a list page under load does not
//! run the same `COUNT(*)` for every request.
//!
//! A count over a large table is the most expensive part of a paginated
//! page (SQLite walks every entry of an index; PostgreSQL and MariaDB read
//! the table or an index). A [`CountCache`] remembers each count for at
//! most its time to live, and forgets every count as soon as this process
//! writes anything through the ORM: every insert, update and delete of a
//! model, and every transaction of [`atomic`](crate::atomic) when it ends.
//! A count is therefore exact for the process's own writes; a write made
//! elsewhere (another process, hand-written SQL) shows within the time to
//! live. `PoolOptions::count_cache_ttl` sets it; zero turns caching off.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::query::QuerySpec;
use crate::schema::ModelSchema;

/// Counts of writes made through the ORM by this process.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Most counts kept; the cache starts empty again when it is full.
const MAX_ENTRIES: usize = 1_024;

/// Notes a write when dropped: held across a write statement or a
/// transaction, so that the note falls after the commit.
#[doc(hidden)]
pub struct WriteGuard;

impl Drop for WriteGuard {
    fn drop(&mut self) {
        WRITES.fetch_add(1, Ordering::AcqRel);
    }
}

struct Entry {
    writes: u64,
    at: Instant,
    count: i64,
}

/// Row counts of queries, each kept until the time to live passes or this
/// process writes through the ORM. Cheap to clone; clones share the counts.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// use std::time::Duration;
/// use orm_core::db::CountCache;
/// let cache = CountCache::new(Duration::from_secs(1));
/// let mut runs = 0;
/// for _ in 0..3 {
///     let n = cache.count("blog.article WHERE is_published", || {
///         runs += 1;
///         Ok(42)
///     })?;
///     assert_eq!(n, 42);
/// }
/// assert_eq!(runs, 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CountCache {
    ttl: Duration,
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

impl std::fmt::Debug for CountCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountCache")
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl CountCache {
    /// A cache keeping each count for at most `ttl` (zero: never kept).
    pub fn new(ttl: Duration) -> CountCache {
        CountCache {
            ttl,
            entries: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The key of the count of `spec`'s rows of `schema`'s model.
    pub fn key(schema: &ModelSchema, spec: &QuerySpec) -> String {
        format!("{}:{:?}", schema.label(), spec.filter)
    }

    /// The count kept under `key`, or `compute`'s, then kept. Call it on a
    /// connection outside a transaction that wrote: such a count may hold
    /// rows no one else sees yet.
    pub fn count(&self, key: &str, compute: impl FnOnce() -> Result<i64>) -> Result<i64> {
        if self.ttl.is_zero() {
            return compute();
        }
        // Read before counting: a write that commits while the count runs
        // makes the kept count stale at once.
        let writes = WRITES.load(Ordering::Acquire);
        if let Ok(entries) = self.entries.lock() {
            if let Some(entry) = entries.get(key) {
                if entry.writes == writes && entry.at.elapsed() < self.ttl {
                    return Ok(entry.count);
                }
            }
        }
        let at = Instant::now();
        let count = compute()?;
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key.to_owned(), Entry { writes, at, count });
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_or_the_time_to_live_ends_a_kept_count() {
        let cache = CountCache::new(Duration::from_secs(60));
        let mut runs = 0;
        let mut count = |cache: &CountCache| {
            cache
                .count("k", || {
                    runs += 1;
                    Ok(runs)
                })
                .unwrap_or_default()
        };
        assert_eq!(count(&cache), 1);
        assert_eq!(count(&cache), 1);
        drop(WriteGuard);
        assert_eq!(count(&cache), 2);

        let off = CountCache::new(Duration::ZERO);
        assert_eq!(count(&off), 3);
        assert_eq!(count(&off), 4);
    }
}
