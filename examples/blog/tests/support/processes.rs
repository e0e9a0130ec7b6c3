//! chromedriver, stopped when its guard is dropped (also when the test
//! panics). The blog itself runs through `common::server`.

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a process may take to come up.
const STARTUP: Duration = Duration::from_secs(30);

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
        let port = crate::common::free_port();
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
