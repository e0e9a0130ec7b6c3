//! SQL functions used by the generated queries, declared once and typed.

use diesel::sql_types::Text;

diesel::define_sql_function! {
    /// `lower(text)`: case folding for case-insensitive lookups.
    fn lower(x: Text) -> Text;
}

diesel::define_sql_function! {
    /// SQLite's id of the last inserted row.
    fn last_insert_rowid() -> diesel::sql_types::BigInt;
}

#[cfg(feature = "postgres")]
diesel::define_sql_function! {
    /// PostgreSQL's last value handed out by a sequence in this session.
    fn lastval() -> diesel::sql_types::BigInt;
}

#[cfg(feature = "mysql")]
diesel::define_sql_function! {
    /// MySQL's id of the last inserted row on this connection.
    #[sql_name = "LAST_INSERT_ID"]
    fn last_insert_id() -> diesel::sql_types::Unsigned<diesel::sql_types::BigInt>;
}
