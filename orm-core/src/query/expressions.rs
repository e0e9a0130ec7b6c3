//! Updates computed by the database from the row's own values (Django's
//! `F()` expressions): `views = views + 1` in one statement, with no read
//! first and no lost increment when two requests count at once.
//!
//! ```
//! # fn main() -> orm_core::Result<()> {
//! use orm_core::prelude::*;
//! use orm_core::query::F;
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs")]
//! pub struct Page {
//!     pub id: i64,
//!     pub views: i64,
//!     pub likes: i32,
//! }
//!
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Page::schema()])?;
//! let mut page = Page { id: 0, views: 10, likes: 3 };
//! page.save(&mut conn)?;
//! Page::objects().update(
//!     &mut conn,
//!     vec![
//!         Page::VIEWS.set_to(F(Page::VIEWS) + 1),
//!         Page::LIKES.set_to(F(Page::LIKES) * 2 - 1),
//!     ],
//! )?;
//! page.refresh(&mut conn)?;
//! assert_eq!((page.views, page.likes), (11, 5));
//! # Ok(()) }
//! ```

use std::marker::PhantomData;
use std::ops;

use bigdecimal::BigDecimal;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use super::bound::Bound;
use super::field::Field;
use super::sql::SqlCondition;
use crate::db::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::ModelSchema;
use crate::value::{FieldType, Value};

/// A number field whose value an update may compute: the integers, the
/// floats and decimals, and their `Option`s.
pub trait Numeric: FieldType {}
impl Numeric for i16 {}
impl Numeric for i32 {}
impl Numeric for i64 {}
impl Numeric for f32 {}
impl Numeric for f64 {}
impl Numeric for BigDecimal {}
impl<T: Numeric> Numeric for Option<T> where Option<T>: FieldType {}

/// The value of a field of the row being updated: `F(Page::VIEWS)`.
#[allow(non_snake_case)]
pub fn F<M: Model, T: Numeric>(field: Field<M, T>) -> Expr<M, T> {
    Expr {
        tree: Tree::Field(field.index()),
        _marker: PhantomData,
    }
}

/// An arithmetic expression over the row's fields and constants, of the
/// field type `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr<M, T> {
    tree: Tree,
    _marker: PhantomData<fn() -> (M, T)>,
}

/// An expression without its types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    Field(usize),
    Constant(Value),
    Binary(Box<Tree>, &'static str, Box<Tree>),
}

macro_rules! operators {
    ($($trait:ident $method:ident $sql:literal),+) => {$(
        impl<M, T: Numeric> ops::$trait<T> for Expr<M, T> {
            type Output = Expr<M, T>;
            fn $method(self, rhs: T) -> Expr<M, T> {
                self.combine($sql, Tree::Constant(rhs.to_value()))
            }
        }

        impl<M, T: Numeric> ops::$trait<Expr<M, T>> for Expr<M, T> {
            type Output = Expr<M, T>;
            fn $method(self, rhs: Expr<M, T>) -> Expr<M, T> {
                self.combine($sql, rhs.tree)
            }
        }
    )+};
}

operators!(Add add "+", Sub sub "-", Mul mul "*", Div div "/");

impl<M, T> Expr<M, T> {
    fn combine(self, op: &'static str, rhs: Tree) -> Expr<M, T> {
        Expr {
            tree: Tree::Binary(Box::new(self.tree), op, Box::new(rhs)),
            _marker: PhantomData,
        }
    }
}

impl<M, T> Expr<M, T> {
    /// The expression without its types.
    pub(crate) fn into_tree(self) -> Tree {
        self.tree
    }
}

/// `UPDATE table SET column = expression, ... [WHERE condition]`.
pub(crate) struct ComputedUpdate {
    table: String,
    sets: Vec<(String, Node)>,
    columns: Vec<String>,
    condition: Option<SqlCondition>,
}

/// A [`Tree`] with its constants converted for binding.
enum Node {
    Field(usize),
    Constant(Bound),
    Binary(Box<Node>, &'static str, Box<Node>),
}

impl Node {
    fn of(tree: Tree) -> Node {
        match tree {
            Tree::Field(index) => Node::Field(index),
            Tree::Binary(lhs, op, rhs) => {
                Node::Binary(Box::new(Node::of(*lhs)), op, Box::new(Node::of(*rhs)))
            }
            Tree::Constant(value) => Node::Constant(Bound::of(value)),
        }
    }
}

impl ComputedUpdate {
    /// The update of `schema`'s table setting each `(field, tree)`.
    pub(crate) fn new(
        schema: &ModelSchema,
        sets: Vec<(usize, Tree)>,
        condition: Option<SqlCondition>,
    ) -> Result<ComputedUpdate> {
        let column = |index: usize| {
            schema
                .fields
                .get(index)
                .map(|f| f.column.to_string())
                .ok_or_else(|| Error::UnknownField {
                    model: schema.label(),
                    field: format!("#{index}"),
                })
        };
        let sets = sets
            .into_iter()
            .map(|(field, tree)| Ok((column(field)?, Node::of(tree))))
            .collect::<Result<Vec<_>>>()?;
        let columns = schema.fields.iter().map(|f| f.column.to_string()).collect();
        Ok(ComputedUpdate {
            table: schema.table.to_string(),
            sets,
            columns,
            condition,
        })
    }

    /// Runs it; returns how many rows it changed.
    pub(crate) fn execute(self, conn: &mut AnyConnection) -> Result<usize> {
        let _written = crate::db::WriteGuard;
        Ok(RunQueryDsl::execute(self, conn)?)
    }

    fn walk_node<'b>(
        &'b self,
        node: &'b Node,
        out: &mut AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        match node {
            Node::Field(index) => {
                let column = self.columns.get(*index).ok_or_else(|| {
                    diesel::result::Error::QueryBuilderError("an unknown field in an update".into())
                })?;
                out.push_identifier(&self.table)?;
                out.push_sql(".");
                out.push_identifier(column)?;
            }
            Node::Constant(bound) => bound.push(out)?,
            Node::Binary(lhs, op, rhs) => {
                out.push_sql("(");
                self.walk_node(lhs, out)?;
                out.push_sql(" ");
                out.push_sql(op);
                out.push_sql(" ");
                self.walk_node(rhs, out)?;
                out.push_sql(")");
            }
        }
        Ok(())
    }
}

impl QueryFragment<MultiBackend> for ComputedUpdate {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_sql("UPDATE ");
        out.push_identifier(&self.table)?;
        out.push_sql(" SET ");
        for (i, (column, tree)) in self.sets.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_identifier(column)?;
            out.push_sql(" = ");
            self.walk_node(tree, &mut out)?;
        }
        if let Some(condition) = &self.condition {
            out.push_sql(" WHERE ");
            condition.walk_ast(out.reborrow())?;
        }
        Ok(())
    }
}

impl QueryId for ComputedUpdate {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<AnyConnection> for ComputedUpdate {}
