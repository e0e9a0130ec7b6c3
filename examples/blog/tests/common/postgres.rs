//! A PostgreSQL cluster of the test's own, so that it can be stopped and
//! started without touching the shared server: `initdb` in a temporary
//! folder, listening on a free port on 127.0.0.1 only (and a Unix socket in
//! that folder), trusted local logins, no fsync. The guard stops it and
//! removes the folder.
//!
//! PostgreSQL refuses to run as root; when the tests do (CI), every
//! command runs as the `postgres` OS user through `runuser`, and the folder
//! is handed to that user.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A private cluster; stopped and deleted when dropped.
pub(crate) struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    /// The TCP port it listens on.
    pub(crate) port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// The folder holding `initdb` and `pg_ctl`: `pg_config --bindir`, else
    /// the newest `/usr/lib/postgresql/<version>/bin` (Debian keeps them off
    /// `PATH`).
    pub(crate) fn find_binaries() -> Option<PathBuf> {
        let from_pg_config = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        let mut candidates: Vec<PathBuf> = from_pg_config.into_iter().collect();
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse().ok()?;
                Some((version, entry.path().join("bin")))
            })
            .collect();
        versions.sort();
        candidates.extend(versions.into_iter().rev().map(|(_, bin)| bin));
        candidates
            .into_iter()
            .find(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
    }

    /// `initdb` a new cluster on a free port and start it.
    pub(crate) fn start_new(bin: &Path) -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("orm-outage-pg-")
            .tempdir()
            .expect("a temporary folder for the cluster");
        let as_postgres = is_root();
        if as_postgres {
            run_checked(Command::new("chown").args(["postgres:", path(dir.path())]));
        }
        let cluster = Cluster {
            bin: bin.to_owned(),
            dir,
            port: super::free_port(),
            as_postgres,
        };
        let data = cluster.data_dir();
        run_checked(cluster.command("initdb").args([
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--no-sync",
            "-D",
            path(&data),
        ]));
        cluster.start();
        cluster
    }

    /// `pg_ctl start`, waiting until it accepts connections.
    pub(crate) fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        run_checked(self.command("pg_ctl").args([
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            path(&self.data_dir()),
            "-l",
            path(&log),
            "-o",
            &options,
        ]));
    }

    /// `pg_ctl stop -m fast`: open sessions are ended, the server exits.
    pub(crate) fn stop(&self) {
        run_checked(self.command("pg_ctl").args([
            "stop",
            "-w",
            "-t",
            "60",
            "-m",
            "fast",
            "-D",
            path(&self.data_dir()),
        ]));
    }

    /// Creates the database `name`.
    pub(crate) fn create_database(&self, name: &str) {
        run_checked(self.command("createdb").args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            name,
        ]));
    }

    /// The URL of database `name` on this cluster.
    pub(crate) fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `program` from the PostgreSQL binaries, as the `postgres` user when
    /// the test runs as root.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        // The server must not inherit the test's pipes, or capturing the
        // output of `pg_ctl start` would wait for the server to exit.
        command.stdin(Stdio::null()).current_dir(self.dir.path());
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-w", "-m", "immediate", "-D", path(&data)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.dir.path().join("server.log"));
            eprintln!(
                "--- the private PostgreSQL log (last lines) ---\n{}",
                super::server::tail(&log.unwrap_or_default(), 20)
            );
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn path(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Runs `command` (its output to a file, not to pipes that the server it
/// starts could keep open) and panics with that output when it fails.
fn run_checked(command: &mut Command) {
    let log = tempfile::NamedTempFile::new().expect("a file for the command's output");
    let out = log.reopen().expect("reopen the output file");
    let err = log.reopen().expect("reopen the output file");
    let status = command
        .stdout(out)
        .stderr(err)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let text = std::fs::read_to_string(log.path()).unwrap_or_default();
    assert!(status.success(), "{command:?} failed ({status}):\n{text}");
}
