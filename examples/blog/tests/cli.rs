//! The blog's commands given bad input: each ends with a short error on
//! stderr and a non-zero exit, never a panic or a backtrace, and leaves the
//! database as it was (read back after every command).

#![allow(clippy::unwrap_used)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::path::Path;
use std::process::{Command, Output};

/// An environment variable given to one command.
type Env<'a> = (&'a str, &'a str);

/// Runs the blog binary in `dir` (its `db.sqlite3` is the database).
fn blog<A: AsRef<OsStr>>(dir: &Path, args: &[A], env: &[Env]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blog"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "off")
        .env("RUST_BACKTRACE", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// The users and migrations recorded, to compare before and after.
fn state(dir: &Path) -> (String, String) {
    let users = blog(dir, &["showmigrations"], &[]);
    let db = std::fs::read(dir.join("db.sqlite3")).unwrap_or_default();
    (
        String::from_utf8_lossy(&users.stdout).into_owned(),
        format!("{} bytes", db.len()),
    )
}

#[test]
fn dumpdata_output_loads_into_a_new_database_unchanged() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let ok = |out: Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(blog(first.path(), &["migrate"], &[]));
    ok(blog(
        first.path(),
        &["seed", "--users", "3", "--articles", "12"],
        &[],
    ));
    let fixture = first.path().join("dump.json");
    let fixture = fixture.to_str().unwrap();
    ok(blog(
        first.path(),
        &[
            "dumpdata", "auth", "blog", "--indent", "2", "--output", fixture,
        ],
        &[],
    ));
    let text = std::fs::read_to_string(fixture).unwrap();
    assert!(text.contains("\"model\": \"blog.article\""), "{text}");

    ok(blog(second.path(), &["migrate"], &[]));
    let said = ok(blog(second.path(), &["loaddata", fixture], &[]));
    assert!(said.starts_with("Installed "), "{said}");
    let again = ok(blog(
        second.path(),
        &["dumpdata", "auth", "blog", "--indent", "2"],
        &[],
    ));
    assert_eq!(again, text, "the new database dumps the same text");
}

/// `createsuperuser --username NAME --email EMAIL --noinput`.
fn createsuperuser<'a>(username: &'a str, email: &'a str) -> Vec<&'a str> {
    vec![
        "createsuperuser",
        "--username",
        username,
        "--email",
        email,
        "--noinput",
    ]
}

#[test]
fn bad_commands_fail_with_one_clear_line_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let ready = blog(path, &["migrate"], &[]);
    assert!(
        ready.status.success(),
        "{}",
        String::from_utf8_lossy(&ready.stderr)
    );
    let made = blog(
        path,
        &createsuperuser("admin", "a@example.com"),
        &[("ORM_SUPERUSER_PASSWORD", "a sound password 123")],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let before = state(path);

    let password = ("ORM_SUPERUSER_PASSWORD", "a sound password 123");
    let long_name = "x".repeat(10_000);
    let cases: Vec<(Vec<&str>, Vec<Env>)> = vec![
        (vec!["migrate", "nosuchapp"], vec![]),
        (vec!["migrate", "blog", "0009_missing"], vec![]),
        (vec!["sqlmigrate", "blog", "0042_nothing"], vec![]),
        (vec!["sqlmigrate", "nosuchapp", "0001_initial"], vec![]),
        (vec!["makemigrations", "nosuchapp", "--dry-run"], vec![]),
        (vec!["changepassword", "nobody"], vec![]),
        (createsuperuser("admin", "b@example.com"), vec![password]),
        (createsuperuser("new", "not-an-email"), vec![password]),
        (
            createsuperuser("new", "n@example.com"),
            vec![("ORM_SUPERUSER_PASSWORD", "123")],
        ),
        (createsuperuser("", "n@example.com"), vec![password]),
        (
            createsuperuser("bad name!", "n@example.com"),
            vec![password],
        ),
        (createsuperuser(&long_name, "n@example.com"), vec![password]),
        (createsuperuser("new", "n@example.com"), vec![]),
        (vec!["seed", "--users", "abc", "--articles", "1"], vec![]),
        (vec!["seed", "--users", "-1", "--articles", "1"], vec![]),
        (vec!["runserver", "not-an-address"], vec![]),
        (vec!["nosuchcommand"], vec![]),
        (vec![], vec![("DATABASE_URL", "oracle://somewhere/db")]),
        (
            vec!["migrate"],
            vec![("DATABASE_URL", "sqlite:///no/such/folder/db.sqlite3")],
        ),
        (vec!["runserver"], vec![("SECRET_KEY", "short")]),
        (vec!["dumpdata", "nosuchapp"], vec![]),
        (vec!["loaddata", "no-such-fixture.json"], vec![]),
        (vec!["loaddata", "bad-fixture.json"], vec![]),
        (vec!["loaddata"], vec![]),
    ];
    std::fs::write(
        path.join("bad-fixture.json"),
        r#"[{"model": "auth.user", "pk": 7, "fields": {"username": "x", "groups": [999]}}]"#,
    )
    .unwrap();
    for (args, env) in &cases {
        let out = blog(path, args, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let what = format!("blog {args:?} {env:?}");
        assert!(!out.status.success(), "{what}: succeeded\n{stderr}");
        assert!(!stderr.contains("panicked"), "{what}: panicked\n{stderr}");
        assert!(!stderr.contains("stack backtrace"), "{what}\n{stderr}");
        assert!(
            stderr.to_lowercase().contains("error"),
            "{what}: no error message\n{stderr}"
        );
        let lines = stderr.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(lines <= 12, "{what}: {lines} lines\n{stderr}");
        assert_eq!(state(path), before, "{what}: the database changed");
    }
    // An argument that is not UTF-8 (a NUL byte cannot be passed at all).
    let not_utf8 = OsStr::from_bytes(b"bad\xffname");
    let args = [
        "createsuperuser",
        "--email",
        "n@example.com",
        "--noinput",
        "--username",
    ]
    .map(OsStr::new);
    let out = blog(path, &[&args[..], &[not_utf8]].concat(), &[password]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "not UTF-8: succeeded\n{stderr}");
    assert!(
        !stderr.contains("panicked"),
        "not UTF-8: panicked\n{stderr}"
    );
    assert!(
        stderr.to_lowercase().contains("utf-8"),
        "not UTF-8: {stderr}"
    );
    assert_eq!(state(path), before, "not UTF-8: the database changed");
    println!(
        "{} bad commands refused, database unchanged",
        cases.len() + 1
    );
}
