//! The filter sidebar: one group per `list_filter` field, with Django's
//! query-string keys (`is_published__exact=1`, `author__id__exact=3`,
//! `published_date__gte=...&published_date__lt=...`).

use chrono::{Datelike, Duration, NaiveDate, Utc};
use orm_core::query::{field_path, q_from_text, Q};
use orm_core::schema::{FieldKind, FieldSchema, ModelSchema};

use super::params::ListParams;
use crate::display::path_label;

/// A group of the sidebar.
pub(crate) struct FilterGroup {
    pub(crate) title: String,
    pub(crate) choices: Vec<FilterChoice>,
}

/// One link of a group.
pub(crate) struct FilterChoice {
    pub(crate) label: String,
    pub(crate) url: String,
    pub(crate) selected: bool,
    /// How many rows it selects, when counts are shown.
    pub(crate) count: Option<i64>,
}

/// The rows each choice of a filter selects: `(its parameters, rows)`.
pub(crate) type Facets = Vec<(Vec<(String, String)>, i64)>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Choices,
    ForeignKey,
    Date,
}

/// One `list_filter` field: of the model, or across foreign keys
/// (`story__author`, `author__is_staff`).
pub(crate) struct FieldFilter {
    field: &'static FieldSchema,
    kind: Kind,
    prefix: String,
    /// The group's title: the field's name, after the keys' names for a
    /// path ("story author").
    title: String,
}

impl FieldFilter {
    /// The filter for field `name`, when its kind can be filtered.
    pub(crate) fn new(schema: &'static ModelSchema, name: &str) -> Option<FieldFilter> {
        let path = field_path(schema, name).ok()?;
        let field = path.target();
        let kind = if !field.choices.is_empty() {
            Kind::Choices
        } else {
            match field.kind {
                FieldKind::Bool => Kind::Bool,
                FieldKind::ForeignKey => Kind::ForeignKey,
                FieldKind::Date | FieldKind::DateTime => Kind::Date,
                _ => return None,
            }
        };
        Some(FieldFilter {
            field,
            kind,
            prefix: format!("{name}__"),
            title: path_label(name, field).to_lowercase(),
        })
    }

    /// The target model's label, for a foreign-key filter.
    pub(crate) fn target(&self) -> Option<&str> {
        match self.kind {
            Kind::ForeignKey => self.field.foreign_key.as_ref().map(|fk| fk.to.as_ref()),
            _ => None,
        }
    }

    fn lookups(&self) -> &'static [&'static str] {
        match self.kind {
            Kind::Bool | Kind::Choices => &["exact", "isnull"],
            Kind::ForeignKey => &["id__exact", "isnull"],
            Kind::Date => &["gte", "lt", "isnull"],
        }
    }

    /// Whether `key` is one of this filter's parameters.
    pub(crate) fn accepts(&self, key: &str) -> bool {
        key.strip_prefix(self.prefix.as_str())
            .is_some_and(|lookup| self.lookups().contains(&lookup))
    }

    /// The conditions the request's parameters ask for; a value that does
    /// not parse for the field (or is not one of its choices) is ignored.
    pub(crate) fn conditions(&self, schema: &ModelSchema, params: &ListParams) -> Vec<Q> {
        self.lookups()
            .iter()
            .filter_map(|lookup| {
                let value = params.get(&format!("{}{lookup}", self.prefix))?;
                // A choices field cannot even be compared with another value.
                let unknown_choice = self.kind == Kind::Choices
                    && *lookup == "exact"
                    && !self.field.choices.iter().any(|c| c.value == value);
                if unknown_choice {
                    return None;
                }
                let orm_lookup = lookup.strip_prefix("id__").unwrap_or(lookup);
                q_from_text(schema, &format!("{}{orm_lookup}", self.prefix), value).ok()
            })
            .collect()
    }

    /// The start of its parameters' keys: `author__`.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The field's name (or path), as `list_filter` names it.
    fn name(&self) -> &str {
        self.prefix.trim_end_matches("__")
    }

    /// How many of the rows `spec` selects (every other filter, the
    /// search and the drill-down applied) each choice would show: one
    /// grouped count, or one count per date range.
    pub(crate) fn facets(
        &self,
        conn: &mut orm_core::AnyConnection,
        model: &crate::site::AdminModel,
        spec: &orm_core::query::QuerySpec,
    ) -> orm_core::Result<Facets> {
        let key = |lookup: &str| format!("{}{lookup}", self.prefix);
        if self.kind == Kind::Date {
            let mut out = Vec::new();
            for (_, pairs) in self.options(&[]) {
                let mut narrowed = spec.clone();
                for (k, v) in &pairs {
                    narrowed.and(q_from_text(model.schema, k, v)?);
                }
                out.push((pairs, (model.ops.count)(conn, &narrowed)?));
            }
            return Ok(out);
        }
        let counted = (model.facets)(conn, spec, self.name())?;
        Ok(counted
            .into_iter()
            .map(|(value, rows)| {
                let pair = match (&value, self.kind) {
                    (orm_core::Value::Null, _) => (key("isnull"), "True".to_owned()),
                    (orm_core::Value::Bool(flag), _) => {
                        (key("exact"), if *flag { "1" } else { "0" }.to_owned())
                    }
                    (other, Kind::ForeignKey) => (key("id__exact"), other.to_string()),
                    (other, _) => (key("exact"), other.to_string()),
                };
                (vec![pair], rows)
            })
            .collect())
    }

    /// Each choice of the group but "All": its label and its parameters.
    /// `targets` are the `(pk, text)` of a foreign key's target rows.
    fn options(&self, targets: &[(String, String)]) -> Vec<(String, Vec<(String, String)>)> {
        let mut options: Vec<(String, Vec<(String, String)>)> = Vec::new();
        let key = |lookup: &str| format!("{}{lookup}", self.prefix);
        match self.kind {
            Kind::Bool => {
                options.push(("Yes".into(), vec![(key("exact"), "1".into())]));
                options.push(("No".into(), vec![(key("exact"), "0".into())]));
            }
            Kind::Choices => {
                for choice in self.field.choices.iter() {
                    options.push((
                        choice.label.to_string(),
                        vec![(key("exact"), choice.value.to_string())],
                    ));
                }
            }
            Kind::ForeignKey => {
                for (pk, text) in targets {
                    options.push((text.clone(), vec![(key("id__exact"), pk.clone())]));
                }
            }
            Kind::Date => {
                for (label, from, to) in date_ranges(Utc::now().date_naive()) {
                    options.push((
                        label.into(),
                        vec![(key("gte"), from.to_string()), (key("lt"), to.to_string())],
                    ));
                }
            }
        }
        if self.field.nullable {
            let (none, some) = match self.kind {
                Kind::Date => ("No date", Some("Has date")),
                _ => ("Unknown", None),
            };
            options.push((none.into(), vec![(key("isnull"), "True".into())]));
            if let Some(some) = some {
                options.push((some.into(), vec![(key("isnull"), "False".into())]));
            }
        }
        options
    }

    /// The sidebar group. `targets` are the `(pk, text)` of the foreign-key
    /// target's rows, for a foreign-key filter; `facets`, when counts are
    /// shown, how many rows each choice selects.
    pub(crate) fn group(
        &self,
        params: &ListParams,
        targets: &[(String, String)],
        facets: Option<&Facets>,
    ) -> FilterGroup {
        let options = self.options(targets);
        let current: Vec<(String, String)> = params
            .pairs()
            .iter()
            .filter(|(k, _)| self.accepts(k))
            .cloned()
            .collect();
        let all_label = if self.kind == Kind::Date {
            "Any date"
        } else {
            "All"
        };
        // The other parameters, serialised once for every choice's link.
        let others = params.replace_prefix(&self.prefix, &[]);
        let count_of = |set: &[(String, String)]| {
            facets.map(|facets| {
                facets
                    .iter()
                    .find(|(pairs, _)| same_pairs(pairs, set))
                    .map_or(0, |(_, rows)| *rows)
            })
        };
        let mut choices = vec![FilterChoice {
            label: all_label.into(),
            url: others.query(),
            selected: current.is_empty(),
            count: None,
        }];
        for (label, set) in options {
            let selected = same_pairs(&current, &set);
            choices.push(FilterChoice {
                label,
                url: others.query_with(&set),
                selected,
                count: count_of(&set),
            });
        }
        FilterGroup {
            title: format!("By {}", self.title),
            choices,
        }
    }
}

fn same_pairs(a: &[(String, String)], b: &[(String, String)]) -> bool {
    a.len() == b.len() && b.iter().all(|pair| a.contains(pair))
}

/// Django's date filter ranges, `[from, to)`.
fn date_ranges(today: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let tomorrow = today + Duration::days(1);
    let month_start = today.with_day(1).unwrap_or(today);
    let next_month = if today.month() == 12 {
        NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(today.year(), today.month() + 1, 1)
    }
    .unwrap_or(tomorrow);
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let next_year = NaiveDate::from_ymd_opt(today.year() + 1, 1, 1).unwrap_or(tomorrow);
    vec![
        ("Today", today, tomorrow),
        ("Past 7 days", today - Duration::days(7), tomorrow),
        ("This month", month_start, next_month),
        ("This year", year_start, next_year),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_cover_whole_periods() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let ranges = date_ranges(day);
        assert_eq!(ranges[0].1.to_string(), "2026-12-31");
        assert_eq!(ranges[0].2.to_string(), "2027-01-01");
        assert_eq!(ranges[2].1.to_string(), "2026-12-01");
        assert_eq!(ranges[2].2.to_string(), "2027-01-01");
        assert_eq!(ranges[3].1.to_string(), "2026-01-01");
    }
}
