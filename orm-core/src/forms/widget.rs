//! The input each field kind gets, with the attributes browsers check
//! (`maxlength`, `required`, `step`, `min`, `max`).

use crate::schema::{FieldKind, FieldSchema};

/// An `<option>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    /// What is submitted.
    pub value: String,
    /// What is shown.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// How a field is edited (or shown, when read-only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Widget {
    /// An `<input>` of a type browsers check.
    Input {
        /// `text`, `number`, `email`, `url`, `date`, `time`, `datetime-local`.
        input_type: &'static str,
        /// What it holds.
        value: String,
        /// Most characters.
        maxlength: Option<u32>,
        /// The `step` of a number or time.
        step: Option<String>,
        /// The smallest number.
        min: Option<String>,
        /// The largest number.
        max: Option<String>,
        /// Ids of the inputs this one is filled from while typing.
        prepopulate_from: String,
    },
    /// A `<textarea>`.
    TextArea {
        /// What it holds.
        value: String,
    },
    /// A checkbox.
    Checkbox {
        /// Whether it is ticked.
        checked: bool,
    },
    /// A `<select>`.
    Select {
        /// Its options, in order.
        options: Vec<SelectOption>,
        /// Whether several may be chosen.
        multiple: bool,
    },
    /// A foreign key typed as an id, with the current target's text and a
    /// link to look one up.
    RawId {
        /// The key typed.
        value: String,
        /// The target's text.
        repr: String,
        /// Where to look a target up.
        lookup_url: Option<String>,
    },
    /// A foreign key chosen by searching its target as you type.
    Autocomplete {
        /// The key chosen.
        value: String,
        /// The target's text.
        repr: String,
        /// The search's URL.
        source_url: String,
    },
    /// A file input, with a link to the current file and a box to clear
    /// it.
    File {
        /// The current file's name (empty: none).
        current: String,
        /// Where the current file is served.
        url: String,
        /// Whether the field may be left without a file (the clear box).
        clearable: bool,
        /// The input's `accept` (`image/*` for an image).
        accept: &'static str,
    },
    /// A value shown, not edited.
    ReadOnly {
        /// The value as shown.
        text: String,
    },
}

impl Widget {
    /// The input for a plain (not foreign-key, not choices) field.
    pub fn for_field(field: &FieldSchema, value: String, prepopulate_from: String) -> Widget {
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
            FieldKind::File | FieldKind::Image => {
                let url = if value.is_empty() {
                    String::new()
                } else {
                    crate::storage::default_storage().url(&value)
                };
                Widget::File {
                    current: value,
                    url,
                    clearable: !field.is_required(),
                    accept: if field.kind == FieldKind::Image {
                        "image/*"
                    } else {
                        ""
                    },
                }
            }
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
    pub fn choices(field: &FieldSchema, value: &str) -> Widget {
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
    pub fn labelled(&self) -> bool {
        !matches!(self, Widget::ReadOnly { .. })
    }
}
