//! `blog runserver` on a free port, killed when its guard is dropped (also
//! when the test panics), with its stderr kept for the checks.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the server may take to migrate and listen.
const STARTUP: Duration = Duration::from_secs(60);

/// The running blog.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub(crate) base: String,
    /// The first superuser's password, printed once on stdout.
    pub(crate) password: String,
    /// The `DATABASE_URL` it runs on.
    pub(crate) database_url: String,
    stderr: Arc<Mutex<String>>,
    dir: tempfile::TempDir,
}

impl Server {
    /// Starts the server in a fresh temporary folder, on `database_url` or,
    /// for `None`, on the SQLite file [`Server::sqlite_file`] in that folder.
    pub(crate) fn start(database_url: Option<&str>) -> Server {
        Server::start_with_env(database_url, &[])
    }

    /// [`Server::start`], with these environment variables set too.
    pub(crate) fn start_with_env(database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("a temporary folder for the blog");
        let database_url = database_url.map_or_else(
            || format!("sqlite://{}", dir.path().join("blog.sqlite3").display()),
            str::to_owned,
        );
        let mut child = blog_command(dir.path(), &database_url)
            .args(["runserver", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the blog binary");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("the blog's stderr is piped");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            // Read to the end so the server never blocks on a full pipe.
            let mut chunk = [0u8; 8192];
            while let Ok(n @ 1..) = err_pipe.read(&mut chunk) {
                if let Ok(mut text) = sink.lock() {
                    text.push_str(&String::from_utf8_lossy(&chunk[..n]));
                }
            }
        });
        let stdout = child.stdout.take().expect("the blog's stdout is piped");
        let (lines_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines_tx.send(line);
            }
        });
        let mut server = Server {
            child,
            base: String::new(),
            password: String::new(),
            database_url,
            stderr,
            dir,
        };
        let deadline = Instant::now() + STARTUP;
        while server.base.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = lines.recv_timeout(left) else {
                panic!(
                    "`blog runserver` printed no address within {STARTUP:?} (exit: {:?}); stderr:\n{}",
                    server.child.try_wait().ok().flatten(),
                    server.stderr()
                );
            };
            if let Some(rest) = line.split("with the password: ").nth(1) {
                server.password = rest.trim().to_owned();
            }
            if let Some(rest) = line.strip_prefix("Serving blog on ") {
                let url = rest.split_whitespace().next().unwrap_or_default();
                server.base = url.trim_end_matches('/').to_owned();
            }
        }
        assert!(
            !server.password.is_empty(),
            "a fresh database gets a superuser whose password is printed"
        );
        server
    }

    /// The SQLite file of a server started on the default database.
    pub(crate) fn sqlite_file(&self) -> PathBuf {
        self.dir.path().join("blog.sqlite3")
    }

    /// `blog seed --users N --articles M` on the server's database.
    pub(crate) fn seed(&self, users: usize, articles: usize) {
        let output = blog_command(self.dir.path(), &self.database_url)
            .args(["seed", "--users", &users.to_string()])
            .args(["--articles", &articles.to_string()])
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

    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub(crate) fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything the server wrote to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Panics when the process has exited or its stderr shows a panic.
    pub(crate) fn assert_healthy(&mut self) {
        assert!(
            self.is_alive(),
            "the server exited: {:?}; stderr:\n{}",
            self.child.try_wait(),
            tail(&self.stderr(), 40)
        );
        let stderr = self.stderr();
        assert!(
            !stderr.contains("panicked"),
            "the server panicked; stderr:\n{}",
            tail(&stderr, 40)
        );
    }

    /// The server's own resident memory (`RssAnon` in /proc: heap and
    /// stacks, without the pages of files it maps, such as SQLite's
    /// memory-mapped database, which belong to the page cache), in KiB.
    pub(crate) fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("read /proc/<pid>/status of the server");
        status
            .lines()
            .find_map(|line| line.strip_prefix("RssAnon:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .expect("an RssAnon line in /proc/<pid>/status")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "--- the server's stderr (last lines) ---\n{}",
                tail(&self.stderr(), 30)
            );
        }
    }
}

/// The blog binary run in `dir` on `database_url`, logging warnings.
fn blog_command(dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blog"));
    command
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("SECRET_KEY");
    command
}

/// The last `n` lines of `text`.
pub(crate) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
