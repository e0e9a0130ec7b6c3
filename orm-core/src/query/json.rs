//! Lookups into JSON fields by key (Django's `data__owner__name="ada"` and
//! `data__has_key="owner"`): the value at a path of keys compared with a
//! JSON value, or the presence of a key. Keys are bound as parameters,
//! never written into the statement.
//!
//! - PostgreSQL: `data -> 'owner' -> 'name' = CAST($1 AS jsonb)`, and the
//!   `?` operator for a key.
//! - SQLite: `data -> '$."owner"."name"' = json(?)`, and `json_type`.
//! - MariaDB: `JSON_COMPACT(JSON_EXTRACT(data, '$."owner"."name"')) =
//!   JSON_COMPACT(?)`, and `JSON_CONTAINS_PATH`.
//!
//! ```
//! # fn main() -> orm_core::Result<()> {
//! use orm_core::prelude::*;
//! use serde_json::json;
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs_json")]
//! pub struct Event {
//!     pub id: i64,
//!     pub data: serde_json::Value,
//! }
//!
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Event::schema()])?;
//! Event { id: 0, data: json!({"owner": {"name": "ada"}, "tags": [1, 2]}) }.save(&mut conn)?;
//! let by_ada = Event::objects().filter(Event::DATA.key(["owner", "name"]).eq("ada"));
//! assert_eq!(by_ada.count(&mut conn)?, 1);
//! assert_eq!(Event::objects().filter(Event::DATA.key(["tags"]).eq(json!([1, 2]))).count(&mut conn)?, 1);
//! assert_eq!(Event::objects().filter(Event::DATA.has_key("owner")).count(&mut conn)?, 1);
//! // By name, as query strings write it:
//! assert_eq!(Event::objects().filter_by("data__owner__name", "ada")?.count(&mut conn)?, 1);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::QueryResult;

use super::bound::Bound;
use super::dates::Backend;
use super::field::Field;
use super::filter::Filter;
use super::lookup::{JsonTest, Q};
use super::sql::SqlCondition;
use crate::db::MultiBackend;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::{FieldKind, ModelSchema};
use crate::value::{FieldType, Value};

/// JSON field types: `serde_json::Value` and its `Option`.
pub trait JsonField: FieldType {}
impl JsonField for serde_json::Value {}
impl JsonField for Option<serde_json::Value> {}

/// The value at a path of keys in a JSON field: see [`Field::key`].
#[derive(Debug, Clone)]
pub struct JsonKey<M> {
    field: usize,
    path: Vec<String>,
    _marker: PhantomData<fn() -> M>,
}

impl<M: Model, T: JsonField> Field<M, T> {
    /// The value at a path of keys in this JSON field (Django's
    /// `data__owner__name`): `Event::DATA.key(["owner", "name"]).eq("ada")`.
    pub fn key<S: Into<String>>(self, path: impl IntoIterator<Item = S>) -> JsonKey<M> {
        JsonKey {
            field: self.index(),
            path: path.into_iter().map(Into::into).collect(),
            _marker: PhantomData,
        }
    }

    /// Rows whose JSON object has the key `key` at its top (Django's
    /// `has_key`).
    pub fn has_key(self, key: &str) -> Filter<M> {
        self.key([key]).exists()
    }
}

impl<M> JsonKey<M> {
    /// Rows where the value at the path is this JSON value (a string, a
    /// number, a boolean, an array or an object; `json!(null)` for a JSON
    /// `null`).
    pub fn eq(self, value: impl Into<serde_json::Value>) -> Filter<M> {
        self.test(JsonTest::Equals(value.into()))
    }

    /// Rows where the path exists.
    pub fn exists(self) -> Filter<M> {
        self.test(JsonTest::HasKey)
    }

    fn test(self, test: JsonTest) -> Filter<M> {
        Filter::new(Q::Json {
            field: self.field,
            path: self.path,
            test,
        })
    }
}

/// The condition of a JSON lookup on `schema`'s table.
pub(crate) fn condition(
    schema: &ModelSchema,
    field: usize,
    path: &[String],
    test: &JsonTest,
) -> Result<SqlCondition> {
    let f = schema.field_at(field)?;
    if f.kind != FieldKind::Json {
        return Err(Error::InvalidLookup {
            field: f.name.to_string(),
            lookup: "a key lookup (the field is not JSON)".to_owned(),
        });
    }
    if path.is_empty() {
        return Err(Error::InvalidLookup {
            field: f.name.to_string(),
            lookup: "a key lookup without a key".to_owned(),
        });
    }
    let equals = match test {
        JsonTest::Equals(value) => Some(Bound::of(Value::Text(value.to_string()))),
        JsonTest::HasKey => None,
    };
    Ok(SqlCondition::new(JsonCondition {
        table: schema.table.to_string(),
        column: f.column.to_string(),
        keys: path
            .iter()
            .map(|key| Bound::of(Value::Text(key.clone())))
            .collect(),
        json_path: Bound::of(Value::Text(json_path(path))),
        equals,
    }))
}

/// `$."a"."b"`: the path in the SQL/JSON path syntax, each key quoted.
fn json_path(path: &[String]) -> String {
    let mut out = String::from("$");
    for key in path {
        out.push_str(".\"");
        for c in key.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out
}

/// A lookup into `table.column`.
struct JsonCondition {
    table: String,
    column: String,
    /// The keys, each bound (PostgreSQL's `->`).
    keys: Vec<Bound>,
    /// The whole path, bound (SQLite's and MariaDB's).
    json_path: Bound,
    /// The JSON text compared with, or `None` for a presence test.
    equals: Option<Bound>,
}

impl JsonCondition {
    fn column<'b>(&'b self, out: &mut AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_identifier(&self.table)?;
        out.push_sql(".");
        out.push_identifier(&self.column)
    }
}

impl QueryFragment<MultiBackend> for JsonCondition {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let backend = Backend::of(out.backend());
        match (backend, &self.equals) {
            (Backend::Postgres, equals) => {
                let (last, leading) = self.keys.split_last().ok_or_else(|| {
                    diesel::result::Error::QueryBuilderError("a JSON path without keys".into())
                })?;
                out.push_sql("(");
                self.column(&mut out)?;
                for key in leading {
                    out.push_sql(" -> ");
                    key.push(&mut out)?;
                }
                match equals {
                    Some(value) => {
                        out.push_sql(" -> ");
                        last.push(&mut out)?;
                        out.push_sql(") = CAST(");
                        value.push(&mut out)?;
                        out.push_sql(" AS jsonb)");
                    }
                    None => {
                        // `?`: whether an object has a key.
                        out.push_sql(") ? ");
                        last.push(&mut out)?;
                    }
                }
            }
            (Backend::Sqlite, Some(value)) => {
                out.push_sql("(");
                self.column(&mut out)?;
                out.push_sql(" -> ");
                self.json_path.push(&mut out)?;
                out.push_sql(") = json(");
                value.push(&mut out)?;
                out.push_sql(")");
            }
            (Backend::Sqlite, None) => {
                out.push_sql("json_type(");
                self.column(&mut out)?;
                out.push_sql(", ");
                self.json_path.push(&mut out)?;
                out.push_sql(") IS NOT NULL");
            }
            (Backend::Mysql, Some(value)) => {
                out.push_sql("JSON_COMPACT(JSON_EXTRACT(");
                self.column(&mut out)?;
                out.push_sql(", ");
                self.json_path.push(&mut out)?;
                out.push_sql(")) = JSON_COMPACT(");
                value.push(&mut out)?;
                out.push_sql(")");
            }
            (Backend::Mysql, None) => {
                out.push_sql("JSON_CONTAINS_PATH(");
                self.column(&mut out)?;
                out.push_sql(", 'one', ");
                self.json_path.push(&mut out)?;
                out.push_sql(") = 1");
            }
        }
        Ok(())
    }
}

impl QueryId for JsonCondition {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// A key lookup by name (`data__owner__name`, `data__has_key`), the value
/// read as JSON where it is JSON (`42`, `true`, `[1]`), else as a string.
pub(crate) fn from_name(schema: &ModelSchema, name: &str, text: &str) -> Option<Q> {
    let (first, rest) = name.split_once("__")?;
    let field = schema.field_index(first)?;
    if schema.fields[field].kind != FieldKind::Json {
        return None;
    }
    if rest == "has_key" {
        return Some(Q::Json {
            field,
            path: vec![text.to_owned()],
            test: JsonTest::HasKey,
        });
    }
    let value =
        serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()));
    Some(Q::Json {
        field,
        path: rest.split("__").map(str::to_owned).collect(),
        test: JsonTest::Equals(value),
    })
}
