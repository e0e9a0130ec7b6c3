//! What differs between the backends: DDL.

pub mod ddl;
