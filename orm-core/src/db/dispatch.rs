//! Statements run on the backend's own connection (the statement cache
//! keyed by type, `RETURNING`, `LAST_INSERT_ID()`), chosen at run time from
//! the backends compiled in.

use diesel::prelude::*;

use crate::error::{Error, Result};
use crate::model::Model;

/// Emits the tokens only when PostgreSQL support is compiled in.
#[cfg(feature = "postgres")]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_postgres {
    ($($tokens:tt)*) => { $($tokens)* };
}

/// Emits the tokens only when PostgreSQL support is compiled in.
#[cfg(not(feature = "postgres"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_postgres {
    ($($tokens:tt)*) => {};
}

/// Emits the tokens only when MySQL support is compiled in.
#[cfg(feature = "mysql")]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_mysql {
    ($($tokens:tt)*) => { $($tokens)* };
}

/// Emits the tokens only when MySQL support is compiled in.
#[cfg(not(feature = "mysql"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __if_mysql {
    ($($tokens:tt)*) => {};
}

/// Most rows in one multi-row `INSERT`: long enough that the statement's
/// round trip and parsing no longer count, short enough to stay far from
/// packet limits.
const MAX_ROWS_PER_INSERT: usize = 1_000;

/// How many rows of `columns` values one multi-row `INSERT` takes on
/// `backend`: at most `MAX_ROWS_PER_INSERT`, and under the backend's limit
/// on bound parameters (32,766 on SQLite, 65,535 on the servers).
pub fn rows_per_insert(backend: crate::db::BackendKind, columns: usize) -> usize {
    let parameters = match backend {
        crate::db::BackendKind::Sqlite => 32_766,
        _ => 65_535,
    };
    (parameters / columns.max(1)).clamp(1, MAX_ROWS_PER_INSERT)
}

/// The keys that `RETURNING` gave for the rows of one `INSERT`, in the order
/// of its `VALUES`. SQLite does not promise to return rows in that order,
/// but both it and PostgreSQL hand out increasing keys as they insert the
/// rows in order, so sorting restores it.
pub fn returned_keys<K>(keys: QueryResult<Vec<K>>) -> Result<Vec<i64>>
where
    i64: From<K>,
{
    let mut keys: Vec<i64> = keys?.into_iter().map(i64::from).collect();
    keys.sort_unstable();
    Ok(keys)
}

/// `$body` with `$c` bound to the backend's own connection inside `$conn`
/// (SQLite's, PostgreSQL's or MySQL's, as compiled into orm-core). Through
/// the multi-backend layer a statement's SQL is built again for every call
/// (a third of a lookup by primary key); on the backend's own connection a
/// statement of static type is found in the statement cache by its type.
#[macro_export]
#[doc(hidden)]
macro_rules! __on_own_connection {
    ($conn:expr, $c:ident => $body:expr) => {{
        let conn: &mut $crate::__private::AnyConnection = $conn;
        #[allow(irrefutable_let_patterns, unreachable_code)]
        'own: {
            if let $crate::__private::AnyConnection::Sqlite($c) = &mut *conn {
                break 'own $body;
            }
            $crate::__private::__if_postgres! {
                if let $crate::__private::AnyConnection::Postgres($c) = &mut *conn {
                    break 'own $body;
                }
            }
            $crate::__private::__if_mysql! {
                if let $crate::__private::AnyConnection::Mysql($c) = &mut *conn {
                    break 'own $body;
                }
            }
            let $c = conn;
            $body
        }
    }};
}

/// The keys MySQL gave to the `rows` rows of the `INSERT` just run on
/// `conn`: `LAST_INSERT_ID()` is the first one, the others follow it by
/// `@@auto_increment_increment`. InnoDB reserves the keys of a multi-row
/// `INSERT ... VALUES` (whose row count is known in advance) in one block,
/// in every `innodb_autoinc_lock_mode`, so they are consecutive.
#[cfg(feature = "mysql")]
pub fn mysql_inserted_keys(
    conn: &mut diesel::mysql::MysqlConnection,
    rows: usize,
) -> Result<Vec<i64>> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let (first, step): (i64, i64) = diesel::select((
        sql::<BigInt>("CAST(LAST_INSERT_ID() AS SIGNED)"),
        sql::<BigInt>("CAST(@@auto_increment_increment AS SIGNED)"),
    ))
    .get_result(conn)?;
    Ok((0..rows as i64).map(|i| first + i * step).collect())
}

/// Gives each object its key, in order.
pub fn set_keys<M: Model>(objects: &mut [M], keys: Vec<i64>) -> Result<()>
where
    M::Pk: TryFrom<i64>,
    <M::Pk as TryFrom<i64>>::Error: std::fmt::Display,
{
    if keys.len() != objects.len() {
        return Err(Error::Internal(format!(
            "{} rows inserted into {} but {} keys returned",
            objects.len(),
            M::schema().table,
            keys.len()
        )));
    }
    for (object, key) in objects.iter_mut().zip(keys) {
        let pk = M::Pk::try_from(key)
            .map_err(|e| Error::Internal(format!("generated key {key} does not fit: {e}")))?;
        object.set_pk(pk);
    }
    Ok(())
}

/// Runs `INSERT INTO $table ... VALUES $values` (one row's tuple of
/// `column.eq(value)`, or a `Vec` of them: `$rows` rows) on the concrete
/// connection, and evaluates to the keys the database generated for column
/// `$pk` (of Rust type `$key`), in the order of the rows: `RETURNING` on
/// SQLite and PostgreSQL, `LAST_INSERT_ID()` on MySQL.
#[macro_export]
#[doc(hidden)]
macro_rules! __insert_keys {
    ($conn:expr, $table:expr, $pk:expr, $key:ty, $values:expr, $rows:expr) => {{
        use $crate::__private::diesel::prelude::*;
        let conn: &mut $crate::__private::AnyConnection = $conn;
        let rows: usize = $rows;
        let keys: $crate::__private::Result<::std::vec::Vec<i64>> = 'keys: {
            #[allow(irrefutable_let_patterns)]
            if let $crate::__private::AnyConnection::Sqlite(c) = &mut *conn {
                if rows == 1 {
                    // One row: a plain INSERT then `last_insert_rowid()`
                    // (both cached statements). RETURNING buffers its rows
                    // in a temporary table: 1.8x the time of the pair.
                    break 'keys match $crate::__private::diesel::insert_into($table)
                        .values($values)
                        .execute(c)
                    {
                        Ok(_) => match conn.last_insert_id() {
                            Ok(key) => Ok(::std::vec![key]),
                            Err(e) => Err(e.into()),
                        },
                        Err(e) => Err(e.into()),
                    };
                }
                let keys = $crate::__private::diesel::insert_into($table)
                    .values($values)
                    .returning($pk)
                    .get_results::<$key>(c);
                break 'keys $crate::__private::returned_keys(keys);
            }
            $crate::__private::__if_postgres! {
                if let $crate::__private::AnyConnection::Postgres(c) = &mut *conn {
                    let keys = $crate::__private::diesel::insert_into($table)
                        .values($values)
                        .returning($pk)
                        .get_results::<$key>(c);
                    break 'keys $crate::__private::returned_keys(keys);
                }
            }
            $crate::__private::__if_mysql! {
                if let $crate::__private::AnyConnection::Mysql(c) = &mut *conn {
                    break 'keys match $crate::__private::diesel::insert_into($table)
                        .values($values)
                        .execute(c)
                    {
                        Ok(_) => $crate::__private::mysql_inserted_keys(c, rows),
                        Err(e) => Err(e.into()),
                    };
                }
            }
            let _ = rows;
            Err($crate::__private::Error::Internal(
                "no backend took the insert".into(),
            ))
        };
        keys
    }};
}
