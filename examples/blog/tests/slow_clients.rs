//! Slow clients cannot hold the server: over raw sockets, connections that
//! trickle their headers, bodies sent a byte at a time and idle keep-alive
//! connections are all closed within their timeouts, while normal requests
//! are served meanwhile; and no more than `MAX_CONNECTIONS` are served at
//! once.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::client::Client;
use common::server::{tail, Server};

/// The server's timeouts in this test (seconds).
const HEADER_TIMEOUT: u64 = 2;
const BODY_TIMEOUT: u64 = 3;
/// Leeway for a loaded machine on top of a timeout.
const SLACK: Duration = Duration::from_secs(3);
/// Slow connections opened at once.
const SLOW: usize = 50;

fn start(max_connections: usize) -> Server {
    Server::start_with_env(
        None,
        &[
            ("HEADER_READ_TIMEOUT", &HEADER_TIMEOUT.to_string()),
            ("REQUEST_BODY_TIMEOUT", &BODY_TIMEOUT.to_string()),
            ("MAX_CONNECTIONS", &max_connections.to_string()),
        ],
    )
}

fn connect(server: &Server) -> TcpStream {
    let address = server.base.trim_start_matches("http://");
    let stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    stream
}

/// Whether the server closed `stream` (end of file or reset); anything it
/// sent before is appended to `received`.
fn closed(stream: &mut TcpStream, received: &mut Vec<u8>) -> bool {
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn slow_headers_slow_bodies_and_idle_connections_are_closed() {
    let mut server = start(512);
    let normal = Client::new(&server.base);
    let started = Instant::now();

    // Headers trickling in, a line now and then, never finished.
    let mut trickling: Vec<TcpStream> = (0..SLOW).map(|_| connect(&server)).collect();
    for (i, stream) in trickling.iter_mut().enumerate() {
        write!(stream, "GET /?slow={i} HTTP/1.1\r\nHost: localhost\r\n").unwrap();
    }
    // A body sent a byte at a time.
    let mut dribbling = connect(&server);
    write!(
        dribbling,
        "POST /admin/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\nCookie: csrftoken={}\r\n\r\n",
        "a".repeat(43)
    )
    .unwrap();
    // A keep-alive connection left idle after one request.
    let mut idle = connect(&server);
    write!(
        idle,
        "GET /static/blog.css HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();

    let mut open = [true; SLOW];
    let (mut dribble_reply, mut idle_reply) = (Vec::new(), Vec::new());
    let (mut dribble_closed, mut idle_closed) = (None, None);
    let mut served = 0;
    let deadline = started + Duration::from_secs(BODY_TIMEOUT) + SLACK;
    while Instant::now() < deadline {
        for (stream, open) in trickling.iter_mut().zip(open.iter_mut()) {
            if *open
                && (stream.write_all(b"X-Slow: 1\r\n").is_err() || closed(stream, &mut Vec::new()))
            {
                *open = false;
            }
        }
        if dribble_closed.is_none() {
            let _ = dribbling.write_all(b"a");
            if closed(&mut dribbling, &mut dribble_reply) {
                dribble_closed = Some(started.elapsed());
            }
        }
        if idle_closed.is_none() && closed(&mut idle, &mut idle_reply) {
            idle_closed = Some(started.elapsed());
        }
        // Normal requests are served all along.
        let reply = normal.get("/").unwrap();
        assert_eq!(reply.status, 200);
        assert!(
            reply.elapsed < Duration::from_secs(2),
            "{:?}",
            reply.elapsed
        );
        served += 1;
        std::thread::sleep(Duration::from_millis(300));
    }
    let still_open = open.iter().filter(|o| **o).count();
    println!(
        "after {:?}: {still_open} of {SLOW} trickling connections open, body closed at {dribble_closed:?}, \
         idle closed at {idle_closed:?}, {served} normal requests served",
        started.elapsed()
    );
    assert_eq!(
        still_open, 0,
        "connections sending headers forever were closed"
    );
    let dribble_reply = String::from_utf8_lossy(&dribble_reply);
    assert!(
        dribble_reply.starts_with("HTTP/1.1 408"),
        "a body sent a byte at a time gets 408: {dribble_reply}"
    );
    let closed_at = dribble_closed.expect("the dribbling connection was closed");
    assert!(
        closed_at >= Duration::from_secs(BODY_TIMEOUT),
        "{closed_at:?}"
    );
    let idle_reply = String::from_utf8_lossy(&idle_reply);
    assert!(idle_reply.starts_with("HTTP/1.1 200"), "{idle_reply}");
    let idle_at = idle_closed.expect("the idle keep-alive connection was closed");
    assert!(
        idle_at >= Duration::from_secs(HEADER_TIMEOUT),
        "{idle_at:?}"
    );
    server.assert_healthy();
}

#[test]
fn connections_beyond_the_cap_wait_for_a_free_one() {
    let mut server = start(4);
    let mut held: Vec<TcpStream> = (0..4).map(|_| connect(&server)).collect();
    for stream in &mut held {
        write!(stream, "GET / HTTP/1.1\r\nHost: localhost\r\n").unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    // A fifth connection is queued, not served, while four are held...
    let mut fifth = connect(&server);
    write!(
        fifth,
        "GET /static/blog.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !closed(&mut fifth, &mut reply) && reply.is_empty(),
        "served beyond the cap"
    );
    // ...and served once one of them is gone.
    drop(held.pop());
    let waited = Instant::now();
    while waited.elapsed() < SLACK && !closed(&mut fifth, &mut reply) {}
    let reply = String::from_utf8_lossy(&reply);
    assert!(
        reply.starts_with("HTTP/1.1 200"),
        "{reply}\n{}",
        tail(&server.stderr(), 10)
    );
    server.assert_healthy();
}
