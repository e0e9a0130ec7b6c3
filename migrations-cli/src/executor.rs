//! Applies and unapplies migrations on a database, one transaction per
//! migration where the backend allows it, under a lock so that two `migrate`
//! runs never apply the same migration (Django's `MigrationExecutor`).

use std::io::Write;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use orm_core::backend::schema_editor;
use orm_core::db::BackendKind;
use orm_core::AnyConnection;

use crate::error::Error;
use crate::migration::Migration;
use crate::operation_sql;
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
pub fn run_plan(
    conn: &mut AnyConnection,
    ordered: &[Migration],
    plan: &[Step<'_>],
    out: &mut dyn Write,
) -> Result<(), Error> {
    // Render every step first: an irreversible or invalid migration stops
    // the run before any SQL is executed.
    let backend = conn.backend();
    let rendered = plan
        .iter()
        .map(|step| migration_sql(ordered, step.migration, step.backwards, backend))
        .collect::<Result<Vec<_>, Error>>()?;
    recorder::ensure_table(conn)?;
    lock(conn)?;
    let result = plan
        .iter()
        .zip(&rendered)
        .try_for_each(|(step, sql)| run_step(conn, *step, sql, out));
    let unlocked = unlock(conn);
    result.and(unlocked)
}

fn run_step(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
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
        BackendKind::Sqlite => run_sqlite(conn, step, sql),
        BackendKind::Postgres => run_transactional(conn, step, sql),
        BackendKind::Mysql => run_mysql(conn, step, sql),
    };
    match outcome {
        Ok(true) => {
            let _ = writeln!(out, " OK ({} ms)", started.elapsed().as_millis());
            Ok(())
        }
        Ok(false) => {
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
    let (app, name) = step.migration.key();
    if step.backwards {
        recorder::record_unapplied(conn, &app, &name)
    } else {
        recorder::record_applied(conn, &app, &name)
    }
}

fn execute(conn: &mut AnyConnection, description: &str, statement: &str) -> Result<(), Error> {
    conn.batch_execute(statement)
        .map_err(|e| Error::Apply(format!("{description}: {e}\n  SQL: {statement}")))
}

fn run_transactional(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
) -> Result<bool, Error> {
    orm_core::atomic(conn, |conn| {
        if !pending(conn, step).map_err(to_core)? {
            return Ok(false);
        }
        for (description, statements) in sql {
            for statement in statements {
                execute(conn, description, statement).map_err(to_core)?;
            }
        }
        record(conn, step).map_err(to_core)?;
        Ok(true)
    })
    .map_err(from_core)
}

/// SQLite: foreign keys off outside the transaction (a table rebuild needs
/// it), an exclusive transaction as the lock, and a foreign-key check before
/// commit.
fn run_sqlite(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
) -> Result<bool, Error> {
    conn.batch_execute(schema_editor::sqlite_prologue())
        .map_err(orm_core::Error::from)?;
    let result = (|| -> Result<bool, Error> {
        conn.batch_execute("BEGIN EXCLUSIVE")
            .map_err(orm_core::Error::from)?;
        let inner = (|| -> Result<bool, Error> {
            if !pending(conn, step)? {
                return Ok(false);
            }
            for (description, statements) in sql {
                for statement in statements {
                    execute(conn, description, statement)?;
                }
            }
            check_sqlite_foreign_keys(conn)?;
            record(conn, step)?;
            Ok(true)
        })();
        let end = if inner.is_ok() { "COMMIT" } else { "ROLLBACK" };
        conn.batch_execute(end).map_err(orm_core::Error::from)?;
        inner
    })();
    let restored = conn
        .batch_execute(schema_editor::sqlite_epilogue())
        .map_err(orm_core::Error::from);
    let done = result?;
    restored?;
    Ok(done)
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

/// MySQL cannot roll back DDL: run operation by operation and say what was
/// applied when one fails.
fn run_mysql(
    conn: &mut AnyConnection,
    step: Step<'_>,
    sql: &[(String, Vec<String>)],
) -> Result<bool, Error> {
    if !pending(conn, step)? {
        return Ok(false);
    }
    let mut done: Vec<&str> = Vec::new();
    for (description, statements) in sql {
        for statement in statements {
            if let Err(err) = execute(conn, description, statement) {
                let applied = if done.is_empty() {
                    "none".to_owned()
                } else {
                    done.join("; ")
                };
                return Err(Error::Apply(format!(
                    "{err}\n  MySQL cannot roll back schema changes. Operations already applied \
                     from {}.{}: {applied}. Fix the database or the migration, then run migrate again.",
                    step.migration.app_label, step.migration.name
                )));
            }
        }
        done.push(description);
    }
    record(conn, step)?;
    Ok(true)
}

const PG_LOCK_KEY: i64 = 7_261_942_183;
const MYSQL_LOCK_NAME: &str = "orm_migrate";

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
        BackendKind::Mysql => format!("SELECT RELEASE_LOCK('{MYSQL_LOCK_NAME}')"),
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
        let got: Got = sql_query(format!("SELECT GET_LOCK('{MYSQL_LOCK_NAME}', 600) AS got"))
            .get_result(mysql)
            .map_err(orm_core::Error::from)?;
        if got.got != Some(1) {
            return Err(Error::Apply(
                "another migrate run holds the migration lock (waited 600 s)".to_owned(),
            ));
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
