//! What a query asks for, independent of the model's Rust type.

use super::field::OrderBy;
use super::lookup::{Condition, Lookup, Operand, Q};
use crate::schema::ModelSchema;
use crate::value::Value;

/// A query on one model: which rows, in which order, which slice, and which
/// foreign keys to load in the same query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuerySpec {
    /// Which rows; `None` is every row.
    pub filter: Option<Q>,
    /// The ordering, first key first.
    pub order: Vec<OrderBy>,
    /// At most this many rows.
    pub limit: Option<i64>,
    /// Skip this many rows.
    pub offset: Option<i64>,
    /// Foreign-key fields (schema indexes) whose targets are loaded with a
    /// join.
    pub select_related: Vec<usize>,
}

/// Whether an index leads with `field`, and if so whether descending.
fn index_direction(schema: &ModelSchema, field: usize) -> Option<bool> {
    let name = schema.fields.get(field)?.name.as_ref();
    let declared = schema.indexes.iter().find_map(|index| {
        let first = index.fields.first()?;
        match first.strip_prefix('-') {
            Some(rest) if rest == name => Some(true),
            None if first == name => Some(false),
            _ => None,
        }
    });
    let field = &schema.fields[field];
    declared.or((field.index || field.unique).then_some(false))
}

impl QuerySpec {
    /// The row whose primary key is `pk`.
    pub fn for_pk(schema: &ModelSchema, pk: Value) -> QuerySpec {
        QuerySpec::matching(Q::Condition(Condition {
            field: schema.pk_index(),
            lookup: Lookup::Exact,
            operand: Operand::One(pk),
        }))
    }

    /// The rows whose primary key is one of `pks`.
    pub fn for_pks(schema: &ModelSchema, pks: Vec<Value>) -> QuerySpec {
        QuerySpec::matching(Q::Condition(Condition {
            field: schema.pk_index(),
            lookup: Lookup::In,
            operand: Operand::Many(pks),
        }))
    }

    /// The primary key when the query asks for one row by its key and nothing
    /// else (`pk = value`, no join, no offset): the generated code then runs
    /// a statement whose SQL never changes, prepared once per connection.
    pub fn pk_lookup(&self, schema: &ModelSchema) -> Option<&Value> {
        match &self.filter {
            Some(Q::Condition(Condition {
                field,
                lookup: Lookup::Exact,
                operand: Operand::One(value),
            })) if *field == schema.pk_index()
                && !value.is_null()
                && self.select_related.is_empty()
                && self.offset.is_none() =>
            {
                Some(value)
            }
            _ => None,
        }
    }

    /// The rows matching `q`.
    pub fn matching(q: Q) -> QuerySpec {
        QuerySpec {
            filter: Some(q),
            ..QuerySpec::default()
        }
    }

    /// Adds a condition that must hold as well.
    pub fn and(&mut self, q: Q) {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing & q,
            None => q,
        });
    }

    /// Adds the primary key as the last sort key (when absent), so that rows
    /// with equal sort values keep one order and pages never overlap.
    ///
    /// Its direction follows the index on the first sort column: an index
    /// stores equal keys in primary-key order (SQLite's rowid, InnoDB's
    /// clustered key), so `published_date DESC` over an index on
    /// `-published_date` ties by ascending key, and the database walks the
    /// index instead of sorting every row. Without such an index the key
    /// sorts descending, as Django's admin does.
    pub fn make_stable(&mut self, schema: &ModelSchema) {
        let pk = schema.pk_index();
        if self.order.iter().any(|o| o.field == pk) {
            return;
        }
        let descending = match self.order.as_slice() {
            [only] => match index_direction(schema, only.field) {
                Some(index_descending) => only.descending != index_descending,
                None => true,
            },
            _ => true,
        };
        self.order.push(OrderBy {
            field: pk,
            descending,
        });
    }

    /// The default ordering of a model, from its schema.
    pub fn default_order(schema: &ModelSchema) -> Vec<OrderBy> {
        schema
            .ordering
            .iter()
            .filter_map(|name| {
                let (descending, name) = match name.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, name.as_ref()),
                };
                schema
                    .field_index(name)
                    .map(|field| OrderBy { field, descending })
            })
            .collect()
    }
}
