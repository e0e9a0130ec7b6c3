//! Values read from the database and kept for a moment, so that a list
//! page under load does not run the same `COUNT(*)` for every request.
//!
//! A count over a large table is the most expensive part of a paginated
//! page (SQLite walks every entry of an index; PostgreSQL and MariaDB read
//! the table or an index). A [`KeptValues`] remembers each value for at
//! most its time to live, and forgets every value as soon as this process
//! writes anything through the ORM: every insert, update and delete of a
//! model, and every transaction of [`atomic`](crate::atomic) when it ends.
//! A kept value is therefore exact for the process's own writes; a write
//! made elsewhere (another process, hand-written SQL) shows within the time
//! to live. `PoolOptions::kept_values_ttl` sets it; zero turns keeping off.
//! Each `KeptValues` holds one type of value: the pool keeps row counts
//! ([`Db::counts`](crate::Db::counts)); other summaries a page shows beside
//! its rows and that only a write changes (the admin's filter choices, the
//! first and last dates of its date drill-down, a session record) have a
//! `KeptValues` of their own.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::query::QuerySpec;
use crate::schema::ModelSchema;

/// Counts of writes made through the ORM by this process.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Most queries whose counts are kept; the cache starts empty again when
/// it is full.
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

struct Entry<V> {
    writes: u64,
    at: Instant,
    value: V,
}

/// A moment in this process's writes (see [`KeptValues::mark`]).
#[derive(Clone, Copy, Debug)]
pub struct WriteMark {
    writes: u64,
    at: Instant,
}

impl WriteMark {
    /// Whether this process has written through the ORM since the mark.
    pub fn written_since(&self) -> bool {
        WRITES.load(Ordering::Acquire) != self.writes
    }

    /// The time since the mark was taken.
    pub fn elapsed(&self) -> Duration {
        self.at.elapsed()
    }
}

/// What is kept for one key: its last value, and the lock that lets one
/// thread at a time compute it.
struct Slot<V> {
    entry: Option<Entry<V>>,
    counting: Arc<Mutex<()>>,
}

impl<V> Default for Slot<V> {
    fn default() -> Self {
        Slot {
            entry: None,
            counting: Arc::default(),
        }
    }
}

/// Values of type `V` by key (row counts of queries, the choices of a
/// filter), each kept until the time to live passes or this process writes
/// through the ORM. Cheap to clone; clones share the values.
///
/// One thread computes a key at a time: after a write the others wait for
/// its value rather than run the same `COUNT(*)` side by side; when a value
/// is only older than its time to live, they go on with it while one thread
/// computes it again.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// use std::time::Duration;
/// use orm_core::db::KeptValues;
/// let counts = KeptValues::<i64>::new(Duration::from_secs(1));
/// let mut runs = 0;
/// for _ in 0..3 {
///     let n = counts.get_or_compute("blog.article WHERE is_published", || {
///         runs += 1;
///         Ok(42)
///     })?;
///     assert_eq!(n, 42);
/// }
/// assert_eq!(runs, 1);
/// # Ok(()) }
/// ```
pub struct KeptValues<V> {
    ttl: Duration,
    slots: Arc<Mutex<HashMap<String, Slot<V>>>>,
}

impl<V> Clone for KeptValues<V> {
    fn clone(&self) -> Self {
        KeptValues {
            ttl: self.ttl,
            slots: Arc::clone(&self.slots),
        }
    }
}

impl<V> std::fmt::Debug for KeptValues<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptValues")
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// The key of `spec`'s rows of `schema`'s model: what a count or another
/// summary of the query is kept under.
pub fn query_key(schema: &ModelSchema, spec: &QuerySpec) -> String {
    format!("{}:{:?}", schema.label(), spec.filter)
}

/// A slot's value if it was made after the last write (`writes`), and
/// whether it is also younger than `ttl`.
fn kept<V: Clone>(slot: &Slot<V>, writes: u64, ttl: Duration) -> Option<(V, bool)> {
    let entry = slot.entry.as_ref().filter(|entry| entry.writes == writes)?;
    Some((entry.value.clone(), entry.at.elapsed() < ttl))
}

impl<V: Clone + Send + 'static> KeptValues<V> {
    /// Keeps each value for at most `ttl` (zero: never kept).
    pub fn new(ttl: Duration) -> KeptValues<V> {
        KeptValues {
            ttl,
            slots: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// How long a value is kept at most.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The value kept under `key`, or `compute`'s, then kept. Call it on a
    /// connection outside a transaction that wrote: such a value may hold
    /// rows no one else sees yet. It may wait while another thread computes
    /// the same key after a write: call it where blocking is allowed.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use std::time::Duration;
    /// let choices = orm_core::db::KeptValues::new(Duration::from_secs(1));
    /// let authors = choices.get_or_compute("auth.user", || Ok(vec![(1, "ada".to_owned())]))?;
    /// assert_eq!(authors[0].1, "ada");
    /// # Ok(()) }
    /// ```
    pub fn get_or_compute(&self, key: &str, compute: impl FnOnce() -> Result<V>) -> Result<V> {
        if self.ttl.is_zero() {
            return compute();
        }
        // Read before counting: a write that commits while the count runs
        // makes the kept count stale at once.
        let writes = WRITES.load(Ordering::Acquire);
        let Some((kept_value, counting)) = self.look_up(key, writes) else {
            return compute();
        };
        let stale = match kept_value {
            Some((count, true)) => return Ok(count),
            Some((count, false)) => Some(count),
            None => None,
        };
        let _counting = match counting.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::WouldBlock) => match stale {
                // Someone is counting again; an old count will do.
                Some(count) => return Ok(count),
                None => counting.lock().unwrap_or_else(|e| e.into_inner()),
            },
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
        };
        // The thread we waited for may have just counted.
        let writes = WRITES.load(Ordering::Acquire);
        if let Some((Some((value, true)), _)) = self.look_up(key, writes) {
            return Ok(value);
        }
        let at = Instant::now();
        let value = compute()?;
        if let Ok(mut slots) = self.slots.lock() {
            if let Some(slot) = slots.get_mut(key) {
                slot.entry = Some(Entry {
                    writes,
                    at,
                    value: value.clone(),
                });
            }
        }
        Ok(value)
    }

    /// The value kept under `key` if it is still fresh (younger than the
    /// time to live, made after the last write); never waits
    /// nor computes, so it may be called on an async executor thread
    /// before deciding whether to go to the database at all.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use std::time::Duration;
    /// let counts = orm_core::db::KeptValues::<i64>::new(Duration::from_secs(1));
    /// assert_eq!(counts.fresh("n"), None);
    /// counts.get_or_compute("n", || Ok(3))?;
    /// assert_eq!(counts.fresh("n"), Some(3));
    /// # Ok(()) }
    /// ```
    pub fn fresh(&self, key: &str) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let writes = WRITES.load(Ordering::Acquire);
        let slots = self.slots.lock().ok()?;
        match kept(slots.get(key)?, writes, self.ttl) {
            Some((value, true)) => Some(value),
            _ => None,
        }
    }

    /// Where this process's writes stand now: take it before reading
    /// something to [`keep`](KeptValues::keep) afterwards.
    pub fn mark(&self) -> WriteMark {
        WriteMark {
            writes: WRITES.load(Ordering::Acquire),
            at: Instant::now(),
        }
    }

    /// Keeps `value` under `key`, read after `mark` was taken: it is fresh
    /// for the time to live from the mark, unless this process wrote
    /// through the ORM since the mark (then it is never served). For
    /// values read on an async path, where
    /// [`get_or_compute`](KeptValues::get_or_compute) cannot wait;
    /// [`fresh`](KeptValues::fresh) reads them back.
    ///
    /// ```
    /// use std::time::Duration;
    /// let counts = orm_core::db::KeptValues::new(Duration::from_secs(1));
    /// let mark = counts.mark();
    /// let read = 7_i64; // read from the database after the mark
    /// counts.keep("n", mark, read);
    /// assert_eq!(counts.fresh("n"), Some(7));
    /// ```
    pub fn keep(&self, key: &str, mark: WriteMark, value: V) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(mut slots) = self.slots.lock() else {
            return;
        };
        slot(&mut slots, key).entry = Some(Entry {
            writes: mark.writes,
            at: mark.at,
            value,
        });
    }

    /// The kept value of `key` (and whether it is fresh) and its counting
    /// lock; the slot is made when missing. `None` if the cache's lock
    /// is poisoned.
    #[allow(clippy::type_complexity)]
    fn look_up(&self, key: &str, writes: u64) -> Option<(Option<(V, bool)>, Arc<Mutex<()>>)> {
        let mut slots = self.slots.lock().ok()?;
        let slot = slot(&mut slots, key);
        Some((kept(slot, writes, self.ttl), Arc::clone(&slot.counting)))
    }
}

/// The slot of `key`, made when missing; a full cache starts empty again.
fn slot<'s, V>(slots: &'s mut HashMap<String, Slot<V>>, key: &str) -> &'s mut Slot<V> {
    if !slots.contains_key(key) && slots.len() >= MAX_ENTRIES {
        slots.clear();
    }
    slots.entry(key.to_owned()).or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_or_the_time_to_live_ends_a_kept_count() {
        let cache = KeptValues::new(Duration::from_secs(60));
        let mut runs = 0;
        let mut count = |cache: &KeptValues<i32>| {
            cache
                .get_or_compute("k", || {
                    runs += 1;
                    Ok(runs)
                })
                .unwrap_or_default()
        };
        assert_eq!(count(&cache), 1);
        assert_eq!(count(&cache), 1);
        drop(WriteGuard);
        assert_eq!(count(&cache), 2);

        let off = KeptValues::new(Duration::ZERO);
        assert_eq!(count(&off), 3);
        assert_eq!(count(&off), 4);
    }

    #[test]
    fn one_thread_counts_while_the_others_wait_for_it() {
        let cache = KeptValues::new(Duration::from_secs(60));
        drop(WriteGuard);
        let runs = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    let n = cache.get_or_compute("slow", || {
                        runs.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(50));
                        Ok(7)
                    });
                    assert_eq!(n.ok(), Some(7));
                });
            }
        });
        // Another test's write may end a count; never eight of them.
        assert!(runs.load(Ordering::SeqCst) < 4, "{runs:?}");
    }

    #[test]
    fn an_old_count_is_served_while_it_is_counted_again() {
        let cache = KeptValues::new(Duration::from_millis(20));
        assert_eq!(cache.get_or_compute("k", || Ok(1)).ok(), Some(1));
        std::thread::sleep(Duration::from_millis(30));
        let started = std::sync::Barrier::new(2);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                cache
                    .get_or_compute("k", || {
                        started.wait();
                        std::thread::sleep(Duration::from_millis(300));
                        Ok(2)
                    })
                    .ok()
            });
            started.wait();
            let asked = Instant::now();
            let seen = cache.get_or_compute("k", || Ok(3)).ok();
            // The old count, at once; only a write in another test running
            // meanwhile makes it wait for the new one.
            if seen == Some(1) {
                assert!(asked.elapsed() < Duration::from_millis(200));
            } else {
                assert!(matches!(seen, Some(2) | Some(3)), "{seen:?}");
            }
        });
    }
}
