//! Text to typed values: form input, query-string filters, lookups by name.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use super::dates::transform_from_text;
use super::lookup::{Condition, Lookup, Operand, Q};
use super::relations::target_ops;
use crate::error::{Error, Result};
use crate::schema::{FieldKind, FieldSchema, ModelSchema};
use crate::value::Value;

/// Parses the text a person typed into a value for `field`.
///
/// Empty text is `Null` for nullable fields and `""` for text fields;
/// surrounding spaces are trimmed for every kind but text. The error is a
/// message fit to show next to the form field.
pub fn parse_value(field: &FieldSchema, text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() && field.nullable && !(field.kind.is_text() && field.blank) {
        return Ok(Value::Null);
    }
    if text.contains('\0') {
        return Err("Null characters are not allowed.".to_owned());
    }
    let invalid = |what: &str| format!("Enter a valid {what}.");
    match field.kind {
        FieldKind::Char
        | FieldKind::Text
        | FieldKind::Slug
        | FieldKind::Email
        | FieldKind::Url
        | FieldKind::File
        | FieldKind::Image => Ok(Value::Text(text.to_owned())),
        _ if trimmed.is_empty() => Err("This field is required.".to_owned()),
        FieldKind::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "on" | "1" | "yes" | "t" => Ok(Value::Bool(true)),
            "false" | "off" | "0" | "no" | "f" => Ok(Value::Bool(false)),
            _ => Err(invalid("boolean (true or false)")),
        },
        FieldKind::SmallInt => parse_int(trimmed, i64::from(i16::MIN), i64::from(i16::MAX))
            .map(|v| Value::SmallInt(v as i16)),
        FieldKind::Integer => parse_int(trimmed, i64::from(i32::MIN), i64::from(i32::MAX))
            .map(|v| Value::Integer(v as i32)),
        FieldKind::BigInt | FieldKind::ForeignKey => {
            parse_int(trimmed, i64::MIN, i64::MAX).map(Value::BigInt)
        }
        FieldKind::Float => trimmed
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Value::Float)
            .ok_or_else(|| invalid("number")),
        FieldKind::Double => trimmed
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Value::Double)
            .ok_or_else(|| invalid("number")),
        FieldKind::Decimal => parse_decimal(field, trimmed),
        FieldKind::DateTime => parse_datetime(trimmed)
            .map(Value::DateTime)
            .ok_or_else(|| invalid("date/time (YYYY-MM-DD HH:MM[:SS])")),
        FieldKind::Date => NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
            .map(Value::Date)
            .map_err(|_| invalid("date (YYYY-MM-DD)")),
        FieldKind::Time => parse_time(trimmed)
            .map(Value::Time)
            .ok_or_else(|| invalid("time (HH:MM[:SS])")),
        FieldKind::Uuid => uuid::Uuid::parse_str(trimmed)
            .map(Value::Uuid)
            .map_err(|_| invalid("UUID")),
        FieldKind::Json => serde_json::from_str(trimmed)
            .map(Value::Json)
            .map_err(|e| format!("Enter valid JSON: {e}.")),
        FieldKind::Binary => parse_hex(trimmed)
            .map(Value::Binary)
            .ok_or_else(|| invalid("hexadecimal byte string")),
    }
}

fn parse_int(text: &str, min: i64, max: i64) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(v) if v < min => Err(format!(
            "Ensure this value is greater than or equal to {min}."
        )),
        Ok(v) if v > max => Err(format!("Ensure this value is less than or equal to {max}.")),
        Ok(v) => Ok(v),
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => {
            Err(format!("Ensure this value is less than or equal to {max}."))
        }
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::NegOverflow) => Err(format!(
            "Ensure this value is greater than or equal to {min}."
        )),
        Err(_) => Err("Enter a whole number.".to_owned()),
    }
}

fn parse_decimal(field: &FieldSchema, text: &str) -> Result<Value, String> {
    let value = bigdecimal::BigDecimal::from_str(text).map_err(|_| "Enter a number.".to_owned())?;
    let places = field.decimal_places.unwrap_or(4);
    let digits = field.max_digits.unwrap_or(19);
    let (_, scale) = value.as_bigint_and_exponent();
    if scale > i64::from(places) {
        return Err(format!(
            "Ensure that there are no more than {places} decimal places."
        ));
    }
    let whole_digits = value
        .with_scale(0)
        .abs()
        .to_string()
        .trim_start_matches('0')
        .len();
    if whole_digits as i64 > i64::from(digits) - i64::from(places) {
        return Err(format!(
            "Ensure that there are no more than {} digits before the decimal point.",
            digits.saturating_sub(places)
        ));
    }
    Ok(Value::Decimal(value))
}

fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|fmt| NaiveDateTime::parse_from_str(text, fmt).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
    .map(|naive| naive.and_utc())
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|fmt| NaiveTime::parse_from_str(text, fmt).ok())
}

fn parse_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect()
}

/// The condition a Django-style name stands for, with the date transforms
/// as well (`published_date__year`, `published_date__year__gte`,
/// `at__date`, `at__month`, `at__week_day__in`) and keys into JSON fields
/// (`data__owner__name`, `data__has_key`): see
/// [`condition_from_text`] for the rest.
pub fn q_from_text(schema: &ModelSchema, name: &str, text: &str) -> Result<Q> {
    if let Some(q) = super::json::from_name(schema, name, text) {
        return Ok(q);
    }
    if let Some(q) = related_from_text(schema, name, text)? {
        return Ok(q);
    }
    let (path, lookup) = split_lookup(name);
    if let Some((field_name, transform)) = path.rsplit_once("__") {
        if let Some(index) = schema.field_index(field_name) {
            let field = &schema.fields[index];
            if let Some(q) = transform_from_text(field.kind, index, transform, lookup, text) {
                return q.map_err(|message| Error::InvalidValue {
                    field: field.name.to_string(),
                    message,
                });
            }
        }
    }
    condition_from_text(schema, name, text).map(Q::Condition)
}

/// A lookup across a foreign key (`author__username__icontains`): `None`
/// when `name` does not start with a foreign key followed by a field of
/// its target.
fn related_from_text(schema: &ModelSchema, name: &str, text: &str) -> Result<Option<Q>> {
    let Some((first, rest)) = name.split_once("__") else {
        return Ok(None);
    };
    let Some(index) = schema.field_index(first) else {
        return referenced_from_text(schema, first, rest, text);
    };
    let Some(fk) = &schema.fields[index].foreign_key else {
        return Ok(None);
    };
    let target = (target_ops(schema, fk)?.schema)();
    let next = rest.split("__").next().unwrap_or(rest);
    if target.field_index(next).is_none() {
        return Ok(None);
    }
    let q = q_from_text(target, rest, text)?;
    Ok(Some(Q::Related {
        field: index,
        q: Box::new(q),
    }))
}

/// A lookup backwards across a foreign key that points at `schema`'s
/// model (`article__is_published` on a user): `query` is the key's
/// `related_name`, or the lower-case name of its model when it has none,
/// as Django's query names are.
fn referenced_from_text(
    schema: &ModelSchema,
    query: &str,
    rest: &str,
    text: &str,
) -> Result<Option<Q>> {
    let Some((child, field)) = super::relations::reverse_relation(schema, query) else {
        return Ok(None);
    };
    Ok(Some(Q::Referenced {
        model: child.label(),
        field,
        q: Box::new(q_from_text(child, rest, text)?),
    }))
}

/// `name` as its field path and lookup: `title__icontains` is `title` and
/// `icontains`; without a known lookup at its end, the whole name and
/// `exact`.
pub(crate) fn split_lookup(name: &str) -> (&str, Lookup) {
    match name.rsplit_once("__") {
        Some((field, lookup)) => match Lookup::from_name(lookup) {
            Some(lookup) => (field, lookup),
            None => (name, Lookup::Exact),
        },
        None => (name, Lookup::Exact),
    }
}

/// Builds a condition from a Django-style name (`title__icontains`,
/// `published_date__gte`, `author`) and the text of its value.
///
/// Unknown fields or lookups are errors: nothing named by the caller reaches
/// SQL except through the model's own fields.
pub fn condition_from_text(schema: &ModelSchema, name: &str, text: &str) -> Result<Condition> {
    let (field_name, lookup) = split_lookup(name);
    let index = schema
        .field_index(field_name)
        .or_else(|| {
            let fk = field_name.strip_suffix("_id")?;
            schema
                .field_index(fk)
                .filter(|&i| schema.fields[i].kind == FieldKind::ForeignKey)
        })
        .ok_or_else(|| Error::UnknownField {
            model: schema.label(),
            field: field_name.to_owned(),
        })?;
    let field = &schema.fields[index];
    let bad_value = |message: String| Error::InvalidValue {
        field: field.name.to_string(),
        message,
    };
    if lookup.is_text_only() && !field.kind.is_text() {
        return Err(Error::InvalidLookup {
            field: field.name.to_string(),
            lookup: lookup.name().to_owned(),
        });
    }
    let operand = match lookup {
        Lookup::IsNull => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Operand::Flag(true),
            "false" | "0" | "no" | "off" => Operand::Flag(false),
            _ => return Err(bad_value("expected true or false".to_owned())),
        },
        Lookup::In => Operand::Many(
            text.split(',')
                .map(|part| parse_value(field, part))
                .collect::<Result<_, _>>()
                .map_err(bad_value)?,
        ),
        Lookup::Range => {
            let (low, high) = text
                .split_once(',')
                .ok_or_else(|| bad_value("expected two values separated by a comma".to_owned()))?;
            Operand::Pair(
                parse_value(field, low).map_err(bad_value)?,
                parse_value(field, high).map_err(bad_value)?,
            )
        }
        _ if lookup.is_text_only() => Operand::One(Value::Text(text.to_owned())),
        _ => Operand::One(parse_value(field, text).map_err(bad_value)?),
    };
    Ok(Condition {
        field: index,
        lookup,
        operand,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FieldSchema;

    #[test]
    fn integers_report_range() {
        let f = FieldSchema::new("n", "n", FieldKind::SmallInt);
        assert!(parse_value(&f, "40000")
            .unwrap_err()
            .contains("less than or equal to 32767"));
        assert_eq!(parse_value(&f, " 12 ").unwrap(), Value::SmallInt(12));
        assert_eq!(parse_value(&f, "x").unwrap_err(), "Enter a whole number.");
    }

    #[test]
    fn nullable_empty_is_null() {
        let mut f = FieldSchema::new("d", "d", FieldKind::Date);
        f.nullable = true;
        assert_eq!(parse_value(&f, "  ").unwrap(), Value::Null);
        f.nullable = false;
        assert!(parse_value(&f, "").is_err());
    }

    #[test]
    fn datetimes_accept_form_formats() {
        let f = FieldSchema::new("d", "d", FieldKind::DateTime);
        assert!(parse_value(&f, "2026-01-02T03:04").is_ok());
        assert!(parse_value(&f, "2026-01-02 03:04:05").is_ok());
        assert!(parse_value(&f, "2026-01-02T03:04:05+02:00").is_ok());
        assert!(parse_value(&f, "yesterday").is_err());
    }

    #[test]
    fn nul_bytes_are_refused() {
        let f = FieldSchema::new("t", "t", FieldKind::Char);
        assert!(parse_value(&f, "a\0b").is_err());
    }
}
