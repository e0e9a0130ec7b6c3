//! Database functions over expressions (Django's `Lower`, `Upper`,
//! `Length`, `Concat`, `Coalesce`, `Extract`, `Trunc` and `Now`), typed
//! like the values they
//! compute, and usable wherever an [`Expr`] is: in filters
//! (`Lower(F(Tag::NAME)).eq("rust")`), in updates (`Tag::NAME.set_to(...)`)
//! and as [annotations](super::Values::annotate_expr) of rows of values.
//!
//! ```
//! # fn main() -> orm_core::Result<()> {
//! use orm_core::prelude::*;
//! use orm_core::query::{Coalesce, Concat, Length, Lower, Upper, F};
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs_functions")]
//! pub struct Tag {
//!     pub id: i64,
//!     #[field(max_length = 20)]
//!     pub name: String,
//!     #[field(max_length = 20)]
//!     pub note: Option<String>,
//! }
//!
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Tag::schema()])?;
//! let mut tag = Tag { id: 0, name: "Rust".into(), note: None };
//! tag.save(&mut conn)?;
//! assert_eq!(Tag::objects().filter(Lower(F(Tag::NAME)).eq("rust")).count(&mut conn)?, 1);
//! assert_eq!(Tag::objects().filter(Length(F(Tag::NAME)).gt(3)).count(&mut conn)?, 1);
//! Tag::objects().update(&mut conn, vec![
//!     Tag::NAME.set_to(Upper(F(Tag::NAME))),
//!     Tag::NOTE.set_to(Concat([F(Tag::NOTE), Coalesce(F(Tag::NOTE), "none".to_owned()).into()])),
//! ])?;
//! tag.refresh(&mut conn)?;
//! assert_eq!((tag.name.as_str(), tag.note.as_deref()), ("RUST", Some("none")));
//! # Ok(()) }
//! ```

#![allow(non_snake_case)]

use super::dates::Dated;
use super::expressions::{Expr, IntoExpr};
use super::field::TextField;
use super::lookup::{DatePart, Function, Tree, TruncUnit};
use crate::value::FieldType;

fn call<M, U>(function: Function, args: Vec<Tree>) -> Expr<M, U> {
    Expr::from_tree(Tree::Function(function, args))
}

/// The text in lower case: `LOWER(text)` (SQLite's changes ASCII letters
/// only, as in Django).
pub fn Lower<M, T: FieldType + TextField>(text: Expr<M, T>) -> Expr<M, T> {
    call(Function::Lower, vec![text.into_tree()])
}

/// The text in upper case: `UPPER(text)` (SQLite's changes ASCII letters
/// only).
pub fn Upper<M, T: FieldType + TextField>(text: Expr<M, T>) -> Expr<M, T> {
    call(Function::Upper, vec![text.into_tree()])
}

/// How many characters the text has (not bytes), `NULL` for `NULL`:
/// `LENGTH`, `CHAR_LENGTH` on MariaDB.
pub fn Length<M, T: FieldType + TextField>(text: Expr<M, T>) -> Expr<M, T::Length> {
    call(Function::Length, vec![text.into_tree()])
}

/// The texts joined, a `NULL` part counting as empty: `a || b` (`CONCAT`
/// on MariaDB), never `NULL`.
pub fn Concat<M, T: FieldType + TextField>(
    parts: impl IntoIterator<Item = Expr<M, T>>,
) -> Expr<M, T> {
    let parts = parts.into_iter().map(Expr::into_tree).collect();
    call(Function::Concat, parts)
}

/// The first value that is not `NULL`: `COALESCE(value, otherwise)`, of
/// the non-null type.
pub fn Coalesce<M, T>(value: Expr<M, Option<T>>, otherwise: impl IntoExpr<M, T>) -> Expr<M, T>
where
    T: FieldType,
    Option<T>: FieldType,
{
    call(
        Function::Coalesce,
        vec![value.into_tree(), otherwise.into_expr().into_tree()],
    )
}

/// A part of a date or time (Django's `Extract`, `ExtractMonth`, ...):
/// `Extract(F(Event::AT), DatePart::Month)` is 1 to 12, in UTC.
pub fn Extract<M, T: Dated>(value: Expr<M, T>, part: DatePart) -> Expr<M, T::Part> {
    call(Function::Extract(part), vec![value.into_tree()])
}

/// The year of a date or time (Django's `ExtractYear`).
pub fn ExtractYear<M, T: Dated>(value: Expr<M, T>) -> Expr<M, T::Part> {
    call(Function::ExtractYear, vec![value.into_tree()])
}

/// The date a date or time falls in, truncated to the first day of its
/// year, quarter or month, or to its day (Django's `TruncYear`,
/// `TruncMonth`, `TruncDate`...): rows per month are
/// `values(&[]).annotate_expr("month", Trunc(F(Event::AT), TruncUnit::Month))`.
pub fn Trunc<M, T: Dated>(value: Expr<M, T>, unit: TruncUnit) -> Expr<M, T::Day> {
    call(Function::Trunc(unit), vec![value.into_tree()])
}

/// The current date and time, taken when the statement is built and bound
/// as a value (the same instant on every backend, to the microsecond).
pub fn Now<M>() -> Expr<M, chrono::DateTime<chrono::Utc>> {
    Expr::from_tree(Tree::Constant(crate::Value::DateTime(chrono::Utc::now())))
}

impl<M, T: FieldType> From<Expr<M, T>> for Expr<M, Option<T>>
where
    Option<T>: FieldType,
{
    /// A non-null expression where a nullable one is expected.
    fn from(expr: Expr<M, T>) -> Self {
        Expr::from_tree(expr.into_tree())
    }
}
