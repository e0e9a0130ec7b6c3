//! The table of applied migrations (Django's `MigrationRecorder`).

use std::collections::BTreeSet;

use orm_core::prelude::*;
use orm_core::AnyConnection;

use crate::error::Error;

/// One applied migration, as stored in `orm_migrations`.
#[derive(Model, Debug, Clone)]
#[model(app_label = "migrations", table = "orm_migrations", unique_together(["app", "name"]))]
pub struct AppliedMigration {
    /// Row id.
    pub id: i64,
    /// The app label.
    #[field(max_length = 100)]
    pub app: String,
    /// The migration name (`0001_initial`).
    #[field(max_length = 255)]
    pub name: String,
    /// When it was applied.
    pub applied: DateTime<Utc>,
}

/// Creates the table when it does not exist yet.
pub fn ensure_table(conn: &mut AnyConnection) -> Result<(), Error> {
    use diesel::connection::SimpleConnection;
    let ddl =
        orm_core::backend::ddl::create_table(AppliedMigration::schema(), conn.backend(), true);
    let create = ddl
        .create_table
        .replacen("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1);
    match conn.batch_execute(&create) {
        Ok(()) => Ok(()),
        // Two runs creating it at once: PostgreSQL may refuse the second
        // even with IF NOT EXISTS. The table being there is all that counts.
        Err(err) => match AppliedMigration::objects().count(conn) {
            Ok(_) => Ok(()),
            Err(_) => Err(orm_core::Error::from(err).into()),
        },
    }
}

/// Every applied migration, as `(app, name)`.
pub fn applied(conn: &mut AnyConnection) -> Result<BTreeSet<(String, String)>, Error> {
    Ok(AppliedMigration::objects()
        .all(conn)?
        .into_iter()
        .map(|m| (m.app, m.name))
        .collect())
}

/// [`applied`] without creating anything: none when the table is not there
/// yet (what `showmigrations` and `check` read).
pub fn applied_if_recorded(conn: &mut AnyConnection) -> Result<BTreeSet<(String, String)>, Error> {
    let table = AppliedMigration::schema().table.to_string();
    if !orm_core::db::table_exists(conn, &table).map_err(orm_core::Error::from)? {
        return Ok(BTreeSet::new());
    }
    applied(conn)
}

/// Records a migration as applied.
pub fn record_applied(conn: &mut AnyConnection, app: &str, name: &str) -> Result<(), Error> {
    let mut row = AppliedMigration {
        id: 0,
        app: app.to_owned(),
        name: name.to_owned(),
        applied: Utc::now(),
    };
    row.save(conn)?;
    Ok(())
}

/// Records a migration as not applied. A plain DELETE (nothing points at the
/// table), so it runs inside a transaction the executor opened by hand.
pub fn record_unapplied(conn: &mut AnyConnection, app: &str, name: &str) -> Result<(), Error> {
    let query = AppliedMigration::objects()
        .filter(AppliedMigration::APP.eq(app) & AppliedMigration::NAME.eq(name));
    (orm_core::ModelOps::of::<AppliedMigration>().delete)(conn, query.spec())?;
    Ok(())
}

/// Records `migration` as applied, or as not applied when `backwards`; a
/// squashed migration together with the migrations it replaces.
pub fn record_step(
    conn: &mut AnyConnection,
    migration: &crate::Migration,
    backwards: bool,
) -> Result<(), Error> {
    let recorded = if backwards {
        BTreeSet::new()
    } else {
        applied(conn)?
    };
    for (app, name) in std::iter::once(&migration.key()).chain(&migration.replaces) {
        if backwards {
            record_unapplied(conn, app, name)?;
        } else if !recorded.contains(&(app.clone(), name.clone())) {
            record_applied(conn, app, name)?;
        }
    }
    Ok(())
}

/// MySQL/MariaDB only: one statement of a migration that ran but whose
/// migration is not recorded yet, because a later statement failed or the
/// run was killed. MySQL commits each schema change at once, so without this
/// the next `migrate` would run those statements again; with it, the next run
/// resumes after them.
#[derive(Model, Debug, Clone)]
#[model(
    app_label = "migrations",
    table = "orm_migration_progress",
    unique_together(["app", "name", "backwards", "position"])
)]
pub struct MigrationProgress {
    /// Row id.
    pub id: i64,
    /// The app label.
    #[field(max_length = 100)]
    pub app: String,
    /// The migration name.
    #[field(max_length = 255)]
    pub name: String,
    /// Whether the statement was part of unapplying the migration.
    pub backwards: bool,
    /// The statement's position among the migration's statements, from 0.
    pub position: i32,
    /// The statement, to check that the migration has not changed since.
    #[field(text)]
    pub statement: String,
}

/// Creates the progress table when it does not exist yet (MySQL/MariaDB).
pub fn ensure_progress_table(conn: &mut AnyConnection) -> Result<(), Error> {
    use diesel::connection::SimpleConnection;
    let ddl =
        orm_core::backend::ddl::create_table(MigrationProgress::schema(), conn.backend(), true);
    let create = ddl
        .create_table
        .replacen("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1);
    conn.batch_execute(&create)
        .map_err(|e| orm_core::Error::from(e).into())
}

/// The statements of a migration that already ran, in order.
pub fn progress(
    conn: &mut AnyConnection,
    app: &str,
    name: &str,
    backwards: bool,
) -> Result<Vec<String>, Error> {
    Ok(progress_query(app, name, backwards)
        .order_by([MigrationProgress::POSITION.asc()])
        .all(conn)?
        .into_iter()
        .map(|row| row.statement)
        .collect())
}

/// Records that the statement at `position` of a migration ran.
pub fn record_progress(
    conn: &mut AnyConnection,
    app: &str,
    name: &str,
    backwards: bool,
    position: usize,
    statement: &str,
) -> Result<(), Error> {
    let mut row = MigrationProgress {
        id: 0,
        app: app.to_owned(),
        name: name.to_owned(),
        backwards,
        position: i32::try_from(position).unwrap_or(i32::MAX),
        statement: statement.to_owned(),
    };
    row.save(conn)?;
    Ok(())
}

/// Forgets the progress of a migration (once it is recorded as done).
pub fn clear_progress(
    conn: &mut AnyConnection,
    app: &str,
    name: &str,
    backwards: bool,
) -> Result<(), Error> {
    let query = progress_query(app, name, backwards);
    (orm_core::ModelOps::of::<MigrationProgress>().delete)(conn, query.spec())?;
    Ok(())
}

fn progress_query(app: &str, name: &str, backwards: bool) -> QuerySet<MigrationProgress> {
    MigrationProgress::objects().filter(
        MigrationProgress::APP.eq(app)
            & MigrationProgress::NAME.eq(name)
            & MigrationProgress::BACKWARDS.eq(backwards),
    )
}
