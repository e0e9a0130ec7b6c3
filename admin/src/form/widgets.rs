//! The input each field kind gets, with the attributes browsers check
//! (`maxlength`, `required`, `step`, `min`, `max`).

use orm_core::schema::{FieldKind, FieldSchema};

/// An `<option>`.
pub(crate) struct SelectOption {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// How a field is edited (or shown, when read-only).
pub(crate) enum Widget {
    Input {
        input_type: &'static str,
        value: String,
        maxlength: Option<u32>,
        step: Option<String>,
        min: Option<String>,
        max: Option<String>,
        /// Ids of the inputs this one is filled from while typing.
        prepopulate_from: String,
    },
    TextArea {
        value: String,
    },
    Checkbox {
        checked: bool,
    },
    Select {
        options: Vec<SelectOption>,
        multiple: bool,
    },
    /// A foreign key typed as an id, with the current target's text and a
    /// link to look one up.
    RawId {
        value: String,
        repr: String,
        lookup_url: Option<String>,
    },
    /// A foreign key chosen by searching its target as you type.
    Autocomplete {
        value: String,
        repr: String,
        source_url: String,
    },
    ReadOnly {
        text: String,
    },
}

impl Widget {
    /// The input for a plain (not foreign-key, not choices) field.
    pub(crate) fn for_field(
        field: &FieldSchema,
        value: String,
        prepopulate_from: String,
    ) -> Widget {
        let input = |input_type, step: Option<&str>, min: Option<String>, max: Option<String>| {
            Widget::Input {
                input_type,
                value: value.clone(),
                maxlength: None,
                step: step.map(str::to_owned),
                min,
                max,
                prepopulate_from: String::new(),
            }
        };
        match field.kind {
            FieldKind::Bool => Widget::Checkbox {
                checked: value == "true",
            },
            FieldKind::Text | FieldKind::Json => Widget::TextArea { value },
            FieldKind::Char | FieldKind::Slug | FieldKind::Uuid | FieldKind::Binary => {
                Widget::Input {
                    input_type: "text",
                    value,
                    maxlength: field.max_length,
                    step: None,
                    min: None,
                    max: None,
                    prepopulate_from,
                }
            }
            FieldKind::Email | FieldKind::Url => Widget::Input {
                input_type: if field.kind == FieldKind::Email {
                    "email"
                } else {
                    "url"
                },
                value,
                maxlength: field.max_length,
                step: None,
                min: None,
                max: None,
                prepopulate_from,
            },
            FieldKind::SmallInt => input(
                "number",
                Some("1"),
                Some(i16::MIN.to_string()),
                Some(i16::MAX.to_string()),
            ),
            FieldKind::Integer => input(
                "number",
                Some("1"),
                Some(i32::MIN.to_string()),
                Some(i32::MAX.to_string()),
            ),
            FieldKind::BigInt | FieldKind::ForeignKey => input("number", Some("1"), None, None),
            FieldKind::Float | FieldKind::Double => input("number", Some("any"), None, None),
            FieldKind::Decimal => {
                let step = match field.decimal_places.unwrap_or(0) {
                    0 => "1".to_owned(),
                    places => format!("0.{}1", "0".repeat(places as usize - 1)),
                };
                Widget::Input {
                    input_type: "number",
                    value,
                    maxlength: None,
                    step: Some(step),
                    min: None,
                    max: None,
                    prepopulate_from: String::new(),
                }
            }
            FieldKind::Date => input("date", None, None, None),
            FieldKind::Time => input("time", Some("1"), None, None),
            FieldKind::DateTime => input("datetime-local", Some("1"), None, None),
        }
    }

    /// A `<select>` of a field's choices, with an empty choice where the
    /// field may be left empty or has no default to start from (Django's
    /// `include_blank`): a field with a default refuses the empty value.
    pub(crate) fn choices(field: &FieldSchema, value: &str) -> Widget {
        let mut options = Vec::new();
        if field.blank || field.nullable || field.default.is_none() || value.is_empty() {
            options.push(SelectOption {
                value: String::new(),
                label: "---------".into(),
                selected: value.is_empty(),
            });
        }
        for choice in field.choices.iter() {
            options.push(SelectOption {
                value: choice.value.to_string(),
                label: choice.label.to_string(),
                selected: choice.value == value,
            });
        }
        Widget::Select {
            options,
            multiple: false,
        }
    }

    /// Whether the template should print a `<label for>` pointing at an
    /// input (read-only text and checkbox groups have none).
    pub(crate) fn labelled(&self) -> bool {
        !matches!(self, Widget::ReadOnly { .. })
    }
}
