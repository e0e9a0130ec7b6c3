//! A constraint's condition as SQL text with its constants written in:
//! what a `CHECK (...)` or a partial index's `WHERE ...` holds (DDL takes
//! no bound parameters).

use super::quote_ident;
use crate::backend::schema_editor::literal;
use crate::db::BackendKind;
use crate::error::{Error, Result};
use crate::query::{Condition, Lookup, Operand, Tree, Q};
use crate::schema::{DefaultValue, ModelSchema};
use crate::value::Value;

/// The SQL of the condition `text` over `schema`'s columns.
pub fn condition_sql(schema: &ModelSchema, text: &str, backend: BackendKind) -> Result<String> {
    let q = crate::constraints::condition_q(schema, text)?;
    render(schema, &q, backend).map_err(|message| Error::InvalidCondition {
        model: schema.label(),
        condition: text.to_owned(),
        message,
    })
}

fn render(schema: &ModelSchema, q: &Q, backend: BackendKind) -> Result<String, String> {
    let joined = |parts: &[Q], sep: &str| -> Result<String, String> {
        let parts = parts
            .iter()
            .map(|part| render(schema, part, backend))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(format!("({})", parts.join(sep)))
    };
    match q {
        Q::Condition(condition) => leaf(schema, condition, backend),
        Q::And(all) => joined(all, " AND "),
        Q::Or(any) => joined(any, " OR "),
        Q::Not(inner) => Ok(format!("NOT ({})", render(schema, inner, backend)?)),
        Q::Compare(compare) => match (&compare.lhs, &compare.rhs) {
            (Tree::Field(lhs), Tree::Field(rhs)) => Ok(format!(
                "{} {} {}",
                column(schema, *lhs, backend),
                compare.op,
                column(schema, *rhs, backend)
            )),
            _ => Err("only fields are compared with fields".to_owned()),
        },
        _ => Err("not a condition on the row's own fields".to_owned()),
    }
}

fn column(schema: &ModelSchema, index: usize, backend: BackendKind) -> String {
    quote_ident(&schema.fields[index].column, backend)
}

fn leaf(
    schema: &ModelSchema,
    condition: &Condition,
    backend: BackendKind,
) -> Result<String, String> {
    let field = &schema.fields[condition.field];
    let col = column(schema, condition.field, backend);
    let lit = |value: &Value| -> Result<String, String> {
        let default = match value {
            Value::Bool(flag) => DefaultValue::Bool(*flag),
            Value::SmallInt(n) => DefaultValue::Int(i64::from(*n)),
            Value::Integer(n) => DefaultValue::Int(i64::from(*n)),
            Value::BigInt(n) => DefaultValue::Int(*n),
            Value::Float(n) => DefaultValue::Float(f64::from(*n)),
            Value::Double(n) => DefaultValue::Float(*n),
            Value::Decimal(n) => DefaultValue::Str(n.normalized().to_string().into()),
            Value::Text(text) => DefaultValue::Str(text.clone().into()),
            other => return Err(format!("no constant of this kind: {other:?}")),
        };
        Ok(literal(&default, field, backend))
    };
    let op = |op: &str, value: &Value| -> Result<String, String> {
        Ok(format!("{col} {op} {}", lit(value)?))
    };
    match (condition.lookup, &condition.operand) {
        (Lookup::Exact, Operand::One(Value::Null)) | (Lookup::IsNull, Operand::Flag(true)) => {
            Ok(format!("{col} IS NULL"))
        }
        (Lookup::IsNull, Operand::Flag(false)) => Ok(format!("{col} IS NOT NULL")),
        (Lookup::Exact, Operand::One(value)) => op("=", value),
        (Lookup::Gt, Operand::One(value)) => op(">", value),
        (Lookup::Gte, Operand::One(value)) => op(">=", value),
        (Lookup::Lt, Operand::One(value)) => op("<", value),
        (Lookup::Lte, Operand::One(value)) => op("<=", value),
        (Lookup::In, Operand::Many(values)) => {
            let values = values.iter().map(lit).collect::<Result<Vec<_>, _>>()?;
            Ok(format!("{col} IN ({})", values.join(", ")))
        }
        (Lookup::Range, Operand::Pair(low, high)) => {
            Ok(format!("{col} BETWEEN {} AND {}", lit(low)?, lit(high)?))
        }
        (lookup, _) => Err(format!("`{}` cannot be used here", lookup.name())),
    }
}
