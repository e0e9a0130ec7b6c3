//! Login throttling: after repeated failures for one username, or from one
//! address, further attempts are refused for a while without checking the
//! password.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed for one username within [`WINDOW`].
const PER_USERNAME: usize = 5;
/// Failures allowed from one address within [`WINDOW`].
const PER_ADDRESS: usize = 20;
/// How long a failure counts.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept before old ones are swept.
const MAX_KEYS: usize = 10_000;

/// Recent login failures, by username and by client address.
#[derive(Default)]
pub(crate) struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// Whether a login for `username` from `address` may be tried now.
    pub(crate) fn allows(&self, username: &str, address: Option<&str>) -> bool {
        self.allows_at(username, address, Instant::now())
    }

    /// Records a failed login.
    pub(crate) fn failed(&self, username: &str, address: Option<&str>) {
        self.failed_at(username, address, Instant::now());
    }

    /// Forgets the username's failures after a successful login.
    pub(crate) fn succeeded(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&user_key(username));
        }
    }

    fn allows_at(&self, username: &str, address: Option<&str>, now: Instant) -> bool {
        let Ok(mut failures) = self.failures.lock() else {
            return true;
        };
        let mut under = |key: String, limit: usize| {
            failures.get_mut(&key).is_none_or(|times| {
                prune(times, now);
                times.len() < limit
            })
        };
        under(user_key(username), PER_USERNAME)
            && address.is_none_or(|a| under(address_key(a), PER_ADDRESS))
    }

    fn failed_at(&self, username: &str, address: Option<&str>, now: Instant) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
        let keys = [Some(user_key(username)), address.map(address_key)];
        for key in keys.into_iter().flatten() {
            failures.entry(key).or_default().push_back(now);
        }
    }
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
    format!("user:{}", username.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_a_username_after_five_failures_for_fifteen_minutes() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..PER_USERNAME {
            assert!(throttle.allows_at("Ann", None, start));
            throttle.failed_at("ann", None, start);
        }
        assert!(!throttle.allows_at("ANN", None, start));
        assert!(throttle.allows_at("bob", None, start));
        assert!(throttle.allows_at("ann", None, start + WINDOW));
    }

    #[test]
    fn locks_an_address_trying_many_usernames() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..PER_ADDRESS {
            throttle.failed_at(&format!("user{i}"), Some("10.0.0.1"), now);
        }
        assert!(!throttle.allows_at("someone", Some("10.0.0.1"), now));
        assert!(throttle.allows_at("someone", Some("10.0.0.2"), now));
    }

    #[test]
    fn success_clears_the_username() {
        let throttle = LoginThrottle::default();
        for _ in 0..PER_USERNAME {
            throttle.failed("ann", None);
        }
        throttle.succeeded("ann");
        assert!(throttle.allows("ann", None));
    }
}
