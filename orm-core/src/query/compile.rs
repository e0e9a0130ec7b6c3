//! A [`QuerySpec`] applied to a diesel query: its condition tree, ordering
//! and slice, built through the model's typed columns.

use diesel::query_dsl::methods::{FilterDsl, LimitDsl, OffsetDsl, ThenOrderDsl};
use diesel::BoolExpressionMethods;

use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::columns::{ColumnVisitor, ModelColumns};
use crate::query::sql::{SqlCondition, SqlOrder};
use crate::query::{ColumnKind, Condition, OrderBy, QuerySpec, Q};
use crate::value::ValueTypeError;

/// A query a spec applies to: it takes a filter, orderings, a limit and an
/// offset, each giving back a query of the same type (a boxed query).
pub trait SpecQuery:
    FilterDsl<SqlCondition, Output = Self>
    + ThenOrderDsl<SqlOrder, Output = Self>
    + LimitDsl<Output = Self>
    + OffsetDsl<Output = Self>
    + Sized
{
}

impl<B> SpecQuery for B where
    B: FilterDsl<SqlCondition, Output = B>
        + ThenOrderDsl<SqlOrder, Output = B>
        + LimitDsl<Output = B>
        + OffsetDsl<Output = B>
{
}

/// Applies a spec's filter, ordering, limit and offset to `query`, a query
/// over `M`'s table (alone or joined). A full-text search in the filter is
/// first narrowed on `conn` (see [`resolve_full_text`](super::resolve_full_text)).
pub fn apply_spec<M: ModelColumns, B: SpecQuery>(
    conn: &mut AnyConnection,
    mut query: B,
    spec: &QuerySpec,
) -> Result<B> {
    let spec = super::full_text::resolve::<M>(conn, spec)?;
    if let Some(filter) = &spec.filter {
        query = query.filter(condition_tree::<M>(filter)?);
    }
    for order in &spec.order {
        query = query.then_order_by(order_by::<M>(order)?);
    }
    if let Some(limit) = spec.limit {
        query = query.limit(limit);
    }
    if let Some(offset) = spec.offset {
        if spec.limit.is_none() {
            query = query.limit(i64::MAX);
        }
        query = query.offset(offset);
    }
    Ok(query)
}

/// A whole condition tree on `M`'s columns.
pub fn condition_tree<M: ModelColumns>(q: &Q) -> Result<SqlCondition> {
    Ok(match q {
        Q::Condition(c) => condition::<M>(c)?,
        Q::And(all) => fold::<M>(all, true)?,
        Q::Or(any) => fold::<M>(any, false)?,
        Q::Not(inner) => SqlCondition::new(diesel::dsl::not(condition_tree::<M>(inner)?)),
        Q::Related { field, q } => super::relations::related_condition(M::schema(), *field, q)?,
        Q::Referenced { model, field, q } => {
            super::relations::referenced_condition(M::schema(), model, *field, q)?
        }
        Q::Compare(compare) => super::expressions::compare_condition(compare, M::schema())?,
        Q::Json { field, path, test } => super::json::condition(M::schema(), *field, path, test)?,
        Q::FullText { words, .. } if words.is_empty() => constant(true),
        Q::FullText { words, many } => super::full_text::condition::<M>(words, *many)?,
    })
}

/// The parts joined with `AND` (`all`) or `OR`; an empty list is true for
/// `AND` and false for `OR`.
fn fold<M: ModelColumns>(parts: &[Q], all: bool) -> Result<SqlCondition> {
    let mut parts = parts.iter();
    let Some(first) = parts.next() else {
        return Ok(constant(all));
    };
    let mut acc = condition_tree::<M>(first)?;
    for part in parts {
        let next = condition_tree::<M>(part)?;
        acc = if all {
            SqlCondition::new(acc.and(next))
        } else {
            SqlCondition::new(acc.or(next))
        };
    }
    Ok(acc)
}

/// A literal true or false.
fn constant(value: bool) -> SqlCondition {
    use diesel::IntoSql;
    SqlCondition::new(value.into_sql::<diesel::sql_types::Bool>())
}

/// One comparison on one of `M`'s columns.
pub fn condition<M: ModelColumns>(c: &Condition) -> Result<SqlCondition> {
    struct Build<'a>(&'a Condition);
    impl ColumnVisitor for Build<'_> {
        type Output = std::result::Result<Option<SqlCondition>, ValueTypeError>;
        fn visit<C, K: ColumnKind<C>>(self, column: C) -> Self::Output {
            K::condition(column, self.0)
        }
    }
    match M::visit_column(c.field, Build(c)) {
        None => Err(unknown_field::<M>(c.field)),
        Some(Err(e)) => Err(bad_value::<M>(c.field, e)),
        Some(Ok(None)) => Err(Error::InvalidLookup {
            field: field_name::<M>(c.field),
            lookup: c.lookup.name().to_owned(),
        }),
        Some(Ok(Some(condition))) => Ok(condition),
    }
}

/// One ordering term on one of `M`'s columns, or on a field across its
/// foreign keys.
pub fn order_by<M: ModelColumns>(o: &OrderBy) -> Result<SqlOrder> {
    if !o.path.is_empty() {
        return super::path::path_order(M::schema(), o);
    }
    struct Build(bool);
    impl ColumnVisitor for Build {
        type Output = SqlOrder;
        fn visit<C, K: ColumnKind<C>>(self, column: C) -> SqlOrder {
            K::order(column, self.0)
        }
    }
    M::visit_column(o.field, Build(o.descending)).ok_or_else(|| unknown_field::<M>(o.field))
}

/// The filter of an `UPDATE` or `DELETE` for a spec: its filter, or, when
/// it is sliced, the primary keys of the slice.
pub fn write_filter<M: Model>(conn: &mut AnyConnection, spec: &QuerySpec) -> Result<Option<Q>> {
    if spec.limit.is_none() && spec.offset.is_none() {
        return Ok(spec.filter.clone());
    }
    let pk = M::schema().pk_index();
    let pks = M::__load(conn, spec)?
        .iter()
        .map(|m| m.field_value(pk))
        .collect();
    Ok(QuerySpec::for_pks(M::schema(), pks).filter)
}

fn field_name<M: Model>(index: usize) -> String {
    M::schema()
        .fields
        .get(index)
        .map_or_else(|| format!("#{index}"), |f| f.name.to_string())
}

/// An unknown field index: a bug in the caller.
pub fn unknown_field<M: Model>(index: usize) -> Error {
    Error::UnknownField {
        model: M::schema().label(),
        field: format!("#{index}"),
    }
}

/// A value read from the database that its field's type refuses (e.g. an
/// unknown choice), as diesel reports it while loading a row.
pub fn bad_row(err: Box<dyn std::error::Error + Send + Sync>) -> Error {
    Error::Query(diesel::result::Error::DeserializationError(err))
}

/// A value of the wrong type for a field.
pub fn bad_value<M: Model>(index: usize, err: ValueTypeError) -> Error {
    Error::InvalidValue {
        field: field_name::<M>(index),
        message: err.to_string(),
    }
}
