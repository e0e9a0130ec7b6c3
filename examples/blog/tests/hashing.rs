//! Password hashing runs beside the server's requests, not in their way:
//! a cheap page answers about as fast while [`HASHERS`] staff users set
//! passwords (an Argon2 hash each) as it does alone, measured in one run.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::client::{input_value, Client};
use common::server::{tail, Server};

/// Clients setting passwords at once.
const HASHERS: usize = 8;
/// Requests of the cheap page per measurement.
const SAMPLES: usize = 40;

/// The median time of [`SAMPLES`] sequential GETs of `path`.
fn median_latency(client: &Client, path: &str) -> Duration {
    let mut times: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let reply = client.get(path).unwrap();
            assert_eq!(reply.status, 200, "GET {path}");
            reply.elapsed
        })
        .collect();
    times.sort_unstable();
    times[SAMPLES / 2]
}

#[test]
fn a_cheap_page_stays_fast_while_passwords_are_hashed() {
    let mut server = Server::start(None);
    server.seed(2, 10);
    let admin = Client::new(&server.base);
    admin.log_in(&server.password);
    let reader = Client::new(&server.base);
    let cheap = "/static/blog.css";
    // Warm the connection and the route.
    median_latency(&reader, cheap);
    let alone = median_latency(&reader, cheap);

    // Staff set user 2's password over and over, each one an Argon2 hash.
    let form_page = "/admin/auth/user/2/password/";
    let stop = Arc::new(AtomicBool::new(false));
    let hashers: Vec<_> = (0..HASHERS)
        .map(|_| {
            let (client, stop) = (admin.fork(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut saved = 0usize;
                let mut failures = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let page = client.get(form_page).unwrap();
                    let token = input_value(&page.body, "csrfmiddlewaretoken");
                    let password = "a sturdy passphrase 4 tests";
                    let reply = client
                        .post(
                            form_page,
                            &[
                                ("csrfmiddlewaretoken", &token),
                                ("password1", password),
                                ("password2", password),
                            ],
                        )
                        .unwrap();
                    match reply.status {
                        303 => saved += 1,
                        status => failures.push(format!("{status}: {}", tail(&reply.body, 5))),
                    }
                }
                (saved, failures)
            })
        })
        .collect();
    // Let the hashing get going, then measure beside it.
    std::thread::sleep(Duration::from_millis(500));
    let beside_hashing = median_latency(&reader, cheap);
    stop.store(true, Ordering::Relaxed);
    let mut saved = 0;
    for hasher in hashers {
        let (n, failures) = hasher.join().unwrap();
        assert!(failures.is_empty(), "{failures:?}");
        saved += n;
    }
    println!(
        "{cheap}: median {alone:?} alone, {beside_hashing:?} while {HASHERS} clients set \
         passwords ({saved} hashes)"
    );
    assert!(saved >= HASHERS, "the passwords were set: {saved}");
    // On the executor, each hash holds a worker thread for its whole run
    // and the page waits behind them (hundreds of milliseconds); on the
    // blocking threads the page only shares the cores.
    assert!(
        beside_hashing < alone * 5 + Duration::from_millis(15),
        "{cheap} took {beside_hashing:?} while hashing against {alone:?} alone"
    );
    server.assert_healthy();
}
