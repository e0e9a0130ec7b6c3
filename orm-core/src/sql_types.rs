//! SQL types whose storage differs per backend.
//!
//! A UUID is a native `uuid` on PostgreSQL and text elsewhere; a JSON document
//! is `jsonb` on PostgreSQL and text elsewhere; a date and time is bound as
//! MySQL's `DATETIME` (diesel's `Timestamp` binds MySQL's `TIMESTAMP`,
//! whose range is 1970 to 2038). These types bind and read the right
//! representation on each connection behind [`AnyConnection`].
//!
//! [`AnyConnection`]: crate::db::AnyConnection

#[cfg(feature = "mysql")]
use std::io::Write;

use diesel::deserialize::{self, FromSql};
use diesel::query_builder::QueryId;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{HasSqlType, SqlType, Text, Timestamp};

use crate::db::MultiBackend;

/// A UUID column: `uuid` on PostgreSQL, `char(36)` text elsewhere.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
#[cfg_attr(
    feature = "postgres",
    diesel(postgres_type(oid = 2950, array_oid = 2951))
)]
#[diesel(sqlite_type(name = "Text"))]
#[cfg_attr(feature = "mysql", diesel(mysql_type(name = "String")))]
pub struct UuidText;

/// A JSON column: `jsonb` on PostgreSQL, text elsewhere.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
#[cfg_attr(
    feature = "postgres",
    diesel(postgres_type(oid = 3802, array_oid = 3807))
)]
#[diesel(sqlite_type(name = "Text"))]
#[cfg_attr(feature = "mysql", diesel(mysql_type(name = "String")))]
pub struct JsonText;

/// A date and time column (UTC, no zone): diesel's `Timestamp` on SQLite
/// and PostgreSQL, bound as `DATETIME` on MySQL and MariaDB, where a
/// `TIMESTAMP` parameter outside 1970-2038 is stored as NULL.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
#[cfg_attr(
    feature = "postgres",
    diesel(postgres_type(oid = 1114, array_oid = 1115))
)]
#[diesel(sqlite_type(name = "Text"))]
#[cfg_attr(feature = "mysql", diesel(mysql_type(name = "DateTime")))]
pub struct DateTimeUtc;

impl diesel::sql_types::SqlOrd for DateTimeUtc {}

/// A UUID as bound to and read from a [`UuidText`] column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = UuidText)]
pub struct UuidValue(pub uuid::Uuid);

/// A JSON document as bound to and read from a [`JsonText`] column.
#[derive(Debug, Clone, PartialEq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = JsonText)]
pub struct JsonValue(pub serde_json::Value);

fn parse_uuid(text: &str) -> deserialize::Result<uuid::Uuid> {
    Ok(uuid::Uuid::parse_str(text)?)
}

impl ToSql<UuidText, diesel::sqlite::Sqlite> for UuidValue {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::sqlite::Sqlite>) -> serialize::Result {
        out.set_value(self.0.hyphenated().to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<UuidText, diesel::sqlite::Sqlite> for UuidValue {
    fn from_sql(bytes: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, diesel::sqlite::Sqlite>>::from_sql(bytes)?;
        parse_uuid(&text).map(UuidValue)
    }
}

impl ToSql<JsonText, diesel::sqlite::Sqlite> for JsonValue {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::sqlite::Sqlite>) -> serialize::Result {
        out.set_value(serde_json::to_string(&self.0)?);
        Ok(IsNull::No)
    }
}

impl FromSql<JsonText, diesel::sqlite::Sqlite> for JsonValue {
    fn from_sql(bytes: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, diesel::sqlite::Sqlite>>::from_sql(bytes)?;
        Ok(JsonValue(serde_json::from_str(&text)?))
    }
}

#[cfg(feature = "postgres")]
mod pg {
    use super::*;
    use diesel::pg::{Pg, PgValue};

    impl ToSql<UuidText, Pg> for UuidValue {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            <uuid::Uuid as ToSql<diesel::sql_types::Uuid, Pg>>::to_sql(&self.0, out)
        }
    }

    impl FromSql<UuidText, Pg> for UuidValue {
        fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
            <uuid::Uuid as FromSql<diesel::sql_types::Uuid, Pg>>::from_sql(bytes).map(UuidValue)
        }
    }

    impl ToSql<JsonText, Pg> for JsonValue {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            <serde_json::Value as ToSql<diesel::sql_types::Jsonb, Pg>>::to_sql(&self.0, out)
        }
    }

    impl FromSql<JsonText, Pg> for JsonValue {
        fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
            <serde_json::Value as FromSql<diesel::sql_types::Jsonb, Pg>>::from_sql(bytes)
                .map(JsonValue)
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    use diesel::mysql::{Mysql, MysqlValue};

    impl ToSql<UuidText, Mysql> for UuidValue {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            out.write_all(self.0.hyphenated().to_string().as_bytes())?;
            Ok(IsNull::No)
        }
    }

    impl FromSql<UuidText, Mysql> for UuidValue {
        fn from_sql(bytes: MysqlValue<'_>) -> deserialize::Result<Self> {
            let text = <String as FromSql<Text, Mysql>>::from_sql(bytes)?;
            parse_uuid(&text).map(UuidValue)
        }
    }

    impl ToSql<JsonText, Mysql> for JsonValue {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            serde_json::to_writer(out, &self.0)?;
            Ok(IsNull::No)
        }
    }

    impl FromSql<JsonText, Mysql> for JsonValue {
        fn from_sql(bytes: MysqlValue<'_>) -> deserialize::Result<Self> {
            let text = <String as FromSql<Text, Mysql>>::from_sql(bytes)?;
            Ok(JsonValue(serde_json::from_str(&text)?))
        }
    }
}

macro_rules! multi_backend_type {
    ($sql:ty, $rust:ty) => {
        impl HasSqlType<$sql> for MultiBackend {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                MultiBackend::lookup_sql_type::<$sql>(lookup)
            }
        }

        impl FromSql<$sql, MultiBackend> for $rust {
            fn from_sql(
                bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, $sql>()
            }
        }

        impl ToSql<$sql, MultiBackend> for $rust {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((<$sql>::default(), self));
                Ok(IsNull::No)
            }
        }
    };
}

multi_backend_type!(UuidText, UuidValue);
multi_backend_type!(JsonText, JsonValue);

/// A date and time (UTC, no zone) as bound to and read from a `Timestamp`
/// column. It reads and writes what [`NaiveDateTime`] does on every
/// backend; on SQLite, where a timestamp is text, the format this crate
/// writes (`2024-05-01 12:30:00.123456`) is read by a direct parser instead
/// of trying chrono's format strings one after another, which cost more
/// than the rest of a row. Any other text goes to diesel's own parser.
///
/// [`NaiveDateTime`]: chrono::NaiveDateTime
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = DateTimeUtc)]
pub struct TimestampValue(pub chrono::NaiveDateTime);

impl FromSql<DateTimeUtc, diesel::sqlite::Sqlite> for TimestampValue {
    fn from_sql(mut value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if value.value_type() == Some(diesel::sqlite::SqliteType::Text) {
            if let Some(parsed) = parse_sqlite_timestamp(value.read_text().as_bytes()) {
                return Ok(TimestampValue(parsed));
            }
        }
        <chrono::NaiveDateTime as FromSql<Timestamp, diesel::sqlite::Sqlite>>::from_sql(value)
            .map(TimestampValue)
    }
}

impl ToSql<DateTimeUtc, diesel::sqlite::Sqlite> for TimestampValue {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::sqlite::Sqlite>) -> serialize::Result {
        <chrono::NaiveDateTime as ToSql<Timestamp, diesel::sqlite::Sqlite>>::to_sql(&self.0, out)
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of up to nine digits
/// (a `T` may stand for the space); `None` for anything else.
fn parse_sqlite_timestamp(text: &[u8]) -> Option<chrono::NaiveDateTime> {
    fn number(digits: &[u8]) -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    }
    if text.len() < 19
        || text[4] != b'-'
        || text[7] != b'-'
        || !matches!(text[10], b' ' | b'T')
        || text[13] != b':'
        || text[16] != b':'
    {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(number(&text[0..4])?).ok()?,
        number(&text[5..7])?,
        number(&text[8..10])?,
    )?;
    let nanos = match &text[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            number(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let time = chrono::NaiveTime::from_hms_nano_opt(
        number(&text[11..13])?,
        number(&text[14..16])?,
        number(&text[17..19])?,
        nanos,
    )?;
    Some(date.and_time(time))
}

#[cfg(feature = "postgres")]
mod pg_timestamp {
    use super::*;
    use diesel::pg::{Pg, PgValue};

    impl FromSql<DateTimeUtc, Pg> for TimestampValue {
        fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
            <chrono::NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(bytes).map(TimestampValue)
        }
    }

    impl ToSql<DateTimeUtc, Pg> for TimestampValue {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            <chrono::NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql_timestamp {
    use super::*;
    use diesel::mysql::{Mysql, MysqlValue};

    use diesel::mysql::sql_types::Datetime;

    impl FromSql<DateTimeUtc, Mysql> for TimestampValue {
        fn from_sql(bytes: MysqlValue<'_>) -> deserialize::Result<Self> {
            <chrono::NaiveDateTime as FromSql<Datetime, Mysql>>::from_sql(bytes).map(TimestampValue)
        }
    }

    impl ToSql<DateTimeUtc, Mysql> for TimestampValue {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            <chrono::NaiveDateTime as ToSql<Datetime, Mysql>>::to_sql(&self.0, out)
        }
    }
}

multi_backend_type!(DateTimeUtc, TimestampValue);

#[cfg(test)]
mod tests {
    use super::parse_sqlite_timestamp;

    #[test]
    fn reads_the_written_format_and_refuses_the_rest() {
        let parsed = |text: &str| parse_sqlite_timestamp(text.as_bytes()).map(|t| t.to_string());
        assert_eq!(
            parsed("2024-05-01 12:30:00.123456").as_deref(),
            Some("2024-05-01 12:30:00.123456")
        );
        assert_eq!(
            parsed("2024-05-01T12:30:00").as_deref(),
            Some("2024-05-01 12:30:00")
        );
        assert_eq!(
            parsed("2024-05-01 12:30:00.5").as_deref(),
            Some("2024-05-01 12:30:00.500")
        );
        for bad in [
            "2024-02-30 12:30:00",
            "2024-05-01 24:00:00",
            "2024-05-01 12:30:00+02:00",
            "2024-05-01 12:30:00.",
            "2024-05-01 12:30:00.1234567890",
            "2024-5-01 12:30:00",
            "+024-05-01 12:30:00",
            "",
        ] {
            assert_eq!(parsed(bad), None, "{bad}");
        }
    }
}
