//! Django-style models on diesel: declare a struct once and get its schema,
//! typed queries and the description the admin and migrations work from.
//!
//! ```
//! use orm_core::prelude::*;
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs", ordering = ["name"])]
//! pub struct Tag {
//!     pub id: i64,
//!     #[field(max_length = 50, unique)]
//!     pub name: String,
//! }
//!
//! # fn main() -> orm_core::Result<()> {
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Tag::schema()])?;
//! let mut tag = Tag { id: 0, name: "rust".into() };
//! tag.save(&mut conn)?;
//! let found = Tag::objects().filter(Tag::NAME.icontains("RU")).get(&mut conn)?;
//! assert_eq!(found.id, tag.id);
//! # Ok(()) }
//! ```
//!
//! | feature | what it adds |
//! |---|---|
//! | (none) | SQLite, bundled: nothing to install |
//! | `postgres` | PostgreSQL through the system libpq (`libpq-dev`) |
//! | `mysql` | MySQL/MariaDB through libmysqlclient (`default-libmysqlclient-dev`) |

#![cfg_attr(test, allow(clippy::unwrap_used))]

extern crate self as orm_core;

pub mod backend;
pub mod checks;
pub mod constraints;
pub mod cursor;
pub mod db;
pub mod deletion;
mod error;
mod field_values;
pub mod fields;
pub mod fixtures;
pub mod forms;
pub mod model;
pub mod model_admin;
pub mod pagination;
#[doc(hidden)]
pub mod placeholder;
pub mod query;
mod registry;
mod repr;
pub mod schema;
pub mod signals;
pub mod sql_types;
pub mod storage;
mod timestamps;
pub mod validation;
pub mod value;
pub mod views;

#[doc(hidden)]
pub mod __private;

pub use db::{atomic, AnyConnection, Db};
pub use error::{database_message, Error, Result};
pub use fields::{Choices, ForeignKey, OneToOne};
pub use forms::Form;
pub use model::{registered_models, Model, ModelOps};
pub use orm_derive::{Choices, Form, Model};
pub use pagination::Page;
pub use query::{Aggregate, Filter, QuerySet, Q};
pub use value::{FieldType, Value};

/// Creates the tables (and indexes) of the given models, in order, with the
/// backend's DDL. Tests and quick starts use it; projects use migrations.
pub fn create_tables(conn: &mut AnyConnection, schemas: &[&schema::ModelSchema]) -> Result<()> {
    use diesel::connection::SimpleConnection;
    let backend = conn.backend();
    for schema in schemas {
        let ddl = backend::ddl::create_table(schema, backend, true);
        conn.batch_execute(&ddl.create_table)?;
        for statement in ddl.indexes.iter().chain(&ddl.foreign_keys) {
            conn.batch_execute(statement)?;
        }
    }
    Ok(())
}

/// Drops the tables of the given models, in order, when they exist.
pub fn drop_tables(conn: &mut AnyConnection, schemas: &[&schema::ModelSchema]) -> Result<()> {
    use diesel::connection::SimpleConnection;
    let backend = conn.backend();
    for schema in schemas {
        let sql = backend::ddl::drop_table(&schema.table, backend).replacen(
            "DROP TABLE",
            "DROP TABLE IF EXISTS",
            1,
        );
        conn.batch_execute(&sql)?;
    }
    Ok(())
}

/// What a module using models needs in scope.
pub mod prelude {
    pub use crate::db::{AnyConnection, Db};
    pub use crate::fields::{Choices, ForeignKey, ManyToMany, OneToOne};
    pub use crate::forms::Form;
    pub use crate::model::Model;
    pub use crate::query::{Aggregate, Filter, QuerySet};
    pub use crate::validation::{Clean, ValidationErrors};
    pub use bigdecimal::BigDecimal;
    pub use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
    pub use orm_derive::{Choices, Form, Model};
    pub use uuid::Uuid;
}
