//! Rows of chosen values instead of whole objects: Django's `values()`,
//! `values_list()`, `distinct()`, `annotate()` with aggregates grouped by
//! the chosen values, and `aggregate()` of several at once.
//!
//! Each chosen value is a field of the model or one across its foreign keys
//! (`author__username`, read through a `LEFT JOIN` per path, shared by the
//! values that follow it); each annotation an [`Agg`] of one. The statement
//! is `SELECT [DISTINCT] values, aggregates FROM table [LEFT JOIN ...] WHERE
//! filter [GROUP BY values] [ORDER BY ...]`, and every value is read back
//! with the type of
//! its field (a count as an `i64`, a sum or average of integers or floats
//! as an `i64` or `f64`, of decimals as a decimal), the same on every
//! backend.

use std::marker::PhantomData;
use std::sync::Arc;

use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::row::{Field as _, NamedRow};
use diesel::sql_types::{BigInt, Nullable, Untyped};
use diesel::{QueryResult, RunQueryDsl};

use super::dates::Backend;
use super::lookup::Tree;
use super::path::{field_path, step, FieldPath, Step};
use super::queryset::{Aggregate, QuerySet};
use super::spec::QuerySpec;
use super::sql::SqlCondition;
use crate::db::{AnyConnection, MultiBackend};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::schema::{FieldKind, ModelSchema};
use crate::value::{FieldType, Value};

/// An aggregate of a field (or across relations, `author__username`) for
/// [`Values::annotate`] and [`QuerySet::aggregates`]: Django's `Count`,
/// `Sum`, `Avg`, `Min` and `Max`.
///
/// A name may also follow a relation backwards, through the name of a
/// foreign key pointing at the model (its `related_name`, or its model's
/// lower-case name): `Agg::count("articles")` counts each user's articles
/// (0 for a user without), `Agg::sum("articles__views")` adds up a field
/// of them. As in Django, two such aggregates over different relations in
/// one query multiply each other's rows; `count_distinct` counts each
/// row once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agg {
    function: Aggregate,
    /// The field named; `None` for `COUNT(*)`.
    of: Option<String>,
    distinct: bool,
}

impl Agg {
    /// The rows (of each group): `COUNT(*)`.
    pub fn count_rows() -> Agg {
        Agg {
            function: Aggregate::Count,
            of: None,
            distinct: false,
        }
    }

    /// Non-null values of `field`: `COUNT(field)`.
    pub fn count(field: &str) -> Agg {
        Agg::of(Aggregate::Count, field)
    }

    /// Different non-null values of `field`: `COUNT(DISTINCT field)`.
    pub fn count_distinct(field: &str) -> Agg {
        Agg {
            distinct: true,
            ..Agg::of(Aggregate::Count, field)
        }
    }

    /// The sum of a number field: an `i64` for integers, an `f64` for
    /// floats, a decimal for decimals; `NULL` over no rows.
    pub fn sum(field: &str) -> Agg {
        Agg::of(Aggregate::Sum, field)
    }

    /// The average of a number field: an `f64`, or a decimal for decimals.
    pub fn avg(field: &str) -> Agg {
        Agg::of(Aggregate::Avg, field)
    }

    /// The smallest value, of the field's own type.
    pub fn min(field: &str) -> Agg {
        Agg::of(Aggregate::Min, field)
    }

    /// The largest value, of the field's own type.
    pub fn max(field: &str) -> Agg {
        Agg::of(Aggregate::Max, field)
    }

    fn of(function: Aggregate, field: &str) -> Agg {
        Agg {
            function,
            of: Some(field.to_owned()),
            distinct: false,
        }
    }
}

/// Rows of values of model `M`'s rows: see [`QuerySet::values`].
#[derive(Debug, Clone)]
pub struct Values<M> {
    spec: QuerySpec,
    names: Vec<String>,
    /// The chosen values, then the annotations.
    items: Vec<Item>,
    /// How many of `items` are chosen values (the rest are aggregates).
    chosen: usize,
    distinct: bool,
    /// Positions in `items`, and whether descending.
    order: Option<Vec<(usize, bool)>>,
    _marker: PhantomData<fn() -> M>,
}

/// A relation followed backwards (`articles` on a user): the rows of
/// `child` whose foreign key `key` points at the row, one joined row each.
#[derive(Debug, Clone, Copy)]
struct Reverse {
    child: &'static ModelSchema,
    key: usize,
}

/// One selected value.
#[derive(Debug, Clone)]
enum Item {
    Field(FieldPath),
    Aggregate {
        function: Aggregate,
        /// The field aggregated: from the model, or, when `reverse` is
        /// set, from the model pointing at it.
        of: Option<FieldPath>,
        reverse: Option<Reverse>,
        distinct: bool,
    },
    /// An expression over the row's own fields, of a field kind.
    Expr(Tree, FieldKind),
}

impl Item {
    /// How the value is read.
    fn read(&self) -> Read {
        match self {
            Item::Field(path) => Read::of(path.target().kind),
            Item::Expr(_, kind) => Read::of(*kind),
            Item::Aggregate { function, of, .. } => {
                let kind = of.as_ref().map(|p| p.target().kind);
                match (function, kind) {
                    (Aggregate::Count, _) | (_, None) => Read::I64,
                    (Aggregate::Min | Aggregate::Max, Some(kind)) => Read::of(kind),
                    (_, Some(FieldKind::Decimal)) => Read::Decimal,
                    (Aggregate::Sum, Some(FieldKind::Float | FieldKind::Double)) => Read::F64,
                    (Aggregate::Sum, Some(_)) => Read::I64,
                    (Aggregate::Avg, Some(_)) => Read::F64,
                }
            }
        }
    }
}

/// A row of [`Values`]: the values in the order chosen, then the
/// annotations, each also found by its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// The value named `name` (a field path or an annotation's name).
    pub fn get(&self, name: &str) -> Option<&Value> {
        let at = self.names.iter().position(|n| n == name)?;
        self.values.get(at)
    }

    /// The values in order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The values in order, owned.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

/// A Rust value made from a row of [`Values`]: tuples of field types
/// (`(String, i64)`, `(Option<String>,)`), one element a value, in order.
pub trait FromValues: Sized {
    /// The tuple from the row's values, or why they do not fit.
    fn from_values(values: Vec<Value>) -> Result<Self>;
}

macro_rules! tuple_from_values {
    ($($count:literal => ($($name:ident),+);)+) => {$(
        impl<$($name: FieldType),+> FromValues for ($($name,)+) {
            fn from_values(values: Vec<Value>) -> Result<Self> {
                if values.len() != $count {
                    return Err(Error::InvalidValue {
                        field: "values".to_owned(),
                        message: format!(
                            "a row of {} values read into a tuple of {}",
                            values.len(),
                            $count
                        ),
                    });
                }
                let mut values = values.into_iter();
                Ok(($(
                    {
                        let value = values.next().unwrap_or(Value::Null);
                        $name::from_value(value).map_err(|e| Error::InvalidValue {
                            field: "values".to_owned(),
                            message: e.to_string(),
                        })?
                    },
                )+))
            }
        }
    )+};
}

tuple_from_values! {
    1 => (A);
    2 => (A, B);
    3 => (A, B, C);
    4 => (A, B, C, D);
    5 => (A, B, C, D, E);
    6 => (A, B, C, D, E, F);
    7 => (A, B, C, D, E, F, G);
    8 => (A, B, C, D, E, F, G, H);
}

impl<M: Model> QuerySet<M> {
    /// Rows of the named values of the matching rows instead of objects:
    /// Django's `values()` and `values_list()`. A name is a field of the
    /// model or one across foreign keys (`author__username`). The query's
    /// filter, ordering and slice apply; [`Values::annotate`] groups by the
    /// values, [`Values::distinct`] drops repeated rows.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    /// use orm_core::query::Agg;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_values")]
    /// pub struct Sale {
    ///     pub id: i64,
    ///     #[field(max_length = 20)]
    ///     pub shop: String,
    ///     pub amount: i32,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Sale::schema()])?;
    /// for (shop, amount) in [("north", 5), ("south", 7), ("north", 10)] {
    ///     Sale { id: 0, shop: shop.into(), amount }.save(&mut conn)?;
    /// }
    /// // values_list("shop", "amount")
    /// let pairs: Vec<(String, i32)> = Sale::objects()
    ///     .order_by([Sale::ID.asc()])
    ///     .values(&["shop", "amount"])?
    ///     .tuples(&mut conn)?;
    /// assert_eq!(pairs[1], ("south".to_owned(), 7));
    /// // values("shop").annotate(total=Sum("amount"), n=Count("*"))
    /// let totals: Vec<(String, i64, i64)> = Sale::objects()
    ///     .values(&["shop"])?
    ///     .annotate("total", Agg::sum("amount"))?
    ///     .annotate("n", Agg::count_rows())?
    ///     .order_by(&["-total"])?
    ///     .tuples(&mut conn)?;
    /// assert_eq!(totals, [("north".to_owned(), 15, 2), ("south".to_owned(), 7, 1)]);
    /// # Ok(()) }
    /// ```
    pub fn values(&self, names: &[&str]) -> Result<Values<M>> {
        let schema = M::schema();
        let items = names
            .iter()
            .map(|name| field_path(schema, name).map(Item::Field))
            .collect::<Result<Vec<_>>>()?;
        Ok(Values {
            spec: self.spec().clone(),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            chosen: items.len(),
            items,
            distinct: false,
            order: None,
            _marker: PhantomData,
        })
    }

    /// Several aggregates over the matching rows at once, in one statement:
    /// Django's `aggregate()`.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// # use orm_core::prelude::*;
    /// use orm_core::query::Agg;
    /// use orm_core::Value;
    /// # #[derive(Model, Debug, Clone)]
    /// # #[model(app_label = "docs_aggregates")]
    /// # pub struct Sale { pub id: i64, pub amount: i32 }
    /// # let db = Db::open("sqlite://:memory:")?;
    /// # let mut conn = db.conn()?;
    /// # orm_core::create_tables(&mut conn, &[Sale::schema()])?;
    /// for amount in [5, 7, 12] {
    ///     Sale { id: 0, amount }.save(&mut conn)?;
    /// }
    /// let [n, total, top] = Sale::objects()
    ///     .aggregates(&mut conn, [Agg::count_rows(), Agg::sum("amount"), Agg::max("amount")])?;
    /// assert_eq!((n, total, top), (Value::BigInt(3), Value::BigInt(24), Value::Integer(12)));
    /// # Ok(()) }
    /// ```
    pub fn aggregates<const N: usize>(
        &self,
        conn: &mut AnyConnection,
        aggregates: [Agg; N],
    ) -> Result<[Value; N]> {
        let mut values = self.values(&[])?;
        values.spec.order.clear();
        values.spec.limit = None;
        values.spec.offset = None;
        for (i, aggregate) in aggregates.into_iter().enumerate() {
            values = values.annotate(&format!("a{i}"), aggregate)?;
        }
        let row = values.all(conn)?.into_iter().next();
        let mut out = row.map(Row::into_values).unwrap_or_default().into_iter();
        Ok(std::array::from_fn(|_| out.next().unwrap_or(Value::Null)))
    }
}

impl<M: Model> Values<M> {
    /// The fields at `paths` of the rows of `spec`, in that order: for a
    /// loader reading the objects of several models in one statement.
    pub(crate) fn of_paths(spec: QuerySpec, paths: Vec<FieldPath>) -> Values<M> {
        Values {
            spec,
            names: (0..paths.len()).map(|i| format!("#{i}")).collect(),
            chosen: paths.len(),
            items: paths.into_iter().map(Item::Field).collect(),
            distinct: false,
            order: None,
            _marker: PhantomData,
        }
    }

    /// Adds an aggregate named `name`, computed for each group of rows with
    /// the same chosen values (over all the rows when none were chosen):
    /// Django's `values(...).annotate(name=...)`.
    pub fn annotate(mut self, name: &str, aggregate: Agg) -> Result<Self> {
        self.check_free(name)?;
        let (reverse, of) = match &aggregate.of {
            Some(field) => {
                let (reverse, path) = aggregated(M::schema(), field)?;
                (reverse, Some(path))
            }
            None => (None, None),
        };
        if let Some(path) = &of {
            let kind = path.target().kind;
            let numeric = kind.is_numeric() || kind == FieldKind::Decimal;
            if matches!(aggregate.function, Aggregate::Sum | Aggregate::Avg) && !numeric {
                return Err(Error::InvalidLookup {
                    field: aggregate.of.clone().unwrap_or_default(),
                    lookup: format!("{:?} (not a number field)", aggregate.function).to_lowercase(),
                });
            }
        }
        self.items.push(Item::Aggregate {
            function: aggregate.function,
            of,
            reverse,
            distinct: aggregate.distinct,
        });
        self.names.push(name.to_owned());
        Ok(self)
    }

    /// Adds an expression over the row's fields named `name`: Django's
    /// `annotate(name=Lower("title"))` ([`F`](super::F) and the
    /// [database functions](super::Lower)). Read with its type `T`.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// # use orm_core::prelude::*;
    /// use orm_core::query::{Length, Upper, F};
    /// # #[derive(Model, Debug, Clone)]
    /// # #[model(app_label = "docs_annotate")]
    /// # pub struct Tag { pub id: i64, #[field(max_length = 20)] pub name: String }
    /// # let db = Db::open("sqlite://:memory:")?;
    /// # let mut conn = db.conn()?;
    /// # orm_core::create_tables(&mut conn, &[Tag::schema()])?;
    /// Tag { id: 0, name: "rust".into() }.save(&mut conn)?;
    /// let rows: Vec<(String, String, i64)> = Tag::objects()
    ///     .values(&["name"])?
    ///     .annotate_expr("shout", Upper(F(Tag::NAME)))?
    ///     .annotate_expr("letters", Length(F(Tag::NAME)))?
    ///     .tuples(&mut conn)?;
    /// assert_eq!(rows, [("rust".to_owned(), "RUST".to_owned(), 4)]);
    /// # Ok(()) }
    /// ```
    pub fn annotate_expr<T: FieldType>(
        mut self,
        name: &str,
        expr: super::expressions::Expr<M, T>,
    ) -> Result<Self> {
        self.check_free(name)?;
        // An expression is a value of each row: it goes with the chosen
        // values, before the aggregates, and groups like them.
        self.items
            .insert(self.chosen, Item::Expr(expr.into_tree(), T::KIND));
        self.names.insert(self.chosen, name.to_owned());
        self.chosen += 1;
        Ok(self)
    }

    /// An error when `name` names a chosen value or an annotation already.
    fn check_free(&self, name: &str) -> Result<()> {
        if self.names.iter().any(|n| n == name) {
            return Err(Error::InvalidValue {
                field: name.to_owned(),
                message: "this name is chosen already".to_owned(),
            });
        }
        Ok(())
    }

    /// Drops repeated rows: `SELECT DISTINCT`.
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    /// Orders the rows by chosen values or annotations, by name, `-` for
    /// descending (in place of the query's own ordering).
    pub fn order_by(mut self, names: &[&str]) -> Result<Self> {
        let mut order = Vec::with_capacity(names.len());
        for name in names {
            let (descending, bare) = match name.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, *name),
            };
            let at =
                self.names
                    .iter()
                    .position(|n| n == bare)
                    .ok_or_else(|| Error::UnknownField {
                        model: M::schema().label(),
                        field: format!("{bare} (order by a chosen value or an annotation)"),
                    })?;
            order.push((at, descending));
        }
        self.order = Some(order);
        Ok(self)
    }

    /// Every row, each value and annotation found by name.
    pub fn all(&self, conn: &mut AnyConnection) -> Result<Vec<Row>> {
        let names: Arc<[String]> = self.names.clone().into();
        let statement = self.statement()?;
        let rows: Vec<ValuesRow> = statement.load(conn)?;
        Ok(rows
            .into_iter()
            .map(|row| Row {
                names: names.clone(),
                values: row.0,
            })
            .collect())
    }

    /// Every row as a tuple of field types: Django's `values_list()`.
    pub fn tuples<T: FromValues>(&self, conn: &mut AnyConnection) -> Result<Vec<T>> {
        self.all(conn)?
            .into_iter()
            .map(|row| T::from_values(row.values))
            .collect()
    }

    /// The first value of each row: Django's `values_list(..., flat=True)`.
    pub fn flat<T: FieldType>(&self, conn: &mut AnyConnection) -> Result<Vec<T>> {
        Ok(self
            .tuples::<(T,)>(conn)?
            .into_iter()
            .map(|(t,)| t)
            .collect())
    }

    fn statement(&self) -> Result<Statement> {
        let schema = M::schema();
        let filter = match &self.spec.filter {
            Some(q) => Some(M::__condition(q)?),
            None => None,
        };
        let grouped = self.items.len() > self.chosen && self.chosen > 0;
        let mut joins = Joins::default();
        let items = self
            .items
            .iter()
            .map(|item| render(schema, item, &mut joins))
            .collect::<Result<Vec<_>>>()?;
        let aggregated = self.items.len() > self.chosen;
        let order = match &self.order {
            Some(order) => Order::Positions(order.clone()),
            // Groups, and distinct rows, in the order of their values.
            None if grouped || self.distinct => {
                Order::Positions((0..self.chosen).map(|i| (i, false)).collect())
            }
            None if aggregated || self.spec.order.is_empty() => Order::Positions(Vec::new()),
            // The query's ordering; a field across foreign keys is read
            // from the joined table (the join a chosen value shares).
            None => Order::Query(
                self.spec
                    .order
                    .iter()
                    .map(|o| {
                        let path = FieldPath {
                            path: o.path.clone(),
                            field: o.field,
                            model: model_at(schema, &o.path)?,
                        };
                        Ok((field(schema, &path, &mut joins)?, o.descending))
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        Ok(Statement {
            table: schema.table.to_string(),
            joins: joins.joins,
            distinct: self.distinct,
            items,
            filter,
            group: if grouped { self.chosen } else { 0 },
            order,
            limit: self.spec.limit,
            offset: self.spec.offset,
        })
    }
}

/// How a selected value is read back: the Rust type of its field, or of
/// its aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Read {
    Bool,
    I16,
    I32,
    I64,
    F32,
    F64,
    Text,
    Decimal,
    DateTime,
    Date,
    Time,
    Uuid,
    Json,
    Binary,
}

impl Read {
    const ALL: [Read; 14] = [
        Read::Bool,
        Read::I16,
        Read::I32,
        Read::I64,
        Read::F32,
        Read::F64,
        Read::Text,
        Read::Decimal,
        Read::DateTime,
        Read::Date,
        Read::Time,
        Read::Uuid,
        Read::Json,
        Read::Binary,
    ];

    pub(super) fn of(kind: FieldKind) -> Read {
        match kind {
            FieldKind::Bool => Read::Bool,
            FieldKind::SmallInt => Read::I16,
            FieldKind::Integer => Read::I32,
            FieldKind::BigInt | FieldKind::ForeignKey => Read::I64,
            FieldKind::Float => Read::F32,
            FieldKind::Double => Read::F64,
            FieldKind::Char
            | FieldKind::Text
            | FieldKind::Slug
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::File
            | FieldKind::Image => Read::Text,
            FieldKind::Decimal => Read::Decimal,
            FieldKind::DateTime => Read::DateTime,
            FieldKind::Date => Read::Date,
            FieldKind::Time => Read::Time,
            FieldKind::Uuid => Read::Uuid,
            FieldKind::Json => Read::Json,
            FieldKind::Binary => Read::Binary,
        }
    }

    /// The code in the column's alias (`v0_i64`), which tells the reader.
    pub(super) fn code(self) -> &'static str {
        match self {
            Read::Bool => "bool",
            Read::I16 => "i16",
            Read::I32 => "i32",
            Read::I64 => "i64",
            Read::F32 => "f32",
            Read::F64 => "f64",
            Read::Text => "text",
            Read::Decimal => "decimal",
            Read::DateTime => "datetime",
            Read::Date => "date",
            Read::Time => "time",
            Read::Uuid => "uuid",
            Read::Json => "json",
            Read::Binary => "binary",
        }
    }

    fn from_code(code: &str) -> Option<Read> {
        Read::ALL.into_iter().find(|read| read.code() == code)
    }

    /// The value a column holds.
    fn value(self, raw: Option<RawValue<'_>>) -> deserialize::Result<Value> {
        match self {
            Read::Bool => read::<bool>(raw),
            Read::I16 => read::<i16>(raw),
            Read::I32 => read::<i32>(raw),
            Read::I64 => read::<i64>(raw),
            Read::F32 => read::<f32>(raw),
            Read::F64 => read::<f64>(raw),
            Read::Text => read::<String>(raw),
            Read::Decimal => read::<bigdecimal::BigDecimal>(raw),
            Read::DateTime => read::<chrono::DateTime<chrono::Utc>>(raw),
            Read::Date => read::<chrono::NaiveDate>(raw),
            Read::Time => read::<chrono::NaiveTime>(raw),
            Read::Uuid => read::<uuid::Uuid>(raw),
            Read::Json => read::<serde_json::Value>(raw),
            Read::Binary => read::<Vec<u8>>(raw),
        }
    }
}

/// What a row holds for one column, before decoding.
type RawValue<'a> = <MultiBackend as diesel::backend::Backend>::RawValue<'a>;

/// A column's value as field type `T` reads it, `NULL` allowed.
fn read<T: FieldType>(raw: Option<RawValue<'_>>) -> deserialize::Result<Value>
where
    T::Db: FromSql<T::Sql, MultiBackend>,
    T::Sql: diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>,
{
    let db = <Option<T::Db> as FromSql<Nullable<T::Sql>, MultiBackend>>::from_nullable_sql(raw)?;
    Ok(match db {
        None => Value::Null,
        Some(db) => T::from_db(db)?.to_value(),
    })
}

/// A row read by the codes in its column names (`v0_text`), column by
/// column in order.
pub(super) struct ValuesRow(pub(super) Vec<Value>);

impl QueryableByName<MultiBackend> for ValuesRow {
    fn build<'a>(row: &impl NamedRow<'a, MultiBackend>) -> deserialize::Result<Self> {
        let mut values = Vec::with_capacity(row.field_count());
        for i in 0..row.field_count() {
            let field = diesel::row::Row::get(row, i).ok_or("a values column is missing")?;
            let name = field.field_name().ok_or("a values column without a name")?;
            let read = name
                .split_once('_')
                .and_then(|(_, code)| Read::from_code(code))
                .ok_or_else(|| format!("an unexpected values column `{name}`"))?;
            values.push(read.value(field.value())?);
        }
        Ok(ValuesRow(values))
    }
}

/// A selected value as SQL.
enum Rendered {
    Column {
        table: String,
        column: String,
    },
    Expr(SqlCondition),
    Aggregate {
        function: Aggregate,
        of: Option<Box<Rendered>>,
        distinct: bool,
        read: Read,
    },
}

fn render(
    schema: &'static ModelSchema,
    item: &Item,
    joins: &mut Joins,
) -> Result<(Rendered, Read)> {
    let read = item.read();
    let rendered = match item {
        Item::Field(path) => field(schema, path, joins)?,
        Item::Expr(tree, _) => Rendered::Expr(super::expressions::computed(schema, tree.clone())?),
        Item::Aggregate {
            function,
            of,
            reverse,
            distinct,
        } => Rendered::Aggregate {
            function: *function,
            of: match (of, reverse) {
                (Some(path), None) => Some(Box::new(field(schema, path, joins)?)),
                (Some(path), Some(reverse)) => {
                    Some(Box::new(reverse_field(schema, *reverse, path, joins)?))
                }
                (None, _) => None,
            },
            distinct: *distinct,
            read,
        },
    };
    Ok((rendered, read))
}

/// A field of the model, or of the table joined for its path.
fn field(schema: &'static ModelSchema, path: &FieldPath, joins: &mut Joins) -> Result<Rendered> {
    let hops: Vec<Hop> = path.path.iter().map(|&key| Hop::Key(key)).collect();
    Ok(Rendered::Column {
        table: joins.alias(schema, &hops)?,
        column: path.target().column.to_string(),
    })
}

/// A field of the rows pointing at the model through `reverse`, or of the
/// table joined for its path from there.
fn reverse_field(
    schema: &'static ModelSchema,
    reverse: Reverse,
    path: &FieldPath,
    joins: &mut Joins,
) -> Result<Rendered> {
    let mut hops = vec![Hop::Back(reverse)];
    hops.extend(path.path.iter().map(|&key| Hop::Key(key)));
    Ok(Rendered::Column {
        table: joins.alias(schema, &hops)?,
        column: path.target().column.to_string(),
    })
}

/// The model at the end of `path`, foreign keys followed from `schema`'s.
fn model_at(schema: &'static ModelSchema, path: &[usize]) -> Result<&'static ModelSchema> {
    let mut model = schema;
    for &key in path {
        model = step(model, key)?.target;
    }
    Ok(model)
}

/// What an aggregate's name reaches from `schema`'s model: a field, or
/// across foreign keys (`author__username`), or across a relation
/// backwards (`articles`, the rows of the model pointing at it, read by
/// their primary key; `articles__score`, a field of those rows).
fn aggregated(schema: &'static ModelSchema, name: &str) -> Result<(Option<Reverse>, FieldPath)> {
    let unknown = match field_path(schema, name) {
        Ok(path) => return Ok((None, path)),
        Err(unknown) => unknown,
    };
    let (first, rest) = name.split_once("__").unwrap_or((name, ""));
    let Some((child, key)) = super::relations::reverse_relation(schema, first) else {
        return Err(unknown);
    };
    let path = if rest.is_empty() {
        FieldPath {
            path: Vec::new(),
            field: child.pk_index(),
            model: child,
        }
    } else {
        field_path(child, rest)?
    };
    Ok((Some(Reverse { child, key }), path))
}

/// The `LEFT JOIN`s reaching the fields across foreign keys: one per
/// distinct path of keys, shared by every value read through it (a row
/// whose key is `NULL` reads `NULL`, and is kept).
#[derive(Default)]
struct Joins {
    joins: Vec<Join>,
    /// The alias of the table at the end of each path joined.
    aliases: Vec<(Vec<Hop>, String)>,
}

/// One step of a join path: across a foreign key of the model reached
/// (its index), or backwards to the rows pointing at it.
#[derive(Debug, Clone, Copy)]
enum Hop {
    Key(usize),
    Back(Reverse),
}

impl PartialEq for Hop {
    fn eq(&self, other: &Hop) -> bool {
        match (self, other) {
            (Hop::Key(a), Hop::Key(b)) => a == b,
            (Hop::Back(a), Hop::Back(b)) => a.child.table == b.child.table && a.key == b.key,
            _ => false,
        }
    }
}

/// `[LEFT | INNER] JOIN table AS alias ON alias.key = outer.column`.
struct Join {
    /// An inner join where it changes no row: across a key every row
    /// holds (not `NULL`), from the model's table or an inner join. As in
    /// Django, this lets the planner start from the joined table (an
    /// ordering by its indexed column stops early).
    inner: bool,
    table: String,
    alias: String,
    key: String,
    outer: String,
    column: String,
}

impl Joins {
    /// The alias of the table `path` leads to from `schema`'s (the table
    /// itself for an empty path), joining the tables not joined yet.
    fn alias(&mut self, schema: &'static ModelSchema, path: &[Hop]) -> Result<String> {
        let mut model = schema;
        let mut outer = schema.table.to_string();
        for end in 1..=path.len() {
            // The table reached, how it joins the one before, and whether
            // every row finds one.
            let (target, join, always) = match path[end - 1] {
                Hop::Key(index) => {
                    let Step {
                        key, fk, target, ..
                    } = step(model, index)?;
                    let join = (fk.to_column.to_string(), key.column.to_string());
                    (target, join, !key.nullable)
                }
                Hop::Back(Reverse { child, key }) => {
                    let column = child.fields[key].column.to_string();
                    (child, (column, model.pk().column.to_string()), false)
                }
            };
            let outer_inner = end == 1 || self.joins.iter().any(|j| j.alias == outer && j.inner);
            let prefix = &path[..end];
            let known = self
                .aliases
                .iter()
                .find(|(joined, _)| joined.as_slice() == prefix)
                .map(|(_, alias)| alias.clone());
            outer = match known {
                Some(alias) => alias,
                None => {
                    let alias = format!("j{}", self.joins.len() + 1);
                    let (key, column) = join;
                    self.joins.push(Join {
                        inner: always && outer_inner,
                        table: target.table.to_string(),
                        alias: alias.clone(),
                        key,
                        outer: outer.clone(),
                        column,
                    });
                    self.aliases.push((prefix.to_vec(), alias.clone()));
                    alias
                }
            };
            model = target;
        }
        Ok(outer)
    }
}

impl Rendered {
    fn walk<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        match self {
            Rendered::Column { table, column } => {
                out.push_identifier(table)?;
                out.push_sql(".");
                out.push_identifier(column)
            }
            Rendered::Expr(expr) => expr.walk_ast(out),
            Rendered::Aggregate {
                function,
                of,
                distinct,
                read,
            } => {
                let backend = Backend::of(out.backend());
                // Sums and averages of integers and floats come back as
                // numerics on some backends: cast them to the type read.
                let cast = match (function, read, backend) {
                    (Aggregate::Sum | Aggregate::Avg, Read::I64, Backend::Postgres) => {
                        Some("BIGINT")
                    }
                    (Aggregate::Sum | Aggregate::Avg, Read::I64, Backend::Mysql) => Some("SIGNED"),
                    (Aggregate::Sum | Aggregate::Avg, Read::F64, Backend::Postgres) => {
                        Some("DOUBLE PRECISION")
                    }
                    (Aggregate::Sum | Aggregate::Avg, Read::F64, Backend::Mysql) => Some("DOUBLE"),
                    _ => None,
                };
                if cast.is_some() {
                    out.push_sql("CAST(");
                }
                out.push_sql(match function {
                    Aggregate::Count => "COUNT(",
                    Aggregate::Sum => "SUM(",
                    Aggregate::Avg => "AVG(",
                    Aggregate::Min => "MIN(",
                    Aggregate::Max => "MAX(",
                });
                if *distinct {
                    out.push_sql("DISTINCT ");
                }
                match of {
                    Some(of) => of.walk(out.reborrow())?,
                    None => out.push_sql("*"),
                }
                out.push_sql(")");
                if let Some(cast) = cast {
                    out.push_sql(" AS ");
                    out.push_sql(cast);
                    out.push_sql(")");
                }
                Ok(())
            }
        }
    }
}

/// The ordering of the statement.
enum Order {
    /// Positions among the selected values (their aliases).
    Positions(Vec<(usize, bool)>),
    /// The query's own ordering: the model's columns, or the joined
    /// tables' ones; whether descending.
    Query(Vec<(Rendered, bool)>),
}

/// `SELECT ... FROM table WHERE ... GROUP BY ... ORDER BY ... LIMIT ...`.
struct Statement {
    table: String,
    joins: Vec<Join>,
    distinct: bool,
    items: Vec<(Rendered, Read)>,
    filter: Option<SqlCondition>,
    /// Group by the first this many items.
    group: usize,
    order: Order,
    limit: Option<i64>,
    offset: Option<i64>,
}

impl Statement {
    fn alias(&self, at: usize) -> String {
        format!("v{at}_{}", self.items[at].1.code())
    }
}

impl QueryFragment<MultiBackend> for Statement {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        if self.distinct {
            out.push_sql("DISTINCT ");
        }
        for (i, (item, _)) in self.items.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            item.walk(out.reborrow())?;
            out.push_sql(" AS ");
            out.push_sql(&self.alias(i));
        }
        out.push_sql(" FROM ");
        out.push_identifier(&self.table)?;
        for join in &self.joins {
            out.push_sql(if join.inner {
                " INNER JOIN "
            } else {
                " LEFT JOIN "
            });
            out.push_identifier(&join.table)?;
            out.push_sql(" AS ");
            out.push_identifier(&join.alias)?;
            out.push_sql(" ON ");
            out.push_identifier(&join.alias)?;
            out.push_sql(".");
            out.push_identifier(&join.key)?;
            out.push_sql(" = ");
            out.push_identifier(&join.outer)?;
            out.push_sql(".");
            out.push_identifier(&join.column)?;
        }
        if let Some(filter) = &self.filter {
            out.push_sql(" WHERE ");
            filter.walk_ast(out.reborrow())?;
        }
        if self.group > 0 {
            out.push_sql(" GROUP BY ");
            for i in 0..self.group {
                if i > 0 {
                    out.push_sql(", ");
                }
                out.push_sql(&(i + 1).to_string());
            }
        }
        match &self.order {
            Order::Positions(order) if !order.is_empty() => {
                out.push_sql(" ORDER BY ");
                for (n, (at, descending)) in order.iter().enumerate() {
                    if n > 0 {
                        out.push_sql(", ");
                    }
                    out.push_sql(&self.alias(*at));
                    out.push_sql(if *descending { " DESC" } else { " ASC" });
                }
            }
            Order::Query(order) if !order.is_empty() => {
                out.push_sql(" ORDER BY ");
                for (n, (term, descending)) in order.iter().enumerate() {
                    if n > 0 {
                        out.push_sql(", ");
                    }
                    term.walk(out.reborrow())?;
                    out.push_sql(if *descending { " DESC" } else { " ASC" });
                }
            }
            _ => {}
        }
        // Bound, so that the statement is prepared once per connection
        // whatever the slice.
        if let Some(limit) = &self.limit {
            out.push_sql(" LIMIT ");
            out.push_bind_param::<BigInt, i64>(limit)?;
        }
        if let Some(offset) = &self.offset {
            if self.limit.is_none() {
                // Every backend takes a limit before an offset.
                out.push_sql(" LIMIT ");
                out.push_bind_param::<BigInt, i64>(&i64::MAX)?;
            }
            out.push_sql(" OFFSET ");
            out.push_bind_param::<BigInt, i64>(offset)?;
        }
        Ok(())
    }
}

impl QueryId for Statement {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement {
    type SqlType = Untyped;
}

impl RunQueryDsl<AnyConnection> for Statement {}
