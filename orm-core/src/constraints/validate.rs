//! Constraints checked before a row is written, so that a form shows a
//! message instead of the database's error: check constraints on the
//! values alone, unique indexes with a condition or an expression with
//! one query each.

use super::entry::{EntryFunction, IndexEntry};
use super::evaluate::holds;
use crate::db::AnyConnection;
use crate::error::Result;
use crate::query::{Condition, Lookup, Operand, QuerySpec, Q};
use crate::registry::ModelOps;
use crate::schema::{IndexKind, IndexSchema, ModelSchema};
use crate::validation::ValidationErrors;
use crate::value::Value;

/// The key of messages about the whole object rather than one field, as
/// Django's `NON_FIELD_ERRORS`.
pub const NON_FIELD: &str = "__all__";

/// The message of a violated constraint, Django's default.
pub fn violated(name: &str) -> String {
    format!("Constraint “{name}” is violated.")
}

/// The check constraints `values` (a row's, in field order) break. A
/// condition that reads one field puts its message on that field; others
/// on [`NON_FIELD`]. A condition that is `NULL` for the row passes, as in
/// SQL.
pub fn check_errors(schema: &ModelSchema, values: &[Value]) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    for check in schema.checks.iter() {
        let Ok(q) = super::condition_q(schema, &check.check) else {
            continue;
        };
        if holds(&q, values) == Some(false) {
            errors.add(single_field(&q, schema), violated(&check.name));
        }
    }
    errors
}

/// The unique indexes with a condition or an expression that another row
/// already fills with `values`' entries (`values` is the row about to be
/// written; its own key is left out when it has one).
pub fn unique_errors(
    conn: &mut AnyConnection,
    ops: &ModelOps,
    values: &[Value],
) -> Result<ValidationErrors> {
    let schema = (ops.schema)();
    let mut errors = ValidationErrors::new();
    for index in schema.indexes.iter().filter(|index| checked(index)) {
        let Some(q) = clash(schema, index, values)? else {
            continue;
        };
        if (ops.count)(conn, &QuerySpec::matching(q))? > 0 {
            let fields: Vec<&str> = index
                .fields
                .iter()
                .map(|entry| IndexEntry::field_of(entry))
                .collect();
            let key = match fields.as_slice() {
                [one] => one,
                _ => NON_FIELD,
            };
            errors.add(key, violated(&super::index_label(index)));
        }
    }
    Ok(errors)
}

/// Unique indexes the database alone would enforce with an unfriendly
/// error: those with a condition or an expression.
fn checked(index: &IndexSchema) -> bool {
    index.unique
        && index.kind == IndexKind::Plain
        && (!index.condition.is_empty() || index.has_expressions())
}

/// The condition matching other rows that clash with `values` under
/// `index`; `None` when the row cannot clash (outside the condition, or a
/// null entry).
fn clash(schema: &ModelSchema, index: &IndexSchema, values: &[Value]) -> Result<Option<Q>> {
    let mut all = Vec::new();
    if !index.condition.is_empty() {
        let condition = super::condition_q(schema, &index.condition)?;
        if holds(&condition, values) != Some(true) {
            return Ok(None);
        }
        all.push(condition);
    }
    for entry in index.fields.iter() {
        let Ok(entry) = IndexEntry::parse(entry) else {
            return Ok(None);
        };
        let Some(field) = schema.field_index(entry.field) else {
            return Ok(None);
        };
        let value = &values[field];
        if value.is_null() {
            return Ok(None);
        }
        let lookup = match entry.function {
            Some(EntryFunction::Lower | EntryFunction::Upper) => Lookup::IExact,
            None => Lookup::Exact,
        };
        all.push(Q::Condition(Condition {
            field,
            lookup,
            operand: Operand::One(value.clone()),
        }));
    }
    let pk = schema.pk_index();
    let own = &values[pk];
    let saved = !(schema.pk().auto_increment && own.as_i64() == Some(0));
    if saved && !own.is_null() {
        all.push(Q::Not(Box::new(Q::Condition(Condition {
            field: pk,
            lookup: Lookup::Exact,
            operand: Operand::One(own.clone()),
        }))));
    }
    Ok(Some(Q::And(all)))
}

/// The one field a condition reads, or [`NON_FIELD`].
fn single_field<'a>(q: &Q, schema: &'a ModelSchema) -> &'a str {
    let mut fields = Vec::new();
    super::read_fields(q, &mut fields);
    fields.sort_unstable();
    fields.dedup();
    match fields.as_slice() {
        [one] => schema.fields[*one].name.as_ref(),
        _ => NON_FIELD,
    }
}
