//! Throttling of password guesses (the login form and the old-password
//! check of the password-change form), keyed so that nobody can lock
//! another person out:
//!
//! - one username from one client address: after [`PER_PAIR`] failures
//!   within [`WINDOW`], refused (429) until the window passes;
//! - one client address, whatever the usernames: after [`PER_ADDRESS`]
//!   failures, refused;
//! - one username from anywhere: after [`SLOW_AFTER`] failures, every
//!   further attempt waits first, [`FIRST_DELAY`] doubling with each
//!   failure up to [`MAX_DELAY`]. The account is slowed down, never
//!   locked: its owner, from their own address, still gets in.
//!
//! The client address is the one [`ClientInfo`](crate::ClientInfo) reads, through the
//! trusted proxies only, so a forged `X-Forwarded-For` neither escapes the
//! per-address limit nor pins it on someone else.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed for one username from one address within [`WINDOW`].
pub const PER_PAIR: usize = 5;
/// Failures allowed from one address within [`WINDOW`].
pub const PER_ADDRESS: usize = 20;
/// Failures of one username (from any address) before its attempts wait.
pub const SLOW_AFTER: usize = 5;
/// The wait after [`SLOW_AFTER`] failures; it doubles with each one more.
pub const FIRST_DELAY: Duration = Duration::from_millis(250);
/// The longest wait.
pub const MAX_DELAY: Duration = Duration::from_secs(8);
/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept before old ones are swept.
const MAX_KEYS: usize = 10_000;

/// What to do with a password attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password, after waiting this long.
    Try {
        /// How long.
        wait: Duration,
    },
    /// Refuse without checking the password.
    Refuse,
}

/// Recent password failures, by username and client address.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

#[derive(Hash, PartialEq, Eq)]
enum Key {
    Pair(String, Option<IpAddr>),
    Address(IpAddr),
    User(String),
}

impl LoginThrottle {
    /// What to do with an attempt for `username` from `address`.
    pub fn verdict(&self, username: &str, address: Option<IpAddr>) -> Verdict {
        self.verdict_at(username, address, Instant::now())
    }

    /// Records a failed attempt.
    pub fn failed(&self, username: &str, address: Option<IpAddr>) {
        self.failed_at(username, address, Instant::now());
    }

    /// Forgets the username's failures after its password was given right.
    pub fn succeeded(&self, username: &str, address: Option<IpAddr>) {
        if let Ok(mut failures) = self.failures.lock() {
            let user = user_key(username);
            failures.remove(&Key::Pair(user.clone(), address));
            failures.remove(&Key::User(user));
        }
    }

    fn verdict_at(&self, username: &str, address: Option<IpAddr>, now: Instant) -> Verdict {
        let Ok(mut failures) = self.failures.lock() else {
            return Verdict::Try {
                wait: Duration::ZERO,
            };
        };
        let mut recent = |key: Key| {
            failures.get_mut(&key).map_or(0, |times| {
                prune(times, now);
                times.len()
            })
        };
        let user = user_key(username);
        if recent(Key::Pair(user.clone(), address)) >= PER_PAIR
            || address.is_some_and(|a| recent(Key::Address(a)) >= PER_ADDRESS)
        {
            return Verdict::Refuse;
        }
        Verdict::Try {
            wait: delay_after(recent(Key::User(user))),
        }
    }

    fn failed_at(&self, username: &str, address: Option<IpAddr>, now: Instant) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
        let user = user_key(username);
        let keys = [
            Some(Key::Pair(user.clone(), address)),
            Some(Key::User(user)),
            address.map(Key::Address),
        ];
        for key in keys.into_iter().flatten() {
            failures.entry(key).or_default().push_back(now);
        }
    }
}

/// The wait before an attempt on a username that failed `failures` times.
fn delay_after(failures: usize) -> Duration {
    let Some(extra) = failures.checked_sub(SLOW_AFTER) else {
        return Duration::ZERO;
    };
    let factor = 1u32 << extra.min(16);
    FIRST_DELAY.saturating_mul(factor).min(MAX_DELAY)
}

fn prune(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        times.pop_front();
    }
}

fn user_key(username: &str) -> String {
    username.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)));
    const B: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)));
    const NOW: Verdict = Verdict::Try {
        wait: Duration::ZERO,
    };

    #[test]
    fn refuses_a_username_from_one_address_after_five_failures() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..PER_PAIR {
            assert_eq!(throttle.verdict_at("Ann", A, start), NOW);
            throttle.failed_at("ann", A, start);
        }
        assert_eq!(throttle.verdict_at("ANN", A, start), Verdict::Refuse);
        // The owner, elsewhere, is slowed down, not locked out.
        assert_eq!(
            throttle.verdict_at("ann", B, start),
            Verdict::Try { wait: FIRST_DELAY }
        );
        assert_eq!(throttle.verdict_at("bob", A, start), NOW);
        assert_eq!(throttle.verdict_at("ann", A, start + WINDOW), NOW);
    }

    #[test]
    fn a_targeted_account_waits_longer_with_each_failure() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..SLOW_AFTER + 3 {
            let address = Some(IpAddr::from([192, 0, 2, i as u8]));
            throttle.failed_at("boss", address, now);
        }
        assert_eq!(
            throttle.verdict_at("boss", B, now),
            Verdict::Try {
                wait: FIRST_DELAY * 8
            }
        );
        assert_eq!(delay_after(SLOW_AFTER + 40), MAX_DELAY);
        throttle.succeeded("boss", B);
        assert_eq!(throttle.verdict_at("boss", B, now), NOW);
    }

    #[test]
    fn refuses_an_address_trying_many_usernames() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..PER_ADDRESS {
            throttle.failed_at(&format!("user{i}"), A, now);
        }
        assert_eq!(throttle.verdict_at("someone", A, now), Verdict::Refuse);
        assert_eq!(throttle.verdict_at("someone", B, now), NOW);
    }

    #[test]
    fn success_clears_the_username() {
        let throttle = LoginThrottle::default();
        for _ in 0..PER_PAIR {
            throttle.failed("ann", None);
        }
        throttle.succeeded("ann", None);
        assert_eq!(throttle.verdict("ann", None), NOW);
    }
}
