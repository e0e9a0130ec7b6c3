//! Applies and unapplies migrations on a database, one transaction per
//! migration where the backend allows it, under a lock so that two `migrate`
//! runs never apply the same migration (Django's `MigrationExecutor`).

use std::io::Write;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use orm_core::backend::schema_editor;
use orm_core::db::BackendKind;
use orm_core::AnyConnection;

use crate::error::Error;
use crate::loader::MigrationCode;
use crate::migration::Migration;
use crate::operation_sql::{self, CODE_PREFIX};
use crate::recorder;
use crate::state::ProjectState;

/// One migration to apply (or unapply).
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The migration.
    pub migration: &'a Migration,
    /// Unapply instead of apply.
    pub backwards: bool,
}

/// The state before `migration`: every migration before it in `ordered`
/// (all migrations, in dependency order) replayed.
pub fn state_before(ordered: &[Migration], migration: &Migration) -> Result<ProjectState, Error> {
    let mut state = ProjectState::new();
    for other in ordered {
        if other.key() == migration.key() {
            break;
        }
        for op in &other.operations {
            state.apply(&other.app_label, op)?;
        }
    }
    Ok(state)
}

/// The SQL of one migration for `backend`, per operation: its description and
/// statements (in the order they run).
pub fn migration_sql(
    ordered: &[Migration],
    migration: &Migration,
    backwards: bool,
    backend: BackendKind,
) -> Result<Vec<(String, Vec<String>)>, Error> {
    let app = migration.app_label.as_str();
    let mut states = vec![state_before(ordered, migration)?];
    for op in &migration.operations {
        let mut next = states.last().cloned().unwrap_or_default();
        next.apply(app, op)?;
        states.push(next);
    }
    let mut out = Vec::new();
    for (i, op) in migration.operations.iter().enumerate() {
        let (before, after) = (&states[i], &states[i + 1]);
        let statements = if backwards {
            operation_sql::backwards(app, op, before, after, backend).map_err(|e| match e {
                Error::InvalidOperation(reason) => Error::Irreversible {
                    app: app.to_owned(),
                    name: migration.name.clone(),
                    reason,
                },
                other => other,
            })?
        } else {
            operation_sql::forwards(app, op, before, after, backend)?
        };
        out.push((op.describe(), statements));
    }
    if backwards {
        out.reverse();
    }
    Ok(out)
}

/// Runs a plan, printing `Applying blog.0002_article_summary... OK (12 ms)`.
///
/// Holds a lock for the whole run (an advisory lock on PostgreSQL,
/// `GET_LOCK` on MySQL, an exclusive transaction per migration on SQLite)
/// and skips migrations another run applied meanwhile.
///
/// On PostgreSQL and SQLite each migration runs in one transaction with its
/// recording, so a failure (or a killed process) changes nothing. MySQL
/// commits each schema change at once: there each statement that ran is
/// noted (`orm_migration_progress`) and the next run resumes after it.
pub fn run_plan(
    conn: &mut AnyConnection,
    ordered: &[Migration],
    plan: &[Step<'_>],
    code: &CodeLookup<'_>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    // Render every step first: an irreversible or invalid migration stops
    // the run before any SQL is executed.
    let backend = conn.backend();
    let rendered = plan
        .iter()
        .map(|step| migration_sql(ordered, step.migration, step.backwards, backend))
        .collect::<Result<Vec<_>, Error>>()?;
    check_code(plan, &rendered, code)?;
    recorder::ensure_table(conn)?;
    lock(conn)?;
    let result = (|| {
        if backend == BackendKind::Mysql {
            recorder::ensure_progress_table(conn)?;
        }
        plan.iter()
            .zip(&rendered)
            .try_for_each(|(step, sql)| run_step(conn, *step, sql, code, out))
    })();
    let unlocked = unlock(conn);
    result.and(unlocked)
}

/// What running one step did.
enum Ran {
    /// Another run did it first.
    Skipped,
    /// Done, after `resumed` statements an earlier, interrupted run applied.
    Done { resumed: usize },
}

fn run_step(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
    code: &CodeLookup<'_>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let m = step.migration;
    let verb = if step.backwards {
        "Unapplying"
    } else {
        "Applying"
    };
    let _ = write!(out, "  {verb} {}.{}...", m.app_label, m.name);
    let _ = out.flush();
    let started = Instant::now();
    let outcome = match conn.backend() {
        BackendKind::Sqlite => run_sqlite(conn, step, sql, code),
        BackendKind::Postgres => run_transactional(conn, step, sql, code),
        BackendKind::Mysql => run_mysql(conn, step, sql, code),
    };
    let ms = started.elapsed().as_millis();
    match outcome {
        Ok(Ran::Done { resumed: 0 }) => {
            let _ = writeln!(out, " OK ({ms} ms)");
            Ok(())
        }
        Ok(Ran::Done { resumed }) => {
            let statements = if resumed == 1 {
                "statement"
            } else {
                "statements"
            };
            let _ = writeln!(
                out,
                " OK ({ms} ms, resumed after {resumed} {statements} an interrupted run applied)"
            );
            Ok(())
        }
        Ok(Ran::Skipped) => {
            let _ = writeln!(out, " skipped (done by another run)");
            Ok(())
        }
        Err(err) => {
            let _ = writeln!(out, " FAILED");
            Err(err)
        }
    }
}

/// Whether the step still needs doing, read under the lock.
fn pending(conn: &mut AnyConnection, step: Step<'_>) -> Result<bool, Error> {
    let key = step.migration.key();
    let applied = recorder::applied(conn)?.contains(&key);
    Ok(applied == step.backwards)
}

fn record(conn: &mut AnyConnection, step: Step<'_>) -> Result<(), Error> {
    recorder::record_step(conn, step.migration, step.backwards)
}

/// One statement of a migration, in the order they run.
struct Statement<'s> {
    /// Its operation's position, from 1, in the order the operations run.
    op: usize,
    /// Its operation's description.
    description: &'s str,
    /// The SQL.
    sql: &'s str,
}

fn statements(sql: &[(String, Vec<String>)]) -> Vec<Statement<'_>> {
    sql.iter()
        .enumerate()
        .flat_map(|(i, (description, statements))| {
            statements.iter().map(move |sql| Statement {
                op: i + 1,
                description,
                sql,
            })
        })
        .collect()
}

/// `applying migration blog.0002_x`, for messages.
fn what(step: Step<'_>) -> String {
    let verb = if step.backwards {
        "unapplying"
    } else {
        "applying"
    };
    format!(
        "{verb} migration {}.{}",
        step.migration.app_label, step.migration.name
    )
}

/// The error of a failed statement: which migration, which operation, the
/// database's message and the SQL.
fn failed_at(step: Step<'_>, operations: usize, statement: &Statement<'_>, err: &str) -> String {
    format!(
        "{} failed at operation {} of {operations} ({}): {err}\n  SQL: {}",
        what(step),
        statement.op,
        statement.description,
        statement.sql
    )
}

/// Runs every statement, stopping at the first that fails.
fn run_statements(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
    code: &CodeLookup<'_>,
) -> Result<(), Error> {
    for statement in statements(sql) {
        execute(conn, statement.sql, code)
            .map_err(|message| Error::Apply(failed_at(step, sql.len(), &statement, &message)))?;
    }
    Ok(())
}

/// Finds the function of app `app` named `name` for a `RunCode` step.
pub type CodeLookup<'a> = dyn Fn(&str, &str) -> Option<MigrationCode> + 'a;

/// Runs one statement, or calls the function a `RunCode` step stands for.
/// The error is the database's (or the function's) message.
fn execute(conn: &mut AnyConnection, sql: &str, code: &CodeLookup<'_>) -> Result<(), String> {
    if let Some((app, name)) = code_step(sql) {
        let function = code(app, name).ok_or_else(|| missing_code(app, name))?;
        return function(conn).map_err(|e| e.to_string());
    }
    conn.batch_execute(sql)
        .map_err(|e| orm_core::database_message(&e))
}

/// The app and function a `RunCode` step's statement names, or `None` for
/// a statement of SQL.
fn code_step(sql: &str) -> Option<(&str, &str)> {
    let name = sql.strip_prefix(CODE_PREFIX)?;
    Some(name.split_once('.').unwrap_or(("", name)))
}

fn missing_code(app: &str, name: &str) -> String {
    format!(
        "no function `{name}` was given for app `{app}`'s RunCode steps: add it with \
         MigrationSource::with_code(&[(\"{name}\", {name})])"
    )
}

/// Refuses a plan whose `RunCode` steps name a function not given, before
/// anything runs.
fn check_code(
    plan: &[Step<'_>],
    rendered: &[Vec<(String, Vec<String>)>],
    code: &CodeLookup<'_>,
) -> Result<(), Error> {
    for (step, sql) in plan.iter().zip(rendered) {
        for statement in statements(sql) {
            if let Some((app, name)) = code_step(statement.sql) {
                if code(app, name).is_none() {
                    return Err(Error::Apply(format!(
                        "{}: {}",
                        what(*step),
                        missing_code(app, name)
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Adds to a failure of a transactional backend that nothing was changed.
fn rolled_back(err: Error) -> Error {
    match err {
        Error::Apply(message) => Error::Apply(format!(
            "{message}\n  Nothing was changed: the migration's transaction was rolled back."
        )),
        other => other,
    }
}

fn run_transactional(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
    code: &CodeLookup<'_>,
) -> Result<Ran, Error> {
    orm_core::atomic(conn, |conn| {
        if !pending(conn, step).map_err(to_core)? {
            return Ok(Ran::Skipped);
        }
        run_statements(conn, step, sql, code).map_err(to_core)?;
        record(conn, step).map_err(to_core)?;
        Ok(Ran::Done { resumed: 0 })
    })
    .map_err(|e| rolled_back(from_core(e)))
}

/// SQLite: foreign keys off outside the transaction (a table rebuild needs
/// it), an exclusive transaction as the lock, and a foreign-key check before
/// commit.
fn run_sqlite(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
    code: &CodeLookup<'_>,
) -> Result<Ran, Error> {
    conn.batch_execute(schema_editor::sqlite_prologue())
        .map_err(orm_core::Error::from)?;
    let result = (|| -> Result<Ran, Error> {
        begin_exclusive(conn)?;
        let inner = (|| -> Result<Ran, Error> {
            if !pending(conn, step)? {
                return Ok(Ran::Skipped);
            }
            run_statements(conn, step, sql, code)?;
            check_sqlite_foreign_keys(conn)
                .map_err(|e| Error::Apply(format!("{} failed: {e}", what(step))))?;
            record(conn, step)?;
            Ok(Ran::Done { resumed: 0 })
        })();
        let ended = match inner {
            Ok(_) => sqlite_transaction(conn, Transaction::Commit),
            Err(_) => Ok(()),
        };
        match (inner, ended) {
            (Ok(ran), Ok(())) => Ok(ran),
            (Ok(_), Err(commit)) => {
                let _ = sqlite_transaction(conn, Transaction::Rollback);
                Err(rolled_back(Error::Apply(format!(
                    "{} failed at COMMIT: {commit}",
                    what(step)
                ))))
            }
            (Err(err), _) => match sqlite_transaction(conn, Transaction::Rollback) {
                Ok(()) => Err(rolled_back(err)),
                // Some errors end SQLite's transaction by themselves: the
                // rollback has nothing left to do.
                Err(e) if e.to_string().contains("no transaction is active") => {
                    Err(rolled_back(err))
                }
                Err(e) => Err(Error::Apply(format!(
                    "{err}\n  The rollback failed too: {e}"
                ))),
            },
        }
    })();
    let restored = conn
        .batch_execute(schema_editor::sqlite_epilogue())
        .map_err(orm_core::Error::from);
    let done = result?;
    restored?;
    Ok(done)
}

/// A step of SQLite's migration transaction.
enum Transaction {
    Begin,
    Commit,
    Rollback,
}

/// Begins (`BEGIN EXCLUSIVE`), commits or rolls back SQLite's migration
/// transaction through diesel's transaction manager, so that the ORM's
/// `atomic` in a `RunCode` step opens a savepoint inside it.
fn sqlite_transaction(conn: &mut AnyConnection, step: Transaction) -> diesel::QueryResult<()> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    #[allow(irrefutable_let_patterns)]
    let AnyConnection::Sqlite(sqlite) = conn
    else {
        return Err(diesel::result::Error::NotInTransaction);
    };
    match step {
        Transaction::Begin => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN EXCLUSIVE")
        }
        Transaction::Commit => AnsiTransactionManager::commit_transaction(sqlite),
        Transaction::Rollback => AnsiTransactionManager::rollback_transaction(sqlite),
    }
}

/// How long a run waits for another one to finish (MySQL's `GET_LOCK`,
/// SQLite's exclusive transaction).
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// SQLite's lock between `migrate` runs. The connection's busy timeout is a
/// few seconds, while another run's migration can take minutes: retry while
/// the database is locked, up to [`LOCK_WAIT`].
fn begin_exclusive(conn: &mut AnyConnection) -> Result<(), Error> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match sqlite_transaction(conn, Transaction::Begin) {
            Ok(()) => return Ok(()),
            Err(e) if e.to_string().contains("locked") && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => {
                return Err(Error::Apply(format!(
                    "cannot take the migration lock (BEGIN EXCLUSIVE): {e}"
                )))
            }
        }
    }
}

fn check_sqlite_foreign_keys(conn: &mut AnyConnection) -> Result<(), Error> {
    use diesel::{sql_query, sql_types::BigInt, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    #[allow(irrefutable_let_patterns)]
    if let AnyConnection::Sqlite(sqlite) = conn {
        let count: Count = sql_query(schema_editor::sqlite_foreign_key_check())
            .get_result(sqlite)
            .map_err(orm_core::Error::from)?;
        if count.n > 0 {
            return Err(Error::Apply(format!(
                "{} rows would point at missing rows (foreign key check failed)",
                count.n
            )));
        }
    }
    Ok(())
}

/// MySQL cannot roll back DDL: each statement that runs is noted at once,
/// so that a failure says exactly what was applied and the next run resumes
/// after it (also after a killed run). The migration is recorded, and its
/// notes dropped, in one transaction at the end.
///
/// A run killed between a statement and its note (a moment, against the
/// seconds a slow statement takes) leaves that one statement applied but not
/// noted: the next run then fails on it (`already exists`), and it has to be
/// undone by hand.
fn run_mysql(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
    code: &CodeLookup<'_>,
) -> Result<Ran, Error> {
    if !pending(conn, step)? {
        return Ok(Ran::Skipped);
    }
    let (app, name) = step.migration.key();
    let statements = statements(sql);
    let done = recorder::progress(conn, &app, &name, step.backwards)?;
    if let Some(position) =
        (0..done.len()).find(|&i| statements.get(i).map(|s| s.sql) != Some(done[i].as_str()))
    {
        return Err(Error::Apply(format!(
            "{}: an interrupted run applied its first {} statements, but the migration has \
             changed since (statement {} differs), so the database no longer matches it. Undo \
             what those statements did by hand, then run DELETE FROM orm_migration_progress \
             WHERE app = '{app}' AND name = '{name}' and migrate again.",
            what(step),
            done.len(),
            position + 1
        )));
    }
    for (position, statement) in statements.iter().enumerate().skip(done.len()) {
        if let Err(message) = execute(conn, statement.sql, code) {
            let message = failed_at(step, sql.len(), statement, &message);
            return Err(Error::Apply(format!(
                "{message}\n{}",
                mysql_state(sql, &statements, position, &app, &name)
            )));
        }
        recorder::record_progress(conn, &app, &name, step.backwards, position, statement.sql)
            .map_err(|e| {
                Error::Apply(format!(
                    "{}: statement {} ran, but noting it failed: {e}\n  SQL: {}",
                    what(step),
                    position + 1,
                    statement.sql
                ))
            })?;
    }
    orm_core::atomic(conn, |conn| {
        record(conn, step).map_err(to_core)?;
        recorder::clear_progress(conn, &app, &name, step.backwards).map_err(to_core)
    })
    .map_err(from_core)?;
    Ok(Ran::Done {
        resumed: done.len(),
    })
}

/// What a MySQL migration that failed at statement `failed` left applied,
/// operation by operation, and how to go on.
fn mysql_state(
    sql: &[(String, Vec<String>)],
    statements: &[Statement<'_>],
    failed: usize,
    app: &str,
    name: &str,
) -> String {
    let failing = statements[failed].op;
    let ran_in_failing = statements[..failed]
        .iter()
        .filter(|s| s.op == failing)
        .count();
    let list = |ops: Vec<String>| {
        if ops.is_empty() {
            "none".to_owned()
        } else {
            ops.join("; ")
        }
    };
    let applied: Vec<String> = sql[..failing - 1]
        .iter()
        .enumerate()
        .map(|(i, (description, _))| format!("{}. {description}", i + 1))
        .collect();
    let (description, total) = (&sql[failing - 1].0, sql[failing - 1].1.len());
    let mut not_applied = Vec::new();
    let mut text = format!(
        "  MySQL/MariaDB cannot roll back schema changes: this migration is partly applied \
         and not recorded.\n  Applied before the failure: {}.\n",
        list(applied)
    );
    if ran_in_failing > 0 {
        text.push_str(&format!(
            "  Partly applied: {failing}. {description} ({ran_in_failing} of {total} \
             statements ran, the next one failed).\n"
        ));
    } else {
        not_applied.push(format!("{failing}. {description} (failed)"));
    }
    not_applied.extend(
        sql.iter()
            .enumerate()
            .skip(failing)
            .map(|(i, (description, _))| format!("{}. {description}", i + 1)),
    );
    if !not_applied.is_empty() {
        text.push_str(&format!("  Not applied: {}.\n", not_applied.join("; ")));
    }
    text.push_str(&format!(
        "  Fix the failing operation (in the migration, or the database), then run migrate \
         again: it resumes at the statement that failed. To start the migration over instead, undo what was applied \
         by hand, then run DELETE FROM orm_migration_progress WHERE app = '{app}' AND \
         name = '{name}'."
    ));
    text
}

const PG_LOCK_KEY: i64 = 7_261_942_183;

/// MySQL's `GET_LOCK` names are server-wide: one lock per database, so that
/// projects sharing a server do not wait for each other. (PostgreSQL's
/// advisory locks already belong to one database.)
const MYSQL_LOCK_NAME: &str = "CONCAT('orm_migrate_', MD5(IFNULL(DATABASE(), '')))";

fn lock(conn: &mut AnyConnection) -> Result<(), Error> {
    match conn.backend() {
        BackendKind::Sqlite => Ok(()),
        BackendKind::Postgres => conn
            .batch_execute(&format!("SELECT pg_advisory_lock({PG_LOCK_KEY})"))
            .map_err(|e| Error::Apply(format!("cannot take the migration lock: {e}"))),
        BackendKind::Mysql => mysql_get_lock(conn),
    }
}

fn unlock(conn: &mut AnyConnection) -> Result<(), Error> {
    let sql = match conn.backend() {
        BackendKind::Sqlite => return Ok(()),
        BackendKind::Postgres => format!("SELECT pg_advisory_unlock({PG_LOCK_KEY})"),
        BackendKind::Mysql => format!("SELECT RELEASE_LOCK({MYSQL_LOCK_NAME})"),
    };
    conn.batch_execute(&sql)
        .map_err(|e| Error::Apply(format!("cannot release the migration lock: {e}")))
}

#[cfg(feature = "mysql")]
fn mysql_get_lock(conn: &mut AnyConnection) -> Result<(), Error> {
    use diesel::{
        sql_query, sql_types::Integer, sql_types::Nullable, QueryableByName, RunQueryDsl,
    };
    #[derive(QueryableByName)]
    struct Got {
        #[diesel(sql_type = Nullable<Integer>)]
        got: Option<i32>,
    }
    if let AnyConnection::Mysql(mysql) = conn {
        let seconds = LOCK_WAIT.as_secs();
        let got: Got = sql_query(format!(
            "SELECT GET_LOCK({MYSQL_LOCK_NAME}, {seconds}) AS got"
        ))
        .get_result(mysql)
        .map_err(orm_core::Error::from)?;
        if got.got != Some(1) {
            return Err(Error::Apply(format!(
                "another migrate run holds the migration lock (waited {seconds} s)"
            )));
        }
    }
    Ok(())
}

#[cfg(not(feature = "mysql"))]
fn mysql_get_lock(_: &mut AnyConnection) -> Result<(), Error> {
    Err(Error::Database(orm_core::Error::BackendNotCompiled(
        BackendKind::Mysql,
    )))
}

fn to_core(err: Error) -> orm_core::Error {
    match err {
        Error::Database(e) => e,
        other => orm_core::Error::Internal(other.to_string()),
    }
}

fn from_core(err: orm_core::Error) -> Error {
    match err {
        orm_core::Error::Internal(message) => Error::Apply(message),
        other => Error::Database(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops() -> Vec<(String, Vec<String>)> {
        vec![
            (
                "Create model Tag".to_owned(),
                vec!["CREATE TABLE t".to_owned()],
            ),
            ("Change Meta options on tag".to_owned(), vec![]),
            (
                "Add field note to tag".to_owned(),
                vec![
                    "ALTER TABLE t ADD note".to_owned(),
                    "CREATE INDEX i".to_owned(),
                ],
            ),
            ("Raw SQL operation".to_owned(), vec!["SELECT 1".to_owned()]),
        ]
    }

    #[test]
    fn mysql_state_lists_applied_partly_applied_and_pending_operations() {
        let sql = ops();
        let statements = statements(&sql);
        // The index of the field fails: its column was added.
        let text = mysql_state(&sql, &statements, 2, "blog", "0002_x");
        assert!(
            text.contains(
                "Applied before the failure: 1. Create model Tag; 2. Change Meta options on tag.\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "Partly applied: 3. Add field note to tag (1 of 2 statements ran, the next one failed).\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("Not applied: 4. Raw SQL operation.\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "DELETE FROM orm_migration_progress WHERE app = 'blog' AND name = '0002_x'"
            ),
            "{text}"
        );

        // The first statement fails: nothing applied.
        let text = mysql_state(&sql, &statements, 0, "blog", "0002_x");
        assert!(
            text.contains("Applied before the failure: none.\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "Not applied: 1. Create model Tag (failed); 2. Change Meta options on tag; \
                 3. Add field note to tag; 4. Raw SQL operation.\n"
            ),
            "{text}"
        );
    }
}
