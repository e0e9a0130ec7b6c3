//! What differs between the backends: DDL and schema changes.

pub mod ddl;
pub mod schema_editor;
