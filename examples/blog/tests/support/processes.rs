//! The processes under test, each stopped when its guard is dropped (also
//! when the test panics).

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a process may take to come up.
const STARTUP: Duration = Duration::from_secs(30);

/// `blog runserver` on a free port, in a fresh temporary folder (so on its
/// default SQLite file `db.sqlite3` there).
pub(crate) struct Blog {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub(crate) base: String,
    /// The first superuser's password, printed once on stdout.
    pub(crate) password: String,
    dir: tempfile::TempDir,
}

impl Blog {
    /// Starts the server and reads its address and the superuser's
    /// password from its stdout.
    pub(crate) fn start() -> Blog {
        let dir = tempfile::tempdir().expect("a temporary folder for the blog");
        let mut child = blog_command(dir.path())
            .args(["runserver", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the blog binary");
        let stdout = child.stdout.take().expect("the blog's stdout is piped");
        let (lines_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep reading to the end so the server never blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines_tx.send(line);
            }
        });
        let deadline = Instant::now() + STARTUP;
        let (mut password, mut base) = (None, None);
        while base.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = lines.recv_timeout(left) else {
                let status = child.try_wait().ok().flatten();
                let _ = child.kill();
                let _ = child.wait();
                panic!("`blog runserver` printed no address within {STARTUP:?} (exit: {status:?})");
            };
            if let Some(rest) = line.split("with the password: ").nth(1) {
                password = Some(rest.trim().to_owned());
            }
            if let Some(rest) = line.strip_prefix("Serving the blog on ") {
                let url = rest.split_whitespace().next().unwrap_or_default();
                base = Some(url.trim_end_matches('/').to_owned());
            }
        }
        let blog = Blog {
            child,
            base: base.unwrap_or_default(),
            password: password.unwrap_or_default(),
            dir,
        };
        assert!(
            !blog.password.is_empty(),
            "a fresh database gets a superuser whose password is printed before the address"
        );
        blog
    }

    /// `blog seed --users N --articles M` on the server's database.
    pub(crate) fn seed(&self, users: usize, articles: usize) {
        let output = blog_command(self.dir.path())
            .args([
                "seed",
                "--users",
                &users.to_string(),
                "--articles",
                &articles.to_string(),
            ])
            .stdin(Stdio::null())
            .output()
            .expect("run `blog seed`");
        assert!(
            output.status.success(),
            "`blog seed` failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Blog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The blog binary run in `dir` on its default database there.
fn blog_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blog"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    command
}

/// `chromedriver --port=PORT`, in its own process group so that the
/// Chromium it starts goes down with it.
pub(crate) struct Driver {
    child: Child,
    /// `http://127.0.0.1:PORT/`.
    pub(crate) url: String,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it listens.
    pub(crate) fn start(chromedriver: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", chromedriver.display()));
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + STARTUP;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited before listening: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within {STARTUP:?}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browser processes it started
        // (the test closes its session first, so normally only chromedriver
        // is left).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind a free local port")
        .port()
}
