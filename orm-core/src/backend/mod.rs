//! What differs between the backends: DDL and schema changes.

pub mod ddl;
pub mod full_text;
pub mod schema_editor;
