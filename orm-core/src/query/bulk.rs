//! Writes of many rows in few statements: `bulk_update` (one `UPDATE` with
//! a `CASE` per field for up to 500 objects) and `bulk_upsert` (multi-row
//! `INSERT`s that skip or update the rows a unique constraint already
//! holds), as Django's `bulk_update` and `bulk_create(ignore_conflicts=…,
//! update_conflicts=…)`.

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use super::bound::Bound;
use super::dates::Backend;
use crate::db::{atomic, AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::ModelSchema;

/// Objects per `UPDATE` of [`bulk_update`].
const UPDATE_BATCH: usize = 500;
/// Most parameters in one statement (SQLite's limit is 32,766).
const MOST_PARAMETERS: usize = 30_000;

/// What [`Model::bulk_upsert`] does with a row whose unique value is taken.
#[derive(Debug, Clone, Copy)]
pub enum OnConflict<'a> {
    /// Leave the existing row; skip the new one (`ON CONFLICT DO NOTHING`,
    /// MySQL's `INSERT IGNORE`).
    Ignore,
    /// Update `update` of the existing row from the new one, the conflict
    /// being on the unique field(s) `unique` (`ON CONFLICT (unique) DO
    /// UPDATE`, MySQL's `ON DUPLICATE KEY UPDATE`, which takes any unique
    /// key).
    Update {
        /// The unique field(s) the rows collide on.
        unique: &'a [&'a str],
        /// The fields copied from the new row.
        update: &'a [&'a str],
    },
}

/// The field indexes of `names`, refusing the primary key when `no_pk`.
fn indexes(schema: &ModelSchema, names: &[&str], no_pk: bool) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|name| {
            let index = schema
                .field_index(name)
                .ok_or_else(|| Error::UnknownField {
                    model: schema.label(),
                    field: (*name).to_owned(),
                })?;
            if no_pk && schema.fields[index].primary_key {
                return Err(Error::InvalidValue {
                    field: (*name).to_owned(),
                    message: "the primary key names the rows; it cannot be set in bulk".to_owned(),
                });
            }
            Ok(index)
        })
        .collect()
}

/// Sets `fields` of each object's row to the object's values: one
/// `UPDATE` per 500 objects, in one transaction. Returns how many rows
/// changed. Values are validated first; `auto_now` fields are left as
/// they are (as in Django).
pub(crate) fn bulk_update<M: Model>(
    conn: &mut AnyConnection,
    objects: &[M],
    fields: &[&str],
) -> Result<usize> {
    let schema = M::schema();
    let fields = indexes(schema, fields, true)?;
    if fields.is_empty() || objects.is_empty() {
        return Ok(0);
    }
    for object in objects {
        object.validate()?;
    }
    let pk = schema.pk_index();
    atomic(conn, |conn| {
        let mut changed = 0;
        for batch in objects.chunks(UPDATE_BATCH) {
            let keys: Vec<Bound> = batch.iter().map(|o| Bound::of(o.field_value(pk))).collect();
            let sets = fields
                .iter()
                .map(|&field| {
                    let arms = batch
                        .iter()
                        .map(|o| {
                            (
                                Bound::of(o.field_value(pk)),
                                Bound::of(o.field_value(field)),
                            )
                        })
                        .collect();
                    (schema.fields[field].column.to_string(), arms)
                })
                .collect();
            let update = BulkUpdate {
                table: schema.table.to_string(),
                key: schema.fields[pk].column.to_string(),
                sets,
                keys,
            };
            changed += RunQueryDsl::execute(update, conn)?;
        }
        Ok(changed)
    })
    .map_err(|e| e.for_model(schema))
}

/// `UPDATE t SET c = CASE key WHEN k1 THEN v1 ... ELSE c END, ... WHERE
/// key IN (k1, ...)`.
struct BulkUpdate {
    table: String,
    key: String,
    sets: Vec<(String, Vec<(Bound, Bound)>)>,
    keys: Vec<Bound>,
}

impl QueryFragment<MultiBackend> for BulkUpdate {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_sql("UPDATE ");
        out.push_identifier(&self.table)?;
        out.push_sql(" SET ");
        for (i, (column, arms)) in self.sets.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_identifier(column)?;
            out.push_sql(" = CASE ");
            out.push_identifier(&self.key)?;
            for (key, value) in arms {
                out.push_sql(" WHEN ");
                key.push(&mut out)?;
                out.push_sql(" THEN ");
                value.push(&mut out)?;
            }
            out.push_sql(" ELSE ");
            out.push_identifier(column)?;
            out.push_sql(" END");
        }
        out.push_sql(" WHERE ");
        out.push_identifier(&self.key)?;
        out.push_sql(" IN (");
        for (i, key) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            key.push(&mut out)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

/// Inserts `objects` in multi-row statements, doing `on_conflict` with a
/// row whose unique value is taken; in one transaction. Timestamps,
/// defaults and validation as for `save`. Returns the rows the database
/// says it wrote (MySQL counts an updated row twice); the objects' keys
/// are not read back.
pub(crate) fn bulk_upsert<M: Model>(
    conn: &mut AnyConnection,
    objects: &mut [M],
    on_conflict: OnConflict<'_>,
) -> Result<usize> {
    let schema = M::schema();
    if objects.is_empty() {
        return Ok(0);
    }
    let now = chrono::Utc::now();
    for object in objects.iter_mut() {
        crate::model::touch_timestamps(object, now, true)?;
        object.validate()?;
    }
    let new = objects.iter().filter(|o| o.is_new()).count();
    if new != 0 && new != objects.len() {
        return Err(Error::InvalidValue {
            field: schema.pk().name.to_string(),
            message: "bulk_upsert takes objects that are all new or all have keys".to_owned(),
        });
    }
    let pk = schema.pk_index();
    let fields: Vec<usize> = (0..schema.fields.len())
        .filter(|&i| new == 0 || i != pk)
        .collect();
    let conflict = match on_conflict {
        OnConflict::Ignore => Conflict::Ignore,
        OnConflict::Update { unique, update } if unique.is_empty() || update.is_empty() => {
            return Err(Error::InvalidValue {
                field: schema.name.to_string(),
                message: "OnConflict::Update names the unique fields and the fields to update"
                    .to_owned(),
            })
        }
        OnConflict::Update { unique, update } => Conflict::Update {
            unique: columns(schema, &indexes(schema, unique, false)?),
            update: columns(schema, &indexes(schema, update, true)?),
        },
    };
    let per_statement = (MOST_PARAMETERS / fields.len().max(1)).max(1);
    atomic(conn, |conn| {
        let mut written = 0;
        for batch in objects.chunks(per_statement) {
            let insert = Upsert {
                table: schema.table.to_string(),
                columns: columns(schema, &fields),
                rows: batch
                    .iter()
                    .map(|o| {
                        fields
                            .iter()
                            .map(|&f| Bound::of(o.field_value(f)))
                            .collect()
                    })
                    .collect(),
                conflict: conflict.clone(),
            };
            written += RunQueryDsl::execute(insert, conn)?;
        }
        Ok(written)
    })
    .map_err(|e| e.for_model(schema))
}

fn columns(schema: &ModelSchema, fields: &[usize]) -> Vec<String> {
    fields
        .iter()
        .map(|&f| schema.fields[f].column.to_string())
        .collect()
}

/// [`OnConflict`] by column.
#[derive(Clone)]
enum Conflict {
    Ignore,
    Update {
        unique: Vec<String>,
        update: Vec<String>,
    },
}

/// `INSERT ... VALUES (...), (...)` with the backend's conflict clause.
struct Upsert {
    table: String,
    columns: Vec<String>,
    rows: Vec<Vec<Bound>>,
    conflict: Conflict,
}

impl Upsert {
    fn identifiers(out: &mut AstPass<'_, '_, MultiBackend>, names: &[String]) -> QueryResult<()> {
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_identifier(name)?;
        }
        Ok(())
    }
}

impl QueryFragment<MultiBackend> for Upsert {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let mysql = matches!(Backend::of(out.backend()), Backend::Mysql);
        let ignore = matches!(self.conflict, Conflict::Ignore);
        out.push_sql(if mysql && ignore {
            "INSERT IGNORE INTO "
        } else {
            "INSERT INTO "
        });
        out.push_identifier(&self.table)?;
        out.push_sql(" (");
        Upsert::identifiers(&mut out, &self.columns)?;
        out.push_sql(") VALUES ");
        for (i, row) in self.rows.iter().enumerate() {
            out.push_sql(if i > 0 { ", (" } else { "(" });
            for (j, value) in row.iter().enumerate() {
                if j > 0 {
                    out.push_sql(", ");
                }
                value.push(&mut out)?;
            }
            out.push_sql(")");
        }
        match (&self.conflict, mysql) {
            (Conflict::Ignore, true) => {}
            (Conflict::Ignore, false) => out.push_sql(" ON CONFLICT DO NOTHING"),
            (Conflict::Update { update, .. }, true) => {
                out.push_sql(" ON DUPLICATE KEY UPDATE ");
                for (i, column) in update.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    out.push_identifier(column)?;
                    out.push_sql(" = VALUES(");
                    out.push_identifier(column)?;
                    out.push_sql(")");
                }
            }
            (Conflict::Update { unique, update }, false) => {
                out.push_sql(" ON CONFLICT (");
                Upsert::identifiers(&mut out, unique)?;
                out.push_sql(") DO UPDATE SET ");
                for (i, column) in update.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    out.push_identifier(column)?;
                    out.push_sql(" = excluded.");
                    out.push_identifier(column)?;
                }
            }
        }
        Ok(())
    }
}

macro_rules! statement {
    ($($ty:ty),+) => {$(
        impl QueryId for $ty {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl RunQueryDsl<AnyConnection> for $ty {}
    )+};
}

statement!(BulkUpdate, Upsert);
