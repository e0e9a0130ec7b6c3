//! The questions `makemigrations` may ask: renames and one-off defaults
//! (Django's `questioner.py`).

use std::io::{BufRead, Write};

use orm_core::schema::{DefaultValue, FieldKind, FieldSchema, ModelSchema};

use crate::error::Error;

/// Answers the autodetector's questions.
pub trait Questioner {
    /// Was model `old` renamed to `new`?
    fn ask_rename_model(&mut self, old: &ModelSchema, new: &ModelSchema) -> bool;
    /// Was field `old` of `model` renamed to `new`?
    fn ask_rename_field(
        &mut self,
        model: &ModelSchema,
        old: &FieldSchema,
        new: &FieldSchema,
    ) -> bool;
    /// A one-off default to fill existing rows for a new non-null field that
    /// has none.
    fn ask_not_null_default(
        &mut self,
        model: &ModelSchema,
        field: &FieldSchema,
    ) -> Result<DefaultValue, Error>;
    /// A one-off value for the rows holding NULL in a field that becomes
    /// NOT NULL without a default.
    fn ask_not_null_alteration(
        &mut self,
        model: &ModelSchema,
        field: &FieldSchema,
    ) -> Result<DefaultValue, Error>;
}

/// How a one-off default is typed, shown with every question asking for one.
pub const DEFAULT_FORMAT: &str =
    "a string (quotes optional), a number, true/false, or now for a date/time";

/// Answers without asking anyone: every rename with `renames`, and `0`
/// for every value. For a look at what is pending (`migrate`'s warning),
/// where nothing is written from the answers, and for tests.
#[derive(Debug)]
pub(crate) struct FixedAnswers {
    /// The answer to every rename question.
    pub(crate) renames: bool,
}

impl Questioner for FixedAnswers {
    fn ask_rename_model(&mut self, _: &ModelSchema, _: &ModelSchema) -> bool {
        self.renames
    }

    fn ask_rename_field(&mut self, _: &ModelSchema, _: &FieldSchema, _: &FieldSchema) -> bool {
        self.renames
    }

    fn ask_not_null_default(
        &mut self,
        _: &ModelSchema,
        _: &FieldSchema,
    ) -> Result<DefaultValue, Error> {
        Ok(DefaultValue::Int(0))
    }

    fn ask_not_null_alteration(
        &mut self,
        _: &ModelSchema,
        _: &FieldSchema,
    ) -> Result<DefaultValue, Error> {
        Ok(DefaultValue::Int(0))
    }
}

/// For `--noinput`: never guesses a rename, refuses to invent defaults.
#[derive(Debug, Default)]
pub struct NonInteractiveQuestioner;

impl Questioner for NonInteractiveQuestioner {
    fn ask_rename_model(&mut self, _: &ModelSchema, _: &ModelSchema) -> bool {
        false
    }

    fn ask_rename_field(&mut self, _: &ModelSchema, _: &FieldSchema, _: &FieldSchema) -> bool {
        false
    }

    fn ask_not_null_default(
        &mut self,
        model: &ModelSchema,
        field: &FieldSchema,
    ) -> Result<DefaultValue, Error> {
        Err(Error::NeedsInput(format!(
            "cannot add non-nullable field `{}` to {} without a default: existing rows need a value. \
             Give it a default (#[field(default = ...)]), make it an Option, \
             or run makemigrations without --noinput to enter a one-off value.",
            field.name,
            model.label()
        )))
    }

    fn ask_not_null_alteration(
        &mut self,
        model: &ModelSchema,
        field: &FieldSchema,
    ) -> Result<DefaultValue, Error> {
        Err(Error::NeedsInput(format!(
            "cannot make field `{}` of {} non-nullable without a default: rows holding NULL \
             need a value. Give it a default (#[field(default = ...)]), keep it an Option, \
             or run makemigrations without --noinput to enter a one-off value for those rows.",
            field.name,
            model.label()
        )))
    }
}

/// Asks on a terminal (or any reader/writer pair, for tests).
pub struct InteractiveQuestioner<R, W> {
    input: R,
    output: W,
}

impl<R: BufRead, W: Write> InteractiveQuestioner<R, W> {
    /// Questions go to `output`, answers come from `input`.
    pub fn new(input: R, output: W) -> Self {
        InteractiveQuestioner { input, output }
    }

    fn ask(&mut self, question: &str) -> Option<String> {
        let _ = write!(self.output, "{question}");
        let _ = self.output.flush();
        let mut answer = String::new();
        match self.input.read_line(&mut answer) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(answer.trim().to_owned()),
        }
    }

    fn yes_no(&mut self, question: &str) -> bool {
        matches!(
            self.ask(&format!("{question} [y/N] ")).as_deref(),
            Some("y" | "Y" | "yes" | "Yes")
        )
    }
}

impl<R: BufRead, W: Write> Questioner for InteractiveQuestioner<R, W> {
    fn ask_rename_model(&mut self, old: &ModelSchema, new: &ModelSchema) -> bool {
        self.yes_no(&format!(
            "Was the model {} renamed to {}?",
            old.label(),
            new.name
        ))
    }

    fn ask_rename_field(
        &mut self,
        model: &ModelSchema,
        old: &FieldSchema,
        new: &FieldSchema,
    ) -> bool {
        self.yes_no(&format!(
            "Was {}.{} renamed to {}.{} (a {} field)?",
            model.name,
            old.name,
            model.name,
            new.name,
            new.kind.name()
        ))
    }

    fn ask_not_null_default(
        &mut self,
        model: &ModelSchema,
        field: &FieldSchema,
    ) -> Result<DefaultValue, Error> {
        let _ = writeln!(
            self.output,
            "Field `{}` of {} is not nullable and has no default; existing rows need a value.",
            field.name,
            model.label()
        );
        self.one_off_default(field)
    }

    fn ask_not_null_alteration(
        &mut self,
        model: &ModelSchema,
        field: &FieldSchema,
    ) -> Result<DefaultValue, Error> {
        let _ = writeln!(
            self.output,
            "Field `{}` of {} becomes non-nullable and has no default; rows holding NULL \
             need a value.",
            field.name,
            model.label()
        );
        self.one_off_default(field)
    }
}

impl<R: BufRead, W: Write> InteractiveQuestioner<R, W> {
    /// Asks until a value that fits `field` is given; an empty answer quits.
    fn one_off_default(&mut self, field: &FieldSchema) -> Result<DefaultValue, Error> {
        let question = format!("One-off default ({DEFAULT_FORMAT}; empty to quit): ");
        loop {
            let Some(answer) = self.ask(&question) else {
                return Err(Error::NeedsInput("no default given".to_owned()));
            };
            if answer.is_empty() {
                return Err(Error::NeedsInput("no default given".to_owned()));
            }
            match default_from_text(field, &answer) {
                Ok(value) => return Ok(value),
                Err(message) => {
                    let _ = writeln!(self.output, "{message}");
                }
            }
        }
    }
}

/// A one-off default typed by a person, checked against the field.
///
/// A value in matching quotes (`'unknown'`, `"unknown"`) is the text
/// between them; `now` for a date/time field is the current time.
pub fn default_from_text(field: &FieldSchema, text: &str) -> Result<DefaultValue, String> {
    let text = unquoted(text.trim());
    if text.eq_ignore_ascii_case("now") {
        let now = chrono::Utc::now();
        match field.kind {
            FieldKind::DateTime => {
                return Ok(DefaultValue::Str(
                    now.format("%Y-%m-%d %H:%M:%S").to_string().into(),
                ))
            }
            FieldKind::Date => {
                return Ok(DefaultValue::Str(now.format("%Y-%m-%d").to_string().into()))
            }
            FieldKind::Time => {
                return Ok(DefaultValue::Str(now.format("%H:%M:%S").to_string().into()))
            }
            _ => {}
        }
    }
    let value = orm_core::query::parse_value(field, text)?;
    Ok(match value {
        orm_core::Value::Bool(b) => DefaultValue::Bool(b),
        orm_core::Value::SmallInt(v) => DefaultValue::Int(i64::from(v)),
        orm_core::Value::Integer(v) => DefaultValue::Int(i64::from(v)),
        orm_core::Value::BigInt(v) => DefaultValue::Int(v),
        orm_core::Value::Float(v) => DefaultValue::Float(f64::from(v)),
        orm_core::Value::Double(v) => DefaultValue::Float(v),
        orm_core::Value::Null => return Err("A non-nullable field needs a value.".to_owned()),
        other if field.kind == FieldKind::DateTime => DefaultValue::Str(other.to_string().into()),
        other => DefaultValue::Str(other.to_string().into()),
    })
}

/// `text` without one pair of matching quotes around it.
fn unquoted(text: &str) -> &str {
    for quote in ['\'', '"'] {
        if let Some(inner) = text
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use orm_core::schema::FieldKind;

    fn model() -> ModelSchema {
        ModelSchema {
            name: "Article".into(),
            app_label: "blog".into(),
            table: "blog_article".into(),
            verbose_name: "article".into(),
            verbose_name_plural: "articles".into(),
            fields: vec![].into(),
            ordering: vec![].into(),
            indexes: vec![].into(),
            unique_together: vec![].into(),
            checks: vec![].into(),
            auto_created: false,
            many_to_many: std::borrow::Cow::Borrowed(&[]),
        }
    }

    #[test]
    fn interactive_answers_are_read() {
        let old = FieldSchema::new("body", "body", FieldKind::Text);
        let new = FieldSchema::new("content", "content", FieldKind::Text);
        let mut out = Vec::new();
        let mut q = InteractiveQuestioner::new(std::io::Cursor::new("y\nn\n"), &mut out);
        assert!(q.ask_rename_field(&model(), &old, &new));
        assert!(!q.ask_rename_field(&model(), &old, &new));
        assert!(
            !q.ask_rename_field(&model(), &old, &new),
            "end of input is no"
        );
        let shown = String::from_utf8(out).unwrap();
        assert!(shown.contains("Was Article.body renamed to Article.content (a Text field)? [y/N]"));
    }

    #[test]
    fn one_off_defaults_are_checked_until_valid() {
        let field = FieldSchema::new("rank", "rank", FieldKind::Integer);
        let mut out = Vec::new();
        let mut q = InteractiveQuestioner::new(std::io::Cursor::new("abc\n42\n"), &mut out);
        assert_eq!(
            q.ask_not_null_default(&model(), &field).unwrap(),
            DefaultValue::Int(42)
        );
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("Enter a whole number."));
        let mut q = InteractiveQuestioner::new(std::io::Cursor::new("\n"), Vec::new());
        assert!(q.ask_not_null_default(&model(), &field).is_err());
    }

    #[test]
    fn quoted_one_off_defaults_are_the_text_inside() {
        let mut field = FieldSchema::new("subtitle", "subtitle", FieldKind::Char);
        field.max_length = Some(50);
        for typed in ["'unknown'", "\"unknown\"", "unknown", "  'unknown' "] {
            assert_eq!(
                default_from_text(&field, typed).unwrap(),
                DefaultValue::Str("unknown".into()),
                "{typed}"
            );
        }
        assert_eq!(
            default_from_text(&field, "'it''s'").unwrap(),
            DefaultValue::Str("it''s".into())
        );
        let rank = FieldSchema::new("rank", "rank", FieldKind::Integer);
        assert_eq!(
            default_from_text(&rank, "'7'").unwrap(),
            DefaultValue::Int(7)
        );
        let at = FieldSchema::new("at", "at", FieldKind::DateTime);
        assert!(matches!(
            default_from_text(&at, "now").unwrap(),
            DefaultValue::Str(_)
        ));
    }

    #[test]
    fn the_prompt_says_how_to_type_a_default() {
        let mut field = FieldSchema::new("subtitle", "subtitle", FieldKind::Char);
        field.nullable = false;
        let mut out = Vec::new();
        let mut q = InteractiveQuestioner::new(std::io::Cursor::new("'x'\n"), &mut out);
        assert_eq!(
            q.ask_not_null_alteration(&model(), &field).unwrap(),
            DefaultValue::Str("x".into())
        );
        let shown = String::from_utf8(out).unwrap();
        assert!(shown.contains("becomes non-nullable"), "{shown}");
        assert!(shown.contains(DEFAULT_FORMAT), "{shown}");
        assert!(NonInteractiveQuestioner
            .ask_not_null_alteration(&model(), &field)
            .unwrap_err()
            .to_string()
            .contains("`subtitle` of blog.Article"));
    }
}
