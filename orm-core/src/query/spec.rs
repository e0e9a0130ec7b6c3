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
