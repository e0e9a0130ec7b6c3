//! `select_for_update`: the rows a query reads are locked until the end of
//! the transaction, so that no other transaction changes them meanwhile
//! (Django's `select_for_update(nowait=..., skip_locked=...)`).
//!
//! The rows' keys are read first by `SELECT key ... FOR UPDATE` (with the
//! query's filter, ordering and slice; `NOWAIT` or `SKIP LOCKED` as asked),
//! then the rows themselves by key: the objects returned are exactly the
//! rows locked. SQLite has no row locks: its transactions (begun by
//! [`atomic`](crate::atomic) with `BEGIN IMMEDIATE`) hold the database's
//! write lock already, so the query runs as it is, as with Django.

use std::borrow::Cow;

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::{QueryResult, RunQueryDsl};

use super::columns::ModelColumns;
use super::compile::{condition_tree, order_by};
use super::dates::Backend;
use super::parse::parse_value;
use super::spec::QuerySpec;
use super::sql::{SqlCondition, SqlOrder};
use crate::db::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};

/// How [`select_for_update`](crate::QuerySet::select_for_update) treats a
/// row another transaction holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lock {
    /// Waits for the other transaction to end (`FOR UPDATE`).
    Wait,
    /// Fails at once (`FOR UPDATE NOWAIT`): the database's "could not
    /// obtain lock" error.
    NoWait,
    /// Leaves the row out (`FOR UPDATE SKIP LOCKED`): for work queues,
    /// where each worker takes rows no other worker holds.
    SkipLocked,
}

/// `spec` with the rows it reads locked on `conn`: the keys of the locked
/// rows in place of its filter and slice (its ordering and related
/// objects kept). Borrowed when it asks for no lock, and on SQLite. Fails
/// outside a transaction, where a lock would end with the statement.
pub fn lock_rows<'s, M: ModelColumns>(
    conn: &mut AnyConnection,
    spec: &'s QuerySpec,
) -> Result<Cow<'s, QuerySpec>> {
    let Some(lock) = spec.lock else {
        return Ok(Cow::Borrowed(spec));
    };
    if crate::db::transaction_depth(conn) == 0 {
        return Err(Error::TransactionRequired {
            operation: "select_for_update",
        });
    }
    if matches!(conn, AnyConnection::Sqlite(_)) {
        return Ok(Cow::Borrowed(spec));
    }
    let schema = M::schema();
    let unlocked = QuerySpec {
        lock: None,
        ..spec.clone()
    };
    let resolved = super::full_text::resolve::<M>(conn, &unlocked)?;
    let statement = LockKeys {
        table: schema.table.to_string(),
        key: schema.pk().column.to_string(),
        filter: match &resolved.filter {
            Some(q) => Some(condition_tree::<M>(q)?),
            None => None,
        },
        order: resolved
            .order
            .iter()
            .map(order_by::<M>)
            .collect::<Result<_>>()?,
        limit: resolved.limit,
        offset: resolved.offset,
        lock,
    };
    let keys = statement
        .load::<String>(conn)?
        .iter()
        .map(|text| {
            parse_value(schema.pk(), text).map_err(|message| Error::InvalidValue {
                field: schema.pk().name.to_string(),
                message,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut locked = spec.page_of_keys(schema, keys);
    locked.lock = None;
    Ok(Cow::Owned(locked))
}

/// `SELECT CAST(key AS text) FROM table WHERE filter ORDER BY order LIMIT
/// limit OFFSET offset FOR UPDATE [NOWAIT | SKIP LOCKED]`: the key as text,
/// whatever its type, read back through its field.
struct LockKeys {
    table: String,
    key: String,
    filter: Option<SqlCondition>,
    order: Vec<SqlOrder>,
    limit: Option<i64>,
    offset: Option<i64>,
    lock: Lock,
}

impl QueryFragment<MultiBackend> for LockKeys {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let text = match Backend::of(out.backend()) {
            Backend::Mysql => "CHAR",
            Backend::Sqlite | Backend::Postgres => "TEXT",
        };
        out.push_sql("SELECT CAST(");
        out.push_identifier(&self.table)?;
        out.push_sql(".");
        out.push_identifier(&self.key)?;
        out.push_sql(&format!(" AS {text}) FROM "));
        out.push_identifier(&self.table)?;
        if let Some(filter) = &self.filter {
            out.push_sql(" WHERE ");
            filter.walk_ast(out.reborrow())?;
        }
        for (i, order) in self.order.iter().enumerate() {
            out.push_sql(if i == 0 { " ORDER BY " } else { ", " });
            order.walk_ast(out.reborrow())?;
        }
        match (self.limit, self.offset) {
            (Some(limit), offset) => {
                out.push_sql(&format!(" LIMIT {limit}"));
                if let Some(offset) = offset {
                    out.push_sql(&format!(" OFFSET {offset}"));
                }
            }
            (None, Some(offset)) => out.push_sql(&format!(" LIMIT {} OFFSET {offset}", i64::MAX)),
            (None, None) => {}
        }
        out.push_sql(match self.lock {
            Lock::Wait => " FOR UPDATE",
            Lock::NoWait => " FOR UPDATE NOWAIT",
            Lock::SkipLocked => " FOR UPDATE SKIP LOCKED",
        });
        Ok(())
    }
}

impl QueryId for LockKeys {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for LockKeys {
    type SqlType = Text;
}

impl RunQueryDsl<AnyConnection> for LockKeys {}
