//! Expressions over the row's own values (Django's `F()`): in updates,
//! `views = views + 1` in one statement, with no read first and no lost
//! increment when two requests count at once; in filters, comparisons of
//! one field with others, `F(Page::VIEWS).gt(F(Page::LIKES) * 2)`.
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
//! // Both sides of a comparison have the field's type.
//! let liked = Page::objects().filter((F(Page::LIKES) * 2).gt(F(Page::LIKES) + 4));
//! assert_eq!(liked.count(&mut conn)?, 1);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;
use std::ops;

use bigdecimal::BigDecimal;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use super::bound::Bound;
use super::dates::Backend;
use super::field::Field;
use super::filter::Filter;
use super::lookup::{Compare, Function, Tree, TruncUnit, Q};
use super::sql::SqlCondition;
use crate::db::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::ModelSchema;
use crate::value::FieldType;

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

/// The value of a field of the row: `F(Page::VIEWS)`. Arithmetic takes
/// number fields; [database functions](super::Lower) take others.
#[allow(non_snake_case)]
pub fn F<M: Model, T: FieldType>(field: Field<M, T>) -> Expr<M, T> {
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

    /// The expression of another type over the same tree.
    pub(crate) fn from_tree(tree: Tree) -> Expr<M, T> {
        Expr {
            tree,
            _marker: PhantomData,
        }
    }
}

/// What an expression may be compared with: another expression of the same
/// type, or a constant.
pub trait IntoExpr<M, T> {
    /// The expression.
    fn into_expr(self) -> Expr<M, T>;
}

impl<M, T: FieldType> IntoExpr<M, T> for Expr<M, T> {
    fn into_expr(self) -> Expr<M, T> {
        self
    }
}

impl<M, T: FieldType> IntoExpr<M, T> for T {
    fn into_expr(self) -> Expr<M, T> {
        Expr {
            tree: Tree::Constant(self.to_value()),
            _marker: PhantomData,
        }
    }
}

/// Text compared with a text expression: `Lower(F(Tag::NAME)).eq("rust")`.
impl<M> IntoExpr<M, String> for &str {
    fn into_expr(self) -> Expr<M, String> {
        Expr::from_tree(Tree::Constant(crate::Value::Text(self.to_owned())))
    }
}

/// Text compared with a nullable text expression.
impl<M> IntoExpr<M, Option<String>> for &str {
    fn into_expr(self) -> Expr<M, Option<String>> {
        Expr::from_tree(Tree::Constant(crate::Value::Text(self.to_owned())))
    }
}

/// A constant compared with a nullable field: `F(Page::SCORE).gt(0)`.
impl<M, T: FieldType> IntoExpr<M, Option<T>> for T
where
    Option<T>: FieldType,
{
    fn into_expr(self) -> Expr<M, Option<T>> {
        Expr {
            tree: Tree::Constant(self.to_value()),
            _marker: PhantomData,
        }
    }
}

macro_rules! comparisons {
    ($($method:ident $sql:literal $doc:literal),+) => {
        impl<M: Model, T: FieldType> Expr<M, T> {$(
            #[doc = $doc]
            pub fn $method(self, rhs: impl IntoExpr<M, T>) -> Filter<M> {
                Filter::new(Q::Compare(Compare {
                    lhs: self.tree,
                    op: $sql,
                    rhs: rhs.into_expr().tree,
                }))
            }
        )+}
    };
}

comparisons!(
    eq "=" "Rows where the two sides are equal (neither `NULL`).",
    ne "<>" "Rows where the two sides differ (neither `NULL`).",
    gt ">" "Rows where this side is greater: `F(Page::VIEWS).gt(F(Page::LIKES) * 2)`.",
    gte ">=" "Rows where this side is greater or equal.",
    lt "<" "Rows where this side is smaller.",
    lte "<=" "Rows where this side is smaller or equal."
);

/// The condition of `compare` on `schema`'s table.
pub(crate) fn compare_condition(compare: &Compare, schema: &ModelSchema) -> Result<SqlCondition> {
    let columns = Columns::of(schema);
    Ok(SqlCondition::new(Compared {
        lhs: columns.computed(Node::of(compare.lhs.clone()))?,
        op: compare.op,
        rhs: columns.computed(Node::of(compare.rhs.clone()))?,
    }))
}

/// `tree`, an expression over `schema`'s columns, as SQL.
pub(crate) fn computed(schema: &ModelSchema, tree: Tree) -> Result<super::sql::SqlCondition> {
    Ok(super::sql::SqlCondition::new(
        Columns::of(schema).computed(Node::of(tree))?,
    ))
}

/// `lhs op rhs`.
struct Compared {
    lhs: Computed,
    op: &'static str,
    rhs: Computed,
}

impl QueryFragment<MultiBackend> for Compared {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        self.lhs.walk_ast(out.reborrow())?;
        out.push_sql(" ");
        out.push_sql(self.op);
        out.push_sql(" ");
        self.rhs.walk_ast(out.reborrow())
    }
}

impl QueryId for Compared {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// A model's table and its columns, by field index.
struct Columns {
    table: String,
    columns: Vec<String>,
}

impl Columns {
    fn of(schema: &ModelSchema) -> Columns {
        Columns {
            table: schema.table.to_string(),
            columns: schema.fields.iter().map(|f| f.column.to_string()).collect(),
        }
    }

    /// `node`, its fields checked to be the table's.
    fn computed(&self, node: Node) -> Result<Computed> {
        fn check(node: &Node, count: usize) -> bool {
            match node {
                Node::Field(index) => *index < count,
                Node::Constant(_) => true,
                Node::Binary(lhs, _, rhs) => check(lhs, count) && check(rhs, count),
                Node::Function(_, args) => args.iter().all(|arg| check(arg, count)),
            }
        }
        if !check(&node, self.columns.len()) {
            return Err(Error::UnknownField {
                model: self.table.clone(),
                field: "(a field of an expression)".to_owned(),
            });
        }
        Ok(Computed {
            table: self.table.clone(),
            columns: self.columns.clone(),
            node,
        })
    }
}

/// An expression written over one table's columns.
struct Computed {
    table: String,
    columns: Vec<String>,
    node: Node,
}

impl Computed {
    fn walk_node<'b>(
        &'b self,
        node: &'b Node,
        out: &mut AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        match node {
            Node::Field(index) => {
                let column = self.columns.get(*index).ok_or_else(|| {
                    diesel::result::Error::QueryBuilderError(
                        "an unknown field in an expression".into(),
                    )
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
            Node::Function(function, args) => self.walk_function(*function, args, out)?,
        }
        Ok(())
    }

    /// The arguments, comma-separated.
    fn walk_args<'b>(
        &'b self,
        args: &'b [Node],
        out: &mut AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            self.walk_node(arg, out)?;
        }
        Ok(())
    }

    /// The date `args[0]` is truncated to `unit`, as a `DATE`.
    fn walk_trunc<'b>(
        &'b self,
        unit: TruncUnit,
        args: &'b [Node],
        backend: Backend,
        out: &mut AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        let [value] = args else {
            return Err(diesel::result::Error::QueryBuilderError(
                "Trunc takes one value".into(),
            ));
        };
        // Each piece is SQL, or `None` for the value itself.
        let pieces: &[Option<&'static str>] = match (backend, unit) {
            (Backend::Sqlite, TruncUnit::Year) => {
                &[Some("date("), None, Some(", 'start of year')")]
            }
            (Backend::Sqlite, TruncUnit::Month) => {
                &[Some("date("), None, Some(", 'start of month')")]
            }
            (Backend::Sqlite, TruncUnit::Day) => &[Some("date("), None, Some(")")],
            (Backend::Sqlite, TruncUnit::Quarter) => &[
                Some("date("),
                None,
                Some(", 'start of month', '-' || ((CAST(strftime('%m', "),
                None,
                Some(") AS INTEGER) - 1) % 3) || ' months')"),
            ],
            (Backend::Postgres, TruncUnit::Year) => {
                &[Some("CAST(DATE_TRUNC('year', "), None, Some(") AS DATE)")]
            }
            (Backend::Postgres, TruncUnit::Quarter) => &[
                Some("CAST(DATE_TRUNC('quarter', "),
                None,
                Some(") AS DATE)"),
            ],
            (Backend::Postgres, TruncUnit::Month) => {
                &[Some("CAST(DATE_TRUNC('month', "), None, Some(") AS DATE)")]
            }
            (Backend::Postgres, TruncUnit::Day) => &[Some("CAST("), None, Some(" AS DATE)")],
            (Backend::Mysql, TruncUnit::Year) => &[Some("MAKEDATE(YEAR("), None, Some("), 1)")],
            (Backend::Mysql, TruncUnit::Quarter) => &[
                Some("(MAKEDATE(YEAR("),
                None,
                Some("), 1) + INTERVAL (QUARTER("),
                None,
                Some(") - 1) QUARTER)"),
            ],
            (Backend::Mysql, TruncUnit::Month) => &[
                Some("DATE_SUB(DATE("),
                None,
                Some("), INTERVAL DAYOFMONTH("),
                None,
                Some(") - 1 DAY)"),
            ],
            (Backend::Mysql, TruncUnit::Day) => &[Some("DATE("), None, Some(")")],
        };
        for piece in pieces {
            match piece {
                Some(sql) => out.push_sql(sql),
                None => self.walk_node(value, out)?,
            }
        }
        Ok(())
    }

    /// A function call, as the backend spells it.
    fn walk_function<'b>(
        &'b self,
        function: Function,
        args: &'b [Node],
        out: &mut AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        let backend = Backend::of(out.backend());
        let call = |name: &'static str, out: &mut AstPass<'_, 'b, MultiBackend>| {
            out.push_sql(name);
            out.push_sql("(");
            self.walk_args(args, out)?;
            out.push_sql(")");
            Ok(())
        };
        match function {
            Function::Lower => call("LOWER", out),
            Function::Upper => call("UPPER", out),
            Function::Coalesce => call("COALESCE", out),
            // Characters, not bytes; a 64-bit count everywhere.
            Function::Length => match backend {
                Backend::Mysql => call("CHAR_LENGTH", out),
                Backend::Postgres => {
                    out.push_sql("CAST(");
                    call("LENGTH", out)?;
                    out.push_sql(" AS BIGINT)");
                    Ok(())
                }
                Backend::Sqlite => call("LENGTH", out),
            },
            Function::Extract(part) => {
                let (before, after) = super::dates::extraction(part, backend);
                out.push_sql(before);
                self.walk_args(args, out)?;
                out.push_sql(after);
                Ok(())
            }
            Function::ExtractYear => {
                let (before, after) = super::dates::year_extraction(backend);
                out.push_sql(before);
                self.walk_args(args, out)?;
                out.push_sql(after);
                Ok(())
            }
            Function::Trunc(unit) => self.walk_trunc(unit, args, backend, out),
            // A NULL part counts as empty text, as Django's Concat.
            Function::Concat => {
                let (open, between) = match backend {
                    Backend::Mysql => ("CONCAT(", ", "),
                    _ => ("(", " || "),
                };
                out.push_sql(open);
                for (i, part) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(between);
                    }
                    out.push_sql("COALESCE(");
                    self.walk_node(part, out)?;
                    out.push_sql(", '')");
                }
                out.push_sql(")");
                Ok(())
            }
        }
    }
}

impl QueryFragment<MultiBackend> for Computed {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        self.walk_node(&self.node, &mut out)
    }
}

impl QueryId for Computed {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// `UPDATE table SET column = expression, ... [WHERE condition]`.
pub(crate) struct ComputedUpdate {
    table: String,
    sets: Vec<(String, Computed)>,
    condition: Option<SqlCondition>,
}

/// A [`Tree`] with its constants converted for binding.
enum Node {
    Field(usize),
    Constant(Bound),
    Binary(Box<Node>, &'static str, Box<Node>),
    Function(Function, Vec<Node>),
}

impl Node {
    fn of(tree: Tree) -> Node {
        match tree {
            Tree::Field(index) => Node::Field(index),
            Tree::Binary(lhs, op, rhs) => {
                Node::Binary(Box::new(Node::of(*lhs)), op, Box::new(Node::of(*rhs)))
            }
            Tree::Constant(value) => Node::Constant(Bound::of(value)),
            Tree::Function(function, args) => {
                Node::Function(function, args.into_iter().map(Node::of).collect())
            }
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
        let column = |index: usize| schema.field_at(index).map(|f| f.column.to_string());
        let columns = Columns::of(schema);
        let sets = sets
            .into_iter()
            .map(|(field, tree)| Ok((column(field)?, columns.computed(Node::of(tree))?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(ComputedUpdate {
            table: schema.table.to_string(),
            sets,
            condition,
        })
    }

    /// Runs it; returns how many rows it changed.
    pub(crate) fn execute(self, conn: &mut AnyConnection) -> Result<usize> {
        let _written = crate::db::WriteGuard;
        Ok(RunQueryDsl::execute(self, conn)?)
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
            tree.walk_ast(out.reborrow())?;
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
