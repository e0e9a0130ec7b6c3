//! Constraints beyond a field's own: check constraints, unique constraints
//! with a condition or over expressions, and partial indexes.
//!
//! Declared on the model (`#[model(constraints(...))]`, and a `condition`
//! on an entry of `indexes(...)`), they live in the schema IR as
//! [`CheckSchema`](crate::schema::CheckSchema)s and as unique or partial
//! [`IndexSchema`]s, so migrations make and
//! remove them like any index.
//!
//! A condition is text in Django's lookup syntax, the way a `Q` is written
//! by name (see [`Predicate`]):
//!
//! ```text
//! price__gte=0 & (stock__gt=0 | ~is_active=true) & ends__gte=F(starts)
//! ```
//!
//! Each backend gets it as SQL with the constants written in
//! ([`condition_sql`](crate::backend::ddl::condition_sql)): inside `CHECK (...)`, or as a partial index's
//! `WHERE`. MariaDB has no partial or expression indexes: a unique index
//! with a condition gets an invisible generated column that is `1` where
//! the condition holds and `NULL` elsewhere (nulls never clash in a unique
//! index), an expression gets an invisible generated column holding it,
//! and a partial index that is not unique covers every row.
//!
//! Before a save, [`check_errors`] tests the check constraints on the
//! values in Rust (a row is refused only when a condition is false, not
//! `NULL`, as in SQL), and [`unique_errors`] asks the database whether
//! another row already holds the values of a conditional or expression
//! unique index: the messages go next to the fields of a form.

mod entry;
mod evaluate;
mod predicate;
mod resolve;
mod validate;

pub use entry::{EntryFunction, IndexEntry};
pub use evaluate::{compare_values, holds};
pub use predicate::{Leaf, Operand, Predicate};
pub use resolve::condition_q;
pub use validate::{check_errors, unique_errors, violated, NON_FIELD};

use crate::query::{Tree, Q};
use crate::schema::{IndexKind, IndexSchema, ModelSchema};

/// What is wrong with the model's constraints and conditional indexes: a
/// condition that does not parse or names what the model lacks, an index
/// entry that is neither a field nor a known expression. Empty when all is
/// well.
pub fn problems(schema: &ModelSchema) -> Vec<String> {
    let mut problems = Vec::new();
    let label = schema.label();
    for check in schema.checks.iter() {
        if let Err(error) = condition_q(schema, &check.check) {
            problems.push(format!(
                "{label}: check constraint `{}`: {error}",
                check.name
            ));
        }
    }
    for index in schema.indexes.iter().filter(|i| i.kind == IndexKind::Plain) {
        let name = index_label(index);
        if !index.condition.is_empty() {
            if let Err(error) = condition_q(schema, &index.condition) {
                problems.push(format!("{label}: index `{name}`: {error}"));
            }
        }
        for entry in index.fields.iter() {
            match IndexEntry::parse(entry) {
                Ok(parsed) if schema.field(parsed.field).is_none() => problems.push(format!(
                    "{label}: index `{name}` names `{}`, which is not a field",
                    parsed.field
                )),
                Ok(_) => {}
                Err(message) => problems.push(format!("{label}: index `{name}`: {message}")),
            }
        }
    }
    problems
}

/// How an index is named in messages: its name, or its entries when it
/// has none (only an index declared without a name, never a constraint).
pub fn index_label(index: &IndexSchema) -> String {
    if index.name.is_empty() {
        format!("[{}]", index.fields.join(", "))
    } else {
        index.name.to_string()
    }
}

/// The fields (schema positions) a resolved condition reads.
fn read_fields(q: &Q, out: &mut Vec<usize>) {
    match q {
        Q::Condition(condition) => out.push(condition.field),
        Q::And(parts) | Q::Or(parts) => parts.iter().for_each(|part| read_fields(part, out)),
        Q::Not(inner) => read_fields(inner, out),
        Q::Compare(compare) => {
            for tree in [&compare.lhs, &compare.rhs] {
                if let Tree::Field(field) = tree {
                    out.push(*field);
                }
            }
        }
        _ => {}
    }
}
