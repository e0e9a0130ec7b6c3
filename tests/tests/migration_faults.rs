//! `migrate` when things go wrong, on every configured backend: a migration
//! failing half-way, two runs at once, a run killed mid-migration.
//!
//! The migrations are built in memory (app `faults`, model `Note` in
//! `0001_initial`), so each test states exactly the operations it runs.

use std::io::{Cursor, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Barrier};
use std::time::{Duration, Instant};

use orm_core::__private::diesel;
use orm_core::__private::diesel::connection::SimpleConnection;
use orm_core::__private::diesel::sql_types::{Nullable, Text};
use orm_core::__private::diesel::RunQueryDsl;
use orm_core::db::{BackendKind, PoolOptions};
use orm_core::{AnyConnection, Db};
use orm_migrations::{MigrationCommand, MigrationSource, Project};
use tests::backends::{configured, fresh};

// ------------------------------------------------------------ migrations

const APP: &str = "faults";

/// `0001_initial`: the model `Note` (`faults_note`: id, title).
fn initial() -> String {
    format!(
        "initial = true\n{}{}",
        create_model("Note", "faults_note"),
        r#"
[[operations.model.fields]]
name = "title"
column = "title"
kind = "Char"
max_length = 100
"#
    )
}

/// A `CreateModel` of a model with only an id.
fn create_model(name: &str, table: &str) -> String {
    format!(
        r#"
[[operations]]
type = "CreateModel"

[operations.model]
name = "{name}"
app_label = "{APP}"
table = "{table}"
verbose_name = "{name}"
verbose_name_plural = "{name}s"

[[operations.model.fields]]
name = "id"
column = "id"
kind = "BigInt"
primary_key = true
auto_increment = true
"#
    )
}

/// An `AddField` of a nullable text column `name` to `Note`.
fn add_field(name: &str) -> String {
    format!(
        r#"
[[operations]]
type = "AddField"
model = "Note"

[operations.field]
name = "{name}"
column = "{name}"
kind = "Text"
nullable = true
"#
    )
}

fn run_sql(sql: &str) -> String {
    format!("\n[[operations]]\ntype = \"RunSql\"\nsql = '''{sql}'''\n")
}

/// A migration of `faults` after `previous`, made of `operations`.
fn migration(previous: &str, operations: &[String]) -> String {
    format!(
        "dependencies = [[\"{APP}\", \"{previous}\"]]\n{}",
        operations.concat()
    )
}

/// The app `faults` with these migrations, as `(name, text)`.
fn project(files: Vec<(&str, String)>) -> Project {
    let files: Vec<(&'static str, &'static str)> = files
        .into_iter()
        .map(|(name, text)| {
            let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
            (name, &*Box::leak(text.into_boxed_str()))
        })
        .collect();
    Project::new().with(MigrationSource::embedded(
        APP,
        Box::leak(files.into_boxed_slice()),
    ))
}

/// A statement that runs for about `seconds` seconds.
fn slow_sql(kind: BackendKind, seconds: f64) -> String {
    match kind {
        BackendKind::Postgres => format!("SELECT pg_sleep({seconds})"),
        BackendKind::Mysql => format!("SELECT SLEEP({seconds})"),
        // No sleep function: count through a recursive CTE (about 4 million
        // rows a second in a debug build).
        BackendKind::Sqlite => format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) \
             SELECT count(*) FROM c",
            (seconds * 4_000_000.0) as u64
        ),
    }
}

// ------------------------------------------------------------ running

fn migrate_command() -> MigrationCommand {
    MigrationCommand::Migrate {
        app: None,
        target: None,
        plan: false,
        fake: false,
        fake_initial: false,
    }
}

/// `migrate`: its output, or its error and output.
fn migrate(project: &Project, db: &Db) -> Result<String, (String, String)> {
    let mut out = Vec::new();
    let result = project.execute(
        &migrate_command(),
        Some(db),
        &mut Cursor::new(Vec::new()),
        &mut out,
    );
    let out = String::from_utf8_lossy(&out).into_owned();
    match result {
        Ok(_) => Ok(out),
        Err(err) => Err((err.to_string(), out)),
    }
}

fn migrate_ok(project: &Project, db: &Db, kind: BackendKind) -> String {
    migrate(project, db).unwrap_or_else(|(err, out)| panic!("{kind}: migrate failed: {err}\n{out}"))
}

// ------------------------------------------------------------ inspecting

/// `SELECT <expr>`, one text per row.
fn texts(conn: &mut AnyConnection, query: &str) -> Vec<String> {
    diesel::select(diesel::dsl::sql::<Nullable<Text>>(query))
        .load::<Option<String>>(conn)
        .unwrap_or_else(|e| panic!("SELECT {query}: {e}"))
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

/// The tables of the database, sorted, without the migration bookkeeping.
fn tables(conn: &mut AnyConnection) -> Vec<String> {
    let query = match conn.backend() {
        BackendKind::Sqlite => {
            "name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        }
        BackendKind::Postgres => {
            "CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() ORDER BY 1"
        }
        BackendKind::Mysql => {
            "CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() ORDER BY 1"
        }
    };
    texts(conn, query)
        .into_iter()
        .filter(|t| !t.starts_with("orm_migration"))
        .collect()
}

/// The columns of `table`, in order.
fn columns(conn: &mut AnyConnection, table: &str) -> Vec<String> {
    let query = match conn.backend() {
        BackendKind::Sqlite => format!("name FROM pragma_table_info('{table}') ORDER BY cid"),
        BackendKind::Postgres => format!(
            "CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' \
             ORDER BY ordinal_position"
        ),
        BackendKind::Mysql => format!(
            "CAST(column_name AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = '{table}' \
             ORDER BY ordinal_position"
        ),
    };
    texts(conn, &query)
}

/// The migrations of `faults` in the table of applied migrations, one entry
/// per row (a migration recorded twice shows twice).
fn recorded(conn: &mut AnyConnection) -> Vec<String> {
    texts(
        conn,
        &format!("name FROM orm_migrations WHERE app = '{APP}' ORDER BY name"),
    )
}

fn titles(conn: &mut AnyConnection) -> Vec<String> {
    texts(conn, "title FROM faults_note ORDER BY id")
}

/// Everything a failed migration must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    tables: Vec<String>,
    note_columns: Vec<String>,
    titles: Vec<String>,
    recorded: Vec<String>,
}

fn snapshot(db: &Db) -> Snapshot {
    let mut conn = db.conn().unwrap();
    Snapshot {
        tables: tables(&mut conn),
        note_columns: columns(&mut conn, "faults_note"),
        titles: titles(&mut conn),
        recorded: recorded(&mut conn),
    }
}

/// Applies `0001_initial` and adds two notes.
fn set_up_notes(db: &Db, kind: BackendKind) {
    migrate_ok(&project(vec![("0001_initial", initial())]), db, kind);
    db.conn()
        .unwrap()
        .batch_execute("INSERT INTO faults_note (title) VALUES ('first'), ('second')")
        .unwrap_or_else(|e| panic!("{kind}: insert notes: {e}"));
}

const MISSING_TABLE_SQL: &str = "INSERT INTO no_such_table VALUES (1)";

/// `0002_broken`: a table, a column and a data change, then a statement
/// that fails.
fn broken_project(last: &str) -> Project {
    project(vec![
        ("0001_initial", initial()),
        (
            "0002_broken",
            migration(
                "0001_initial",
                &[
                    create_model("Tag", "faults_tag"),
                    add_field("body"),
                    run_sql("UPDATE faults_note SET title = 'changed'"),
                    run_sql(last),
                ],
            ),
        ),
    ])
}

// ------------------------------------------------------------ 1. failing half-way

/// PostgreSQL and SQLite: a migration that fails at its last operation
/// leaves tables, columns, rows and the recorder as they were, and the error
/// names the migration, the operation and its SQL.
#[test]
fn a_migration_failing_half_way_changes_nothing() {
    for (kind, url) in configured() {
        if kind == BackendKind::Mysql {
            continue; // Not transactional: see the MariaDB test below.
        }
        let test_db = fresh(kind, url.as_deref(), &[]);
        let db = &test_db.db;
        set_up_notes(db, kind);
        let before = snapshot(db);
        assert_eq!(before.recorded, ["0001_initial"], "{kind}");

        let (err, out) = migrate(&broken_project(MISSING_TABLE_SQL), db)
            .expect_err("the broken migration fails");
        assert!(
            out.contains("Applying faults.0002_broken... FAILED"),
            "{kind}: {out}"
        );
        for part in [
            "migration faults.0002_broken",
            "operation 4 of 4 (Raw SQL operation)",
            "no_such_table",
            &format!("SQL: {MISSING_TABLE_SQL}"),
            "rolled back",
        ] {
            assert!(
                err.contains(part),
                "{kind}: the error names `{part}`: {err}"
            );
        }
        assert_eq!(snapshot(db), before, "{kind}: nothing changed");

        // A schema operation failing after a data change: the error names it
        // and its SQL.
        let clash = project(vec![
            ("0001_initial", initial()),
            (
                "0002_clash",
                migration(
                    "0001_initial",
                    &[
                        add_field("body"),
                        run_sql("UPDATE faults_note SET title = 'changed'"),
                        run_sql("CREATE TABLE faults_tag (id INTEGER)"),
                        create_model("Tag", "faults_tag"),
                    ],
                ),
            ),
        ]);
        let (err, _) = migrate(&clash, db).expect_err("the table exists already");
        for part in [
            "migration faults.0002_clash",
            "operation 4 of 4 (Create model Tag)",
            "SQL: CREATE TABLE",
            "faults_tag",
        ] {
            assert!(
                err.contains(part),
                "{kind}: the error names `{part}`: {err}"
            );
        }
        assert_eq!(snapshot(db), before, "{kind}: nothing changed");

        // Fixed, it applies.
        let out = migrate_ok(&broken_project("SELECT 1"), db, kind);
        assert!(
            out.contains("Applying faults.0002_broken... OK"),
            "{kind}: {out}"
        );
        let after = snapshot(db);
        assert_eq!(after.recorded, ["0001_initial", "0002_broken"], "{kind}");
        assert_eq!(after.titles, ["changed", "changed"], "{kind}");
    }
}

// ------------------------------------------------------------ 2. MariaDB

/// MySQL/MariaDB cannot roll DDL back: the error lists the operations that
/// were applied before the failing one, and the failing statement. Once the
/// migration is fixed, the next run resumes after what was applied.
#[test]
fn a_migration_failing_half_way_on_mysql_says_what_was_applied() {
    for (kind, url) in configured() {
        if kind != BackendKind::Mysql {
            continue;
        }
        let test_db = fresh(kind, url.as_deref(), &[]);
        let db = &test_db.db;
        set_up_notes(db, kind);

        let (err, out) = migrate(&broken_project(MISSING_TABLE_SQL), db)
            .expect_err("the broken migration fails");
        assert!(
            out.contains("Applying faults.0002_broken... FAILED"),
            "{out}"
        );
        for part in [
            "migration faults.0002_broken",
            "operation 4 of 4 (Raw SQL operation)",
            "no_such_table",
            &format!("SQL: {MISSING_TABLE_SQL}"),
            "cannot roll back schema changes",
            "Applied before the failure: 1. Create model Tag; 2. Add field body to note; \
             3. Raw SQL operation.",
            "Not applied: 4. Raw SQL operation (failed).",
            "run migrate again",
        ] {
            assert!(err.contains(part), "the error says `{part}`: {err}");
        }
        // The database is in the state the message describes.
        let state = snapshot(db);
        assert_eq!(state.tables, ["faults_note", "faults_tag"]);
        assert_eq!(state.note_columns, ["id", "title", "body"]);
        assert_eq!(state.titles, ["changed", "changed"]);
        assert_eq!(state.recorded, ["0001_initial"], "not recorded");

        // Run again unfixed: the applied statements are not run twice.
        let (again, _) = migrate(&broken_project(MISSING_TABLE_SQL), db).expect_err("still broken");
        assert!(
            again.contains("operation 4 of 4") && !again.contains("already exists"),
            "{again}"
        );

        // Fixed: it resumes at the failed operation.
        let out = migrate_ok(&broken_project("SELECT 1"), db, kind);
        assert!(out.contains("Applying faults.0002_broken... OK"), "{out}");
        assert!(
            out.contains("resumed after 3 statements an interrupted run applied"),
            "{out}"
        );
        let state = snapshot(db);
        assert_eq!(state.recorded, ["0001_initial", "0002_broken"]);
        assert_eq!(state.note_columns, ["id", "title", "body"]);
    }
}

// ------------------------------------------------------------ 3. concurrent runs

/// Three migrations, the middle one slow enough that the runs overlap.
fn three_migrations(kind: BackendKind) -> Project {
    project(vec![
        ("0001_initial", initial()),
        (
            "0002_tag",
            migration(
                "0001_initial",
                &[
                    create_model("Tag", "faults_tag"),
                    run_sql(&slow_sql(kind, 0.5)),
                ],
            ),
        ),
        ("0003_body", migration("0002_tag", &[add_field("body")])),
    ])
}

/// A pool of one connection to `url`. On SQLite its busy timeout is cut to
/// 100 ms, well under the time the other run holds the database, so a run
/// that gave up when busy would fail.
fn open_impatient(url: &str) -> Db {
    let db = Db::open_with(
        url,
        PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        },
    )
    .unwrap();
    if db.backend() == BackendKind::Sqlite {
        db.conn()
            .unwrap()
            .batch_execute("PRAGMA busy_timeout = 100")
            .unwrap();
    }
    db
}

/// Two `migrate` runs started together, each with its own pool: both end
/// well, each migration is applied (and recorded) once. On SQLite the one
/// that waits outlasts its busy timeout.
#[test]
fn concurrent_migrate_runs_apply_each_migration_once() {
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let url = test_db.db.url().as_str().to_owned();
        let project = three_migrations(kind);
        let barrier = Barrier::new(2);
        let results: Vec<Result<String, (String, String)>> = std::thread::scope(|scope| {
            let runs: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        let db = open_impatient(&url);
                        barrier.wait();
                        migrate(&project, &db)
                    })
                })
                .collect();
            runs.into_iter().map(|run| run.join().unwrap()).collect()
        });
        let outputs: Vec<&String> = results
            .iter()
            .map(|r| {
                r.as_ref()
                    .unwrap_or_else(|(e, out)| panic!("{kind}: {e}\n{out}"))
            })
            .collect();
        for name in ["0001_initial", "0002_tag", "0003_body"] {
            let applied = outputs
                .iter()
                .filter(|out| out.contains(&format!("Applying faults.{name}... OK")))
                .count();
            assert_eq!(applied, 1, "{kind}: {name} applied once: {outputs:#?}");
        }
        let state = snapshot(&test_db.db);
        assert_eq!(
            state.recorded,
            ["0001_initial", "0002_tag", "0003_body"],
            "{kind}"
        );
        assert_eq!(state.tables, ["faults_note", "faults_tag"], "{kind}");
        assert_eq!(state.note_columns, ["id", "title", "body"], "{kind}");
    }
}

// ------------------------------------------------------------ 4. killed mid-way

/// Set in the child process: the URL of the database it migrates.
const CHILD_ENV: &str = "ORM_MIGRATION_FAULTS_CHILD_URL";
const KILLED_TEST: &str = "a_killed_migrate_is_finished_by_the_next_run";

/// The child process, killed if the test fails before it kills it.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `0002_slow`: a table, a long statement, a column.
fn slow_project(kind: BackendKind) -> Project {
    project(vec![
        ("0001_initial", initial()),
        (
            "0002_slow",
            migration(
                "0001_initial",
                &[
                    create_model("Tag", "faults_tag"),
                    run_sql(&slow_sql(kind, 2.0)),
                    add_field("body"),
                ],
            ),
        ),
    ])
}

/// A `migrate` process is killed (SIGKILL) in the middle of `0002_slow`; the
/// next run applies it, and the schema ends complete and recorded once.
///
/// The child is this test binary run again with [`CHILD_ENV`] set.
#[test]
fn a_killed_migrate_is_finished_by_the_next_run() {
    if let Ok(url) = std::env::var(CHILD_ENV) {
        let db = Db::open(&url).unwrap();
        let project = slow_project(db.backend());
        let mut stdout = std::io::stdout();
        let result = project.execute(
            &migrate_command(),
            Some(&db),
            &mut Cursor::new(Vec::new()),
            &mut stdout,
        );
        panic!("the child should have been killed, migrate ended with {result:?}");
    }
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let db = &test_db.db;
        let started = Instant::now();
        let mut child = KillOnDrop(
            Command::new(std::env::current_exe().unwrap())
                .args([KILLED_TEST, "--exact", "--nocapture", "--test-threads", "1"])
                .env(CHILD_ENV, db.url().as_str())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let mut stdout = child.0.stdout.take().unwrap();
        let (sender, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 256];
            while let Ok(n @ 1..) = stdout.read(&mut buffer) {
                if sender.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        // Wait until the child is inside 0002_slow, then give it time to
        // create the table and start the long statement.
        let mut seen = String::new();
        while !seen.contains("Applying faults.0002_slow...") {
            match chunks.recv_timeout(Duration::from_secs(15)) {
                Ok(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                Err(e) => panic!("{kind}: the child never reached 0002_slow ({e}): {seen}"),
            }
        }
        std::thread::sleep(Duration::from_millis(700));
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "{kind}: the child ended before it was killed: {seen}"
        );
        child.0.kill().unwrap(); // SIGKILL
        child.0.wait().unwrap();

        let out = migrate_ok(&slow_project(kind), db, kind);
        assert!(
            out.contains("Applying faults.0002_slow... OK"),
            "{kind}: {out}"
        );
        if kind == BackendKind::Mysql {
            // The table was created (and noted) before the kill.
            assert!(
                out.contains("resumed after 1 statement an interrupted run applied"),
                "{out}"
            );
        }
        let state = snapshot(db);
        assert_eq!(state.recorded, ["0001_initial", "0002_slow"], "{kind}");
        assert_eq!(state.tables, ["faults_note", "faults_tag"], "{kind}");
        assert_eq!(state.note_columns, ["id", "title", "body"], "{kind}");
        let out = migrate_ok(&slow_project(kind), db, kind);
        assert!(out.contains("No migrations to apply."), "{kind}: {out}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{kind}: took {:?}",
            started.elapsed()
        );
    }
}
