//! Hand-written statements with bound parameters, read by column name: a
//! model (its derive reads it by name), or a row type of one's own
//! deriving diesel's `QueryableByName`.
//!
//! Each `?` outside quotes marks a parameter; diesel writes the backend's
//! marker in its place (`$1` on PostgreSQL) and binds the value there, so a
//! statement is prepared once per connection and kept like the generated
//! queries.

use diesel::deserialize::QueryableByName;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Untyped;
use diesel::{QueryResult, RunQueryDsl};

use super::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::query::bound::Bound;
use crate::value::Value;

/// Runs `sql` with `params` bound to its `?` in order and reads every row
/// by column name. The statement is the caller's, in the connection's SQL
/// dialect (quoting); values are only ever bound, never written into it.
///
/// ```
/// # fn main() -> orm_core::Result<()> {
/// use diesel::QueryableByName;
/// use orm_core::Value;
///
/// #[derive(QueryableByName)]
/// struct Sum {
///     #[diesel(sql_type = diesel::sql_types::BigInt)]
///     total: i64,
/// }
///
/// let db = orm_core::Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// let rows: Vec<Sum> = orm_core::db::load_raw(
///     &mut conn,
///     "SELECT CAST(? + ? AS BIGINT) AS total",
///     &[Value::BigInt(40), Value::BigInt(2)],
/// )?;
/// assert_eq!(rows[0].total, 42);
/// # Ok(()) }
/// ```
pub fn load_raw<T>(conn: &mut AnyConnection, sql: &str, params: &[Value]) -> Result<Vec<T>>
where
    T: QueryableByName<MultiBackend> + 'static,
{
    Ok(Statement::new(sql, params)?.load::<T>(conn)?)
}

/// A statement cut at its parameters, with their values.
struct Statement<'s> {
    parts: Vec<&'s str>,
    binds: Vec<Bound>,
}

impl<'s> Statement<'s> {
    /// `sql` cut at each `?` outside quotes; as many `params` as there are
    /// `?`, or [`Error::InvalidValue`].
    fn new(sql: &'s str, params: &[Value]) -> Result<Statement<'s>> {
        let mut parts = Vec::new();
        let mut quote: Option<char> = None;
        let mut start = 0;
        for (i, c) in sql.char_indices() {
            match (quote, c) {
                (None, '\'' | '"' | '`') => quote = Some(c),
                (Some(open), _) if c == open => quote = None,
                (None, '?') => {
                    parts.push(&sql[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&sql[start..]);
        if parts.len() != params.len() + 1 {
            return Err(Error::InvalidValue {
                field: "params".to_owned(),
                message: format!(
                    "the statement has {} parameters (`?`), {} values were given",
                    parts.len() - 1,
                    params.len()
                ),
            });
        }
        let binds = params.iter().cloned().map(Bound::of).collect();
        Ok(Statement { parts, binds })
    }
}

impl QueryFragment<MultiBackend> for Statement<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        for (i, part) in self.parts.iter().enumerate() {
            out.push_sql(part);
            if let Some(bound) = self.binds.get(i) {
                bound.push(&mut out)?;
            }
        }
        Ok(())
    }
}

impl QueryId for Statement<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement<'_> {
    type SqlType = Untyped;
}

impl RunQueryDsl<AnyConnection> for Statement<'_> {}
