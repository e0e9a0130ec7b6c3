//! A condition evaluated on a row's values in Rust, as SQL would: `None`
//! where SQL gives `NULL` (a comparison with a null value).

use std::cmp::Ordering;

use crate::query::{Condition, Lookup, Operand, Tree, Q};
use crate::value::Value;

/// Whether `values` (a row's, in field order) meet `q`: `Some(true)`,
/// `Some(false)`, or `None` when SQL would say `NULL`. A check constraint
/// refuses a row only on `Some(false)`.
pub fn holds(q: &Q, values: &[Value]) -> Option<bool> {
    match q {
        Q::Condition(condition) => condition_holds(condition, values),
        Q::And(all) => all
            .iter()
            .try_fold(Some(true), |acc, part| match (acc, holds(part, values)) {
                (_, Some(false)) => Err(()),
                (Some(true), Some(true)) => Ok(Some(true)),
                _ => Ok(None),
            })
            .unwrap_or(Some(false)),
        Q::Or(any) => any
            .iter()
            .try_fold(Some(false), |acc, part| match (acc, holds(part, values)) {
                (_, Some(true)) => Err(()),
                (Some(false), Some(false)) => Ok(Some(false)),
                _ => Ok(None),
            })
            .unwrap_or(Some(true)),
        Q::Not(inner) => holds(inner, values).map(|held| !held),
        Q::Compare(compare) => match (&compare.lhs, &compare.rhs) {
            (Tree::Field(lhs), Tree::Field(rhs)) => {
                let order = compare_values(values.get(*lhs)?, values.get(*rhs)?)?;
                Some(match compare.op {
                    "=" => order == Ordering::Equal,
                    "<>" => order != Ordering::Equal,
                    ">" => order == Ordering::Greater,
                    ">=" => order != Ordering::Less,
                    "<" => order == Ordering::Less,
                    "<=" => order != Ordering::Greater,
                    _ => return None,
                })
            }
            _ => None,
        },
        _ => None,
    }
}

fn condition_holds(condition: &Condition, values: &[Value]) -> Option<bool> {
    let value = values.get(condition.field)?;
    let order = |other: &Value| compare_values(value, other);
    match (condition.lookup, &condition.operand) {
        (Lookup::Exact, Operand::One(Value::Null)) => Some(value.is_null()),
        (Lookup::IsNull, Operand::Flag(flag)) => Some(value.is_null() == *flag),
        (Lookup::Exact, Operand::One(other)) => order(other).map(Ordering::is_eq),
        (Lookup::Gt, Operand::One(other)) => order(other).map(Ordering::is_gt),
        (Lookup::Gte, Operand::One(other)) => order(other).map(Ordering::is_ge),
        (Lookup::Lt, Operand::One(other)) => order(other).map(Ordering::is_lt),
        (Lookup::Lte, Operand::One(other)) => order(other).map(Ordering::is_le),
        (Lookup::In, Operand::Many(others)) => {
            if value.is_null() {
                return None;
            }
            Some(
                others
                    .iter()
                    .any(|other| order(other) == Some(Ordering::Equal)),
            )
        }
        (Lookup::Range, Operand::Pair(low, high)) => {
            Some(order(low)?.is_ge() && order(high)?.is_le())
        }
        _ => None,
    }
}

/// Two values compared as SQL compares them; `None` when either is null or
/// they cannot be compared. Numbers of different kinds compare by value.
pub fn compare_values(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Null, _) | (_, Null) => None,
        (Bool(a), Bool(b)) => Some(a.cmp(b)),
        (Text(a), Text(b)) => Some(a.cmp(b)),
        (Decimal(_), _) | (_, Decimal(_)) => Some(decimal(a)?.cmp(&decimal(b)?)),
        (DateTime(a), DateTime(b)) => Some(a.cmp(b)),
        (Date(a), Date(b)) => Some(a.cmp(b)),
        (Time(a), Time(b)) => Some(a.cmp(b)),
        (Uuid(a), Uuid(b)) => Some(a.cmp(b)),
        (Binary(a), Binary(b)) => Some(a.cmp(b)),
        _ => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => number(a)?.partial_cmp(&number(b)?),
        },
    }
}

fn decimal(value: &Value) -> Option<bigdecimal::BigDecimal> {
    match value {
        Value::Decimal(n) => Some(n.clone()),
        Value::Float(n) => bigdecimal::BigDecimal::try_from(f64::from(*n)).ok(),
        Value::Double(n) => bigdecimal::BigDecimal::try_from(*n).ok(),
        other => other.as_i64().map(bigdecimal::BigDecimal::from),
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::SmallInt(n) => Some(f64::from(*n)),
        Value::Integer(n) => Some(f64::from(*n)),
        Value::BigInt(n) => Some(*n as f64),
        Value::Float(n) => Some(f64::from(*n)),
        Value::Double(n) => Some(*n),
        _ => None,
    }
}
