//! Field validators and the model's own `clean` (Django's `validators=`
//! and `Model.clean`), on every backend: run by `validate`, `save`,
//! `bulk_create` and `full_clean`, their messages beside the field or for
//! the whole object, a `None` value not validated, nothing written.

use chrono::NaiveDate;
use orm_core::prelude::*;
use orm_core::validation::NON_FIELD_ERRORS;
use orm_core::Error;
use tests::backends::each_backend;

fn no_shouting(text: &str) -> Result<(), String> {
    if text.chars().any(char::is_lowercase) || text.is_empty() {
        Ok(())
    } else {
        Err("Please do not shout.".to_owned())
    }
}

/// A validator made by a function: at least `n` words.
fn min_words(n: usize) -> impl Fn(&str) -> Result<(), String> {
    move |text| {
        if text.split_whitespace().count() >= n {
            Ok(())
        } else {
            Err(format!("Use at least {n} words."))
        }
    }
}

fn not_before_2000(day: &NaiveDate) -> Result<(), &'static str> {
    if day.to_string().as_str() >= "2000-01-01" {
        Ok(())
    } else {
        Err("Too early.")
    }
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "validating", clean)]
struct Event {
    id: i64,
    #[field(max_length = 60, validators = [no_shouting, min_words(2)])]
    title: String,
    #[field(validators = [not_before_2000])]
    starts: NaiveDate,
    #[field(validators = [not_before_2000])]
    ends: Option<NaiveDate>,
}

impl Clean for Event {
    /// An event ends on or after its first day.
    fn clean(&self) -> Result<(), ValidationErrors> {
        match self.ends {
            Some(ends) if ends < self.starts => Err("The end comes before the start.".into()),
            _ => Ok(()),
        }
    }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn event(title: &str, starts: &str, ends: Option<&str>) -> Event {
    Event {
        id: 0,
        title: title.into(),
        starts: day(starts),
        ends: ends.map(day),
    }
}

fn errors(result: Result<(), Error>) -> Vec<(String, String)> {
    match result {
        Err(Error::Validation(errors)) => errors
            .iter()
            .flat_map(|(f, ms)| ms.iter().map(move |m| (f.to_owned(), m.clone())))
            .collect(),
        other => panic!("expected validation errors, got {other:?}"),
    }
}

#[test]
fn validators_and_clean_run_before_every_write() {
    each_backend(&[Event::schema()], |kind, db| {
        let conn = &mut db.conn().unwrap();
        // Every message at once: two validators of one field, one of
        // another, and the model's clean.
        let mut bad = event("PARTY", "1999-12-31", Some("1999-12-30"));
        let found = errors(bad.save(conn));
        assert_eq!(
            found,
            [
                (
                    NON_FIELD_ERRORS.to_owned(),
                    "The end comes before the start.".to_owned()
                ),
                ("ends".to_owned(), "Too early.".to_owned()),
                ("starts".to_owned(), "Too early.".to_owned()),
                ("title".to_owned(), "Please do not shout.".to_owned()),
                ("title".to_owned(), "Use at least 2 words.".to_owned()),
            ],
            "{kind}"
        );
        assert_eq!(bad.id, 0, "{kind}: not saved");
        // A None value is not validated; a good event saves.
        let mut good = event("Summer fair", "2026-07-01", None);
        good.save(conn).unwrap();
        good.full_clean(conn).unwrap();
        // bulk_create checks every object first and writes none.
        let mut batch = [
            event("Winter fair", "2026-12-01", Some("2026-12-02")),
            event("one", "2026-12-01", None),
        ];
        let found = errors(Event::bulk_create(conn, &mut batch));
        assert_eq!(
            found,
            [("title".to_owned(), "Use at least 2 words.".to_owned())],
            "{kind}"
        );
        assert_eq!(
            Event::objects().count(conn).unwrap(),
            1,
            "{kind}: nothing written"
        );
        // validate() alone, without a connection.
        good.ends = Some(day("2026-06-30"));
        assert!(good.validate().is_err(), "{kind}");
    });
}
