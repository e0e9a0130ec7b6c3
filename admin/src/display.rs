//! Values as the admin shows them: dates in a readable form, choices by
//! label, labels capitalised.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use orm_core::schema::{FieldSchema, ModelSchema};
use orm_core::Value;

pub(crate) use orm_core::forms::{capitalize, decimal_text, field_label, input_text};

/// A value as a list cell or read-only field shows it.
pub(crate) fn value_text(field: &FieldSchema, value: &Value) -> String {
    match value {
        Value::DateTime(at) => datetime_text(at),
        Value::Date(day) => date_text(day),
        Value::Time(time) => format!(
            "{:02}:{:02}:{:02}",
            time.hour(),
            time.minute(),
            time.second()
        ),
        Value::Decimal(_) => decimal_text(field, value),
        other => field.display_value(other),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Nov 25, 2026` (written out directly: list pages format many dates).
pub(crate) fn date_text(day: &NaiveDate) -> String {
    let month = MONTHS[day.month0() as usize];
    format!("{month} {}, {}", day.day(), day.year())
}

/// `Nov 25, 2026, 14:03` (UTC).
pub(crate) fn datetime_text(at: &DateTime<Utc>) -> String {
    format!(
        "{}, {:02}:{:02}",
        date_text(&at.date_naive()),
        at.hour(),
        at.minute()
    )
}

/// The label of a field reached across foreign keys, the keys' names
/// first: `story__author__username` is "Story author username". A name
/// without `__` is the field's own label.
pub(crate) fn path_label(name: &str, field: &FieldSchema) -> String {
    match name.rsplit_once("__") {
        Some((steps, _)) => capitalize(&format!(
            "{} {}",
            steps.replace("__", " ").replace('_', " "),
            field_label(field).to_lowercase()
        )),
        None => field_label(field),
    }
}

/// `Articles` from the model's plural verbose name.
pub(crate) fn plural_title(schema: &ModelSchema) -> String {
    capitalize(&schema.verbose_name_plural)
}

/// `Article` from the model's verbose name.
pub(crate) fn singular_title(schema: &ModelSchema) -> String {
    capitalize(&schema.verbose_name)
}

/// `Word count` from a method name.
pub(crate) fn method_label(name: &str) -> String {
    capitalize(&name.replace('_', " "))
}

/// The object's address on the site from the model's `view_on_site`
/// template: each `{field}` is its value, percent-encoded as a path part;
/// `{{` and `}}` are braces.
pub(crate) fn site_link(template: &str, schema: &ModelSchema, values: &[Value]) -> String {
    const PART: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let text = schema
                    .field_index(name.trim())
                    .and_then(|i| Some((&schema.fields[i], values.get(i)?)))
                    .map(|(field, value)| input_text(field, value))
                    .unwrap_or_default();
                out.extend(percent_encoding::utf8_percent_encode(&text, PART));
            }
            other => out.push(other),
        }
    }
    out
}

/// `Blog` from an app label.
pub(crate) fn app_title(app_label: &str) -> String {
    capitalize(&app_label.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use orm_core::schema::FieldKind;

    #[test]
    fn dates_read_naturally() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .and_then(|d| d.and_hms_opt(7, 3, 9))
            .map(|dt| dt.and_utc())
            .unwrap();
        assert_eq!(datetime_text(&at), "Jan 5, 2026, 07:03");
        assert_eq!(date_text(&at.date_naive()), "Jan 5, 2026");
    }

    #[test]
    fn decimals_show_at_their_scale() {
        let mut field = FieldSchema::new("price", "price", FieldKind::Decimal);
        field.decimal_places = Some(2);
        let read_back: orm_core::prelude::BigDecimal = "123456.77999999999883584678173065185546875"
            .parse()
            .unwrap();
        let value = Value::Decimal(read_back);
        assert_eq!(input_text(&field, &value), "123456.78");
        assert_eq!(value_text(&field, &value), "123456.78");
        let five = Value::Decimal("5".parse().unwrap());
        assert_eq!(input_text(&field, &five), "5.00");
    }

    #[test]
    fn labels() {
        let field = FieldSchema::new("published_date", "published_date", FieldKind::DateTime);
        assert_eq!(field_label(&field), "Published date");
        assert_eq!(method_label("word_count"), "Word count");
        assert_eq!(capitalize("élan"), "Élan");
        assert_eq!(app_title("my_blog"), "My blog");
    }
}
