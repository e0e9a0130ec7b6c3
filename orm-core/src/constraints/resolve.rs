//! A parsed condition checked against a model and turned into a [`Q`]:
//! the form the query code, the DDL and the validation before saving all
//! read.

use super::predicate::{Leaf, Operand, Predicate};
use crate::error::{Error, Result};
use crate::query::{
    condition_from_text, q_from_text, split_lookup, Compare, Condition, Lookup, Tree, Q,
};
use crate::schema::{FieldKind, ModelSchema};

/// The lookups a constraint's condition may use: those every backend
/// evaluates the same way inside a `CHECK` or an index's `WHERE`.
const LOOKUPS: [Lookup; 8] = [
    Lookup::Exact,
    Lookup::Gt,
    Lookup::Gte,
    Lookup::Lt,
    Lookup::Lte,
    Lookup::In,
    Lookup::IsNull,
    Lookup::Range,
];

/// `text` parsed and checked against `schema`: every name a field of the
/// model with a lookup of its kind, every value fit for its field.
pub fn condition_q(schema: &ModelSchema, text: &str) -> Result<Q> {
    let invalid = |message: String| Error::InvalidCondition {
        model: schema.label(),
        condition: text.to_owned(),
        message,
    };
    let predicate = Predicate::parse(text).map_err(invalid)?;
    to_q(schema, &predicate).map_err(|error| match error {
        Error::InvalidCondition { .. } => error,
        other => invalid(other.to_string()),
    })
}

fn to_q(schema: &ModelSchema, predicate: &Predicate) -> Result<Q> {
    Ok(match predicate {
        Predicate::Leaf(leaf) => leaf_q(schema, leaf)?,
        Predicate::And(all) => Q::And(all.iter().map(|p| to_q(schema, p)).collect::<Result<_>>()?),
        Predicate::Or(any) => Q::Or(any.iter().map(|p| to_q(schema, p)).collect::<Result<_>>()?),
        Predicate::Not(inner) => Q::Not(Box::new(to_q(schema, inner)?)),
    })
}

fn leaf_q(schema: &ModelSchema, leaf: &Leaf) -> Result<Q> {
    let refuse = |message: String| Error::InvalidLookup {
        field: leaf.name.clone(),
        lookup: message,
    };
    let (field_name, lookup) = split_lookup(&leaf.name);
    if field_name.contains("__") {
        return Err(refuse(
            "a constraint reads the row's own fields only, not across relations or into JSON"
                .to_owned(),
        ));
    }
    if !LOOKUPS.contains(&lookup) {
        return Err(refuse(format!(
            "`{}` cannot be used in a constraint (use exact, gt, gte, lt, lte, in, isnull or range)",
            lookup.name()
        )));
    }
    let index = field_index(schema, field_name)?;
    let kind = schema.fields[index].kind;
    match &leaf.value {
        Operand::Field(other) => {
            let op = match lookup {
                Lookup::Exact => "=",
                Lookup::Gt => ">",
                Lookup::Gte => ">=",
                Lookup::Lt => "<",
                Lookup::Lte => "<=",
                _ => {
                    return Err(refuse(format!(
                        "`{}` cannot compare with F(...) (use exact, gt, gte, lt or lte)",
                        lookup.name()
                    )))
                }
            };
            let rhs = field_index(schema, other)?;
            Ok(Q::Compare(Compare {
                lhs: Tree::Field(index),
                op,
                rhs: Tree::Field(rhs),
            }))
        }
        Operand::Json(serde_json::Value::Null) if lookup == Lookup::Exact => Ok(Q::Condition(
            condition_from_text(schema, &format!("{field_name}__isnull"), "true")?,
        )),
        Operand::Json(value) => {
            if lookup != Lookup::IsNull && !has_literal(kind) {
                return Err(refuse(format!(
                    "a {kind:?} field cannot be compared with a constant in a constraint; compare it with another field, F(name)"
                )));
            }
            let text = value_text(value).map_err(refuse)?;
            let q = q_from_text(schema, &leaf.name, &text)?;
            match q {
                Q::Condition(Condition { .. }) => Ok(q),
                _ => Err(refuse("not a comparison of the row's own field".to_owned())),
            }
        }
    }
}

/// Kinds whose constants are written the same way in every backend's SQL.
fn has_literal(kind: FieldKind) -> bool {
    kind.is_numeric() || kind.is_text() || matches!(kind, FieldKind::Bool | FieldKind::ForeignKey)
}

fn field_index(schema: &ModelSchema, name: &str) -> Result<usize> {
    schema.field_index(name).ok_or_else(|| Error::UnknownField {
        model: schema.label(),
        field: name.to_owned(),
    })
}

/// A JSON value as the text a lookup by name takes: lists (for `in` and
/// `range`) joined by commas.
fn value_text(value: &serde_json::Value) -> Result<String, String> {
    match value {
        serde_json::Value::String(text) => Ok(text.clone()),
        serde_json::Value::Number(number) => Ok(number.to_string()),
        serde_json::Value::Bool(flag) => Ok(flag.to_string()),
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::Array(items) => {
            let texts = items
                .iter()
                .map(|item| match item {
                    serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                        Err("a list holds numbers, text or booleans".to_owned())
                    }
                    serde_json::Value::String(text) if text.contains(',') => {
                        Err(format!("a listed text may not hold a comma: {text:?}"))
                    }
                    other => value_text(other),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(texts.join(","))
        }
        serde_json::Value::Object(_) => Err("a JSON object is not a value here".to_owned()),
    }
}
