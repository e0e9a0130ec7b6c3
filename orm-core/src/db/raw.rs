//! Hand-written statements with bound parameters, read by column name: a
//! model (its derive reads it by name), or a row type of one's own
//! deriving diesel's `QueryableByName`.

use diesel::deserialize::QueryableByName;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{
    BigInt, Binary, Bool, Date, Double, Float, Integer, Nullable, Numeric, SmallInt, Text, Time,
};
use diesel::RunQueryDsl;

use super::{AnyConnection, BackendKind};
use crate::error::Result;
use crate::sql_types::{DateTimeUtc, JsonText, JsonValue, TimestampValue, UuidText, UuidValue};
use crate::value::Value;

/// A row type readable by column name from every backend compiled in.
pub trait ByName: QueryableByName<diesel::sqlite::Sqlite> + ByNamePg + ByNameMysql {}

impl<T> ByName for T where T: QueryableByName<diesel::sqlite::Sqlite> + ByNamePg + ByNameMysql {}

/// Readable from a PostgreSQL row (when that backend is compiled in).
#[cfg(feature = "postgres")]
pub trait ByNamePg: QueryableByName<diesel::pg::Pg> {}
#[cfg(feature = "postgres")]
impl<T: QueryableByName<diesel::pg::Pg>> ByNamePg for T {}
/// Readable from a PostgreSQL row (when that backend is compiled in).
#[cfg(not(feature = "postgres"))]
pub trait ByNamePg {}
#[cfg(not(feature = "postgres"))]
impl<T> ByNamePg for T {}

/// Readable from a MySQL row (when that backend is compiled in).
#[cfg(feature = "mysql")]
pub trait ByNameMysql: QueryableByName<diesel::mysql::Mysql> {}
#[cfg(feature = "mysql")]
impl<T: QueryableByName<diesel::mysql::Mysql>> ByNameMysql for T {}
/// Readable from a MySQL row (when that backend is compiled in).
#[cfg(not(feature = "mysql"))]
pub trait ByNameMysql {}
#[cfg(not(feature = "mysql"))]
impl<T> ByNameMysql for T {}

/// The `n`th parameter placeholder (from 1) of `backend`: `$n` on
/// PostgreSQL, `?` elsewhere.
pub fn placeholder(backend: BackendKind, n: usize) -> String {
    match backend {
        BackendKind::Postgres => format!("${n}"),
        BackendKind::Sqlite | BackendKind::Mysql => "?".to_owned(),
    }
}

/// `sql` with each `?` outside quotes turned into `$1`, `$2`... for
/// PostgreSQL; unchanged for the other backends, and when it already
/// numbers its parameters (`$1`).
///
/// ```
/// use orm_core::db::{numbered_placeholders, BackendKind};
/// let sql = "SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?";
/// assert_eq!(
///     numbered_placeholders(sql, BackendKind::Postgres),
///     "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2"
/// );
/// assert_eq!(numbered_placeholders(sql, BackendKind::Sqlite), sql);
/// ```
pub fn numbered_placeholders(sql: &str, backend: BackendKind) -> std::borrow::Cow<'_, str> {
    if backend != BackendKind::Postgres || sql.contains("$1") {
        return sql.into();
    }
    let mut numbered = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut n = 0;
    for c in sql.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, '?') => {
                n += 1;
                numbered.push_str(&format!("${n}"));
                continue;
            }
            _ => {}
        }
        numbered.push(c);
    }
    numbered.into()
}

/// Runs `sql` with `params` bound in order and reads every row by column
/// name. The statement is the caller's, for the connection's backend
/// (quoting, [`placeholder`]s); values are only ever bound, never
/// written into it.
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
pub fn load_raw<T: ByName + 'static>(
    conn: &mut AnyConnection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<T>> {
    macro_rules! load {
        ($conn:expr, $backend:ty) => {{
            let mut query = diesel::sql_query(sql).into_boxed::<$backend>();
            for param in params {
                query = bind(query, param);
            }
            query.load::<T>($conn)?
        }};
    }
    Ok(match conn {
        AnyConnection::Sqlite(conn) => load!(conn, diesel::sqlite::Sqlite),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(conn) => load!(conn, diesel::pg::Pg),
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(conn) => load!(conn, diesel::mysql::Mysql),
    })
}

/// `query` with `value` bound as its next parameter, typed by its kind
/// (`NULL` as nullable text).
fn bind<'f, DB>(
    query: BoxedSqlQuery<'f, DB, diesel::query_builder::SqlQuery>,
    value: &Value,
) -> BoxedSqlQuery<'f, DB, diesel::query_builder::SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<Bool>
        + diesel::sql_types::HasSqlType<Numeric>
        + diesel::sql_types::HasSqlType<DateTimeUtc>
        + diesel::sql_types::HasSqlType<UuidText>
        + diesel::sql_types::HasSqlType<JsonText>
        + 'f,
    diesel::query_builder::SqlQuery: diesel::query_builder::QueryFragment<DB>,
    Option<String>: diesel::serialize::ToSql<Nullable<Text>, DB>,
    bool: diesel::serialize::ToSql<Bool, DB>,
    i16: diesel::serialize::ToSql<SmallInt, DB>,
    i32: diesel::serialize::ToSql<Integer, DB>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    f32: diesel::serialize::ToSql<Float, DB>,
    f64: diesel::serialize::ToSql<Double, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
    bigdecimal::BigDecimal: diesel::serialize::ToSql<Numeric, DB>,
    TimestampValue: diesel::serialize::ToSql<DateTimeUtc, DB>,
    chrono::NaiveDate: diesel::serialize::ToSql<Date, DB>,
    chrono::NaiveTime: diesel::serialize::ToSql<Time, DB>,
    UuidValue: diesel::serialize::ToSql<UuidText, DB>,
    JsonValue: diesel::serialize::ToSql<JsonText, DB>,
    Vec<u8>: diesel::serialize::ToSql<Binary, DB>,
{
    match value.clone() {
        Value::Null => query.bind::<Nullable<Text>, _>(None::<String>),
        Value::Bool(v) => query.bind::<Bool, _>(v),
        Value::SmallInt(v) => query.bind::<SmallInt, _>(v),
        Value::Integer(v) => query.bind::<Integer, _>(v),
        Value::BigInt(v) => query.bind::<BigInt, _>(v),
        Value::Float(v) => query.bind::<Float, _>(v),
        Value::Double(v) => query.bind::<Double, _>(v),
        Value::Text(v) => query.bind::<Text, _>(v),
        Value::Decimal(v) => query.bind::<Numeric, _>(v),
        Value::DateTime(v) => query.bind::<DateTimeUtc, _>(TimestampValue(v.naive_utc())),
        Value::Date(v) => query.bind::<Date, _>(v),
        Value::Time(v) => query.bind::<Time, _>(v),
        Value::Uuid(v) => query.bind::<UuidText, _>(UuidValue(v)),
        Value::Json(v) => query.bind::<JsonText, _>(JsonValue(v)),
        Value::Binary(v) => query.bind::<Binary, _>(v),
    }
}
