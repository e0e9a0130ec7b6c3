//! SQL types whose storage differs per backend.
//!
//! A UUID is a native `uuid` on PostgreSQL and text elsewhere; a JSON document
//! is `jsonb` on PostgreSQL and text elsewhere. These types bind and read the
//! right representation on each connection behind [`AnyConnection`].
//!
//! [`AnyConnection`]: crate::db::AnyConnection

#[cfg(feature = "mysql")]
use std::io::Write;

use diesel::deserialize::{self, FromSql};
use diesel::query_builder::QueryId;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{HasSqlType, SqlType, Text};

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
