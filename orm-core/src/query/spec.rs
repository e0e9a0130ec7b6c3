//! What a query asks for, independent of the model's Rust type.

use super::field::OrderBy;
use super::lookup::{Condition, Lookup, Operand, Q};
use crate::schema::ModelSchema;
use crate::value::Value;

/// The `OFFSET` from which [`QuerySpec::deferred_keys`] reads a page's keys
/// first.
pub(crate) const DEFERRED_OFFSET: i64 = 1_000;

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
    /// Paths of two or more foreign keys (`author__team`: field indexes,
    /// each in the schema of the model the one before leads to) whose
    /// targets are loaded too, all in one statement with a `LEFT JOIN` per
    /// path; the first key of each is also in `select_related`.
    pub select_related_deep: Vec<Vec<usize>>,
    /// Lock the rows read until the transaction ends
    /// ([`QuerySet::select_for_update`](crate::QuerySet::select_for_update)).
    pub lock: Option<super::Lock>,
}

/// Whether an index leads with `field`, and if so whether descending.
fn index_direction(schema: &ModelSchema, field: usize) -> Option<bool> {
    let name = schema.fields.get(field)?.name.as_ref();
    let declared = schema.indexes.iter().find_map(|index| {
        if index.kind != crate::schema::IndexKind::Plain || !index.condition.is_empty() {
            return None;
        }
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
    /// The spec for counting and aggregating: its filter, no ordering, no
    /// slice.
    pub fn count_spec(&self) -> QuerySpec {
        QuerySpec {
            filter: self.filter.clone(),
            ..QuerySpec::default()
        }
    }

    /// Loads the targets along `keys` (foreign keys, each of the model the
    /// one before leads to) with the rows: see
    /// [`QuerySet::select_related`](crate::QuerySet::select_related).
    pub fn add_related(&mut self, keys: Vec<usize>) {
        let Some(&first) = keys.first() else {
            return;
        };
        if !self.select_related.contains(&first) {
            self.select_related.push(first);
        }
        if keys.len() > 1 && !self.select_related_deep.contains(&keys) {
            self.select_related_deep.push(keys);
        }
    }

    /// The query for its first row: in its ordering (by primary key when
    /// it has none), one row.
    pub fn first_row(&self, schema: &ModelSchema) -> QuerySpec {
        let mut spec = self.clone();
        if spec.order.is_empty() {
            spec.order.push(OrderBy::new(schema.pk_index(), false));
        }
        spec.limit = Some(1);
        spec
    }

    /// This query with at most `limit` rows.
    pub fn limited(mut self, limit: i64) -> QuerySpec {
        self.limit = Some(limit);
        self
    }

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

    /// For a page far into the rows (`OFFSET` of `DEFERRED_OFFSET`, 1,000, or
    /// more), the query that reads only the page's primary keys: the
    /// database skips the rows before the page in an index holding the
    /// sort columns and the key instead of in the table (a deferred join).
    /// The page's rows are then read by key ([`QuerySpec::page_of_keys`]).
    pub fn deferred_keys(&self) -> Option<QuerySpec> {
        if self.offset.unwrap_or(0) < DEFERRED_OFFSET || self.limit.is_none() {
            return None;
        }
        let mut keys = self.clone();
        keys.select_related.clear();
        keys.select_related_deep.clear();
        Some(keys)
    }

    /// The rows of `keys` (read by [`QuerySpec::deferred_keys`]), with this
    /// query's ordering and related objects.
    pub fn page_of_keys(&self, schema: &ModelSchema, keys: Vec<Value>) -> QuerySpec {
        let mut page = QuerySpec::for_pks(schema, keys);
        page.order = self.order.clone();
        page.select_related = self.select_related.clone();
        page.select_related_deep = self.select_related_deep.clone();
        page
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

    /// The query for rows `offset .. offset + limit` of this query's `count`
    /// rows, and whether it returns them last first (the caller reverses
    /// them).
    ///
    /// `OFFSET` walks every row it skips, so a page past the middle is read
    /// from the far end: the order reversed, skipping the rows after the
    /// page instead of those before it. The last page then costs what the
    /// first does. Only for an ordered query, whose order is first made
    /// total ([`QuerySpec::make_stable`]) so that both ends agree on every
    /// row's place, and an exact `count` (one that lags behind a write
    /// shifts the page as a plain `OFFSET` would).
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # #[model(ordering = ["-id"])]
    /// # struct Entry { id: i64 }
    /// let spec = Entry::objects().spec().clone();
    /// let (last_page, reversed) = spec.page(Entry::schema(), 1_050, 1_000, 100);
    /// assert!(reversed);
    /// assert_eq!((last_page.offset, last_page.limit), (Some(0), Some(50)));
    /// ```
    pub fn page(
        &self,
        schema: &ModelSchema,
        count: i64,
        offset: i64,
        limit: i64,
    ) -> (QuerySpec, bool) {
        let mut page = self.clone();
        let after = count - offset - limit;
        let reversed = !page.order.is_empty() && offset < count && after < offset;
        if !page.order.is_empty() {
            page.make_stable(schema);
        }
        if reversed {
            for key in &mut page.order {
                key.descending = !key.descending;
            }
            page.offset = Some(after.max(0));
            page.limit = Some(limit.min(count - offset));
        } else {
            page.offset = Some(offset);
            page.limit = Some(limit);
        }
        (page, reversed)
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
        if self
            .order
            .iter()
            .any(|o| o.field == pk && o.path.is_empty())
        {
            return;
        }
        let descending = match self.order.as_slice() {
            [only] if only.path.is_empty() => match index_direction(schema, only.field) {
                Some(index_descending) => only.descending != index_descending,
                None => true,
            },
            _ => true,
        };
        self.order.push(OrderBy::new(pk, descending));
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
                    .map(|field| OrderBy::new(field, descending))
            })
            .collect()
    }
}
