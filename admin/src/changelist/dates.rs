//! `date_hierarchy`: drill down by year, month and day
//! (`published_date__year=2026&published_date__month=11`).

use chrono::{Datelike, NaiveDate};
use orm_core::query::{Condition, Lookup, Operand, Q};
use orm_core::schema::{FieldKind, ModelSchema};
use orm_core::Value;

use super::params::ListParams;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The drill-down links above the list.
pub(crate) struct DateDrill {
    /// The field drilled into, as the form labels it (`Published date`).
    pub(crate) label: String,
    pub(crate) back: Option<(String, String)>,
    pub(crate) choices: Vec<(String, String)>,
}

/// The hierarchy on one date or datetime field.
pub(crate) struct DateHierarchy {
    field: usize,
    name: String,
    label: String,
    kind: FieldKind,
}

impl DateHierarchy {
    pub(crate) fn new(schema: &ModelSchema, name: &str) -> Option<DateHierarchy> {
        let field = schema.field_index(name)?;
        let kind = schema.fields[field].kind;
        matches!(kind, FieldKind::Date | FieldKind::DateTime).then(|| DateHierarchy {
            field,
            name: name.to_owned(),
            label: crate::display::field_label(&schema.fields[field]),
            kind,
        })
    }

    pub(crate) fn field(&self) -> usize {
        self.field
    }

    pub(crate) fn accepts(&self, key: &str) -> bool {
        key.strip_prefix(self.name.as_str())
            .is_some_and(|rest| matches!(rest, "__year" | "__month" | "__day"))
    }

    /// The selected `(year, month, day)`, each valid or absent.
    fn selection(&self, params: &ListParams) -> (Option<i32>, Option<u32>, Option<u32>) {
        let number = |part: &str| {
            params
                .get(&format!("{}__{part}", self.name))
                .and_then(|v| v.trim().parse::<i64>().ok())
        };
        let year = number("year")
            .filter(|y| (1..=9999).contains(y))
            .map(|y| y as i32);
        let month = year
            .and(number("month"))
            .filter(|m| (1..=12).contains(m))
            .map(|m| m as u32);
        let day = month
            .and(number("day"))
            .filter(|d| (1..=31).contains(d))
            .map(|d| d as u32)
            .filter(|d| {
                year.zip(month)
                    .is_some_and(|(y, m)| NaiveDate::from_ymd_opt(y, m, *d).is_some())
            });
        (year, month, day)
    }

    /// The range the selection covers, as a condition.
    pub(crate) fn condition(&self, params: &ListParams) -> Option<Q> {
        let (from, to) = match self.selection(params) {
            (Some(y), Some(m), Some(d)) => {
                let day = NaiveDate::from_ymd_opt(y, m, d)?;
                (day, day.succ_opt()?)
            }
            (Some(y), Some(m), None) => (
                NaiveDate::from_ymd_opt(y, m, 1)?,
                if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)?
                },
            ),
            (Some(y), None, None) => (
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?,
            ),
            _ => return None,
        };
        let bound = |day: NaiveDate| match self.kind {
            FieldKind::Date => Value::Date(day),
            _ => Value::DateTime(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        };
        let cond = |lookup, day| {
            Q::Condition(Condition {
                field: self.field,
                lookup,
                operand: Operand::One(bound(day)),
            })
        };
        Some(cond(Lookup::Gte, from) & cond(Lookup::Lt, to))
    }

    /// The links, given the first and last dates of the listed rows.
    pub(crate) fn drill(
        &self,
        params: &ListParams,
        span: Option<(NaiveDate, NaiveDate)>,
    ) -> DateDrill {
        let key = |part: &str| format!("{}__{part}", self.name);
        let prefix = format!("{}__", self.name);
        let set = |parts: &[(&str, String)]| {
            let pairs: Vec<(String, String)> =
                parts.iter().map(|(k, v)| (key(k), v.clone())).collect();
            params
                .only(|k| !self.accepts(k))
                .replace_prefix(&format!("{prefix}\u{0}"), &pairs)
                .query()
        };
        let (year, month, day) = self.selection(params);
        let Some((first, last)) = span else {
            return DateDrill {
                label: self.label.clone(),
                back: None,
                choices: Vec::new(),
            };
        };
        match (year, month, day) {
            (None, _, _) => DateDrill {
                label: self.label.clone(),
                back: None,
                choices: (first.year()..=last.year())
                    .map(|y| (y.to_string(), set(&[("year", y.to_string())])))
                    .collect(),
            },
            (Some(y), None, _) => DateDrill {
                label: self.label.clone(),
                back: Some(("‹ All dates".into(), set(&[]))),
                choices: (1..=12u32)
                    .filter(|m| {
                        let start = NaiveDate::from_ymd_opt(y, *m, 1);
                        let end = if *m == 12 {
                            NaiveDate::from_ymd_opt(y + 1, 1, 1)
                        } else {
                            NaiveDate::from_ymd_opt(y, m + 1, 1)
                        };
                        matches!((start, end), (Some(s), Some(e)) if e > first && s <= last)
                    })
                    .map(|m| {
                        (
                            format!("{} {y}", MONTHS[m as usize - 1]),
                            set(&[("year", y.to_string()), ("month", m.to_string())]),
                        )
                    })
                    .collect(),
            },
            (Some(y), Some(m), None) => DateDrill {
                label: self.label.clone(),
                back: Some((format!("‹ {y}"), set(&[("year", y.to_string())]))),
                choices: (1..=31u32)
                    .filter_map(|d| NaiveDate::from_ymd_opt(y, m, d))
                    .filter(|date| *date >= first && *date <= last)
                    .map(|date| {
                        (
                            format!("{} {}", MONTHS[m as usize - 1], date.day()),
                            set(&[
                                ("year", y.to_string()),
                                ("month", m.to_string()),
                                ("day", date.day().to_string()),
                            ]),
                        )
                    })
                    .collect(),
            },
            (Some(y), Some(m), Some(_)) => DateDrill {
                label: self.label.clone(),
                back: Some((
                    format!("‹ {} {y}", MONTHS[m as usize - 1]),
                    set(&[("year", y.to_string()), ("month", m.to_string())]),
                )),
                choices: Vec::new(),
            },
        }
    }
}

/// The calendar date of a date or datetime value.
pub(crate) fn date_of(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::Date(day) => Some(*day),
        Value::DateTime(at) => Some(at.date_naive()),
        _ => None,
    }
}
