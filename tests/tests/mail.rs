//! Sending mail through a real SMTP server started by the test (Python's
//! `smtpd` debugging server on a free local port), into files, and what
//! every backend refuses: no recipient, a line break in a header, an
//! address that is none; a server that is down is an error, not a panic.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use orm::mail::{Email, EmailBackend, EmailSettings, MailError, Mailer};

/// A port nobody listens on, for now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The SMTP server, and the lines it prints for each message received.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let port = free_port();
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-W",
                "ignore",
                "-m",
                "smtpd",
                "-n",
                "-c",
                "DebuggingServer",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with its smtpd module (Python 3.11)");
        let stdout = child.stdout.take().expect("piped");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the SMTP server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, lines, port }
    }

    /// The next message the server printed, headers and body.
    fn next_message(&self) -> String {
        let mut message = String::new();
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(10))
                .expect("the server printed the message");
            if line.contains("END MESSAGE") {
                return message;
            }
            message.push_str(&line);
            message.push('\n');
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_settings(port: u16) -> EmailSettings {
    EmailSettings {
        host: "127.0.0.1".into(),
        port,
        default_from: "site@example.com".into(),
        ..EmailSettings::default()
    }
}

#[test]
fn messages_reach_a_real_smtp_server() {
    let server = Server::start();
    let mailer = Mailer::from_settings(&smtp_settings(server.port)).unwrap();
    let email = Email::new(
        "Your password",
        "Follow the link: https://example.com/reset/abc",
        ["ada@example.com"],
    )
    .html("<p>Follow <a href=\"https://example.com/reset/abc\">the link</a>.</p>");
    mailer.send(&email).unwrap();
    let received = server.next_message();
    for expected in [
        "From: site@example.com",
        "To: ada@example.com",
        "Subject: Your password",
        "Follow the link: https://example.com/reset/abc",
        "text/html",
    ] {
        assert!(received.contains(expected), "{expected:?} in:\n{received}");
    }
    // From async code, on the blocking threads.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let later = Email::new("Welcome", "Hello.", ["bo@example.com"]).from("team@example.com");
    runtime.block_on(mailer.send_async(later)).unwrap();
    let received = server.next_message();
    assert!(received.contains("From: team@example.com"), "{received}");
    assert!(received.contains("Subject: Welcome"), "{received}");
}

#[test]
fn a_server_that_is_down_is_an_error() {
    let mailer = Mailer::from_settings(&EmailSettings {
        timeout: Duration::from_secs(2),
        ..smtp_settings(free_port())
    })
    .unwrap();
    let error = mailer
        .send(&Email::new("Hi", "Hello.", ["ada@example.com"]))
        .unwrap_err();
    assert!(matches!(error, MailError::Send(_)), "{error}");
}

#[test]
fn bad_messages_are_refused_before_sending() {
    let (mailer, outbox) = Mailer::memory("site@example.com");
    let cases = [
        (
            Email::new("Hi", "Hello.", Vec::<String>::new()),
            "no recipient",
        ),
        (
            Email::new("Hi\r\nBcc: all@example.com", "Hello.", ["ada@example.com"]),
            "line break",
        ),
        (
            Email::new("Hi", "Hello.", ["not an address"]),
            "not an email address",
        ),
        (
            Email::new("Hi", "Hello.", ["ada@example.com\nBcc: x@y.z"]),
            "line break",
        ),
    ];
    for (email, expected) in cases {
        let error = mailer.send(&email).unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
    assert!(outbox.messages().is_empty(), "nothing sent");
    mailer
        .send(&Email::new("Hi", "Hello.", ["ada@example.com"]))
        .unwrap();
    assert_eq!(
        outbox.messages()[0].from.as_deref(),
        Some("site@example.com"),
        "the default sender"
    );
}

#[test]
fn the_file_backend_writes_one_file_per_message() {
    let folder = tempfile::tempdir().unwrap();
    let mailer = Mailer::from_settings(&EmailSettings {
        backend: EmailBackend::File,
        file_path: Some(folder.path().join("mail")),
        ..EmailSettings::default()
    })
    .unwrap();
    for subject in ["One", "Two"] {
        mailer
            .send(&Email::new(subject, "Hello.", ["ada@example.com"]))
            .unwrap();
    }
    let texts: Vec<String> = std::fs::read_dir(folder.path().join("mail"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(
        texts.iter().any(|t| t.contains("Subject: One")),
        "{texts:?}"
    );
}
