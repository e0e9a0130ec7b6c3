//! Database functions (Django's `Lower`, `Upper`, `Length`, `Concat`,
//! `Coalesce`, `Now`) on every backend: in filters, in updates, and as
//! annotations of rows of values, grouped by when chosen before an
//! aggregate. Lengths count characters, not bytes; a `NULL` part of a
//! concatenation counts as empty. (SQLite's `LOWER` and `UPPER` change
//! ASCII letters only, so no test here depends on the others.)

use orm_core::prelude::*;
use orm_core::query::{Agg, Coalesce, Concat, Length, Lower, Now, Upper, F};
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "functions")]
struct Label {
    id: i64,
    #[field(max_length = 30)]
    name: String,
    #[field(max_length = 30)]
    note: Option<String>,
    at: DateTime<Utc>,
}

fn labels(conn: &mut AnyConnection) {
    let past = Utc::now() - chrono::Duration::days(1);
    for (name, note) in [("Rust", Some("fast")), ("rust", None), ("Héllo", Some("x"))] {
        Label {
            id: 0,
            name: name.into(),
            note: note.map(str::to_owned),
            at: past,
        }
        .save(conn)
        .unwrap();
    }
}

fn count(conn: &mut AnyConnection, filter: Filter<Label>) -> i64 {
    Label::objects().filter(filter).count(conn).unwrap()
}

#[test]
fn functions_in_filters() {
    each_backend(&[Label::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        labels(&mut conn);
        let c = &mut conn;
        assert_eq!(count(c, Lower(F(Label::NAME)).eq("rust")), 2, "{kind}");
        assert_eq!(count(c, Upper(F(Label::NAME)).eq("RUST")), 2, "{kind}");
        assert_eq!(
            count(c, Length(F(Label::NAME)).eq(5)),
            1,
            "{kind}: characters"
        );
        assert_eq!(count(c, Length(F(Label::NOTE)).gte(1)), 2, "{kind}");
        assert_eq!(
            count(c, Concat([F(Label::NAME), F(Label::NAME)]).eq("rustrust")),
            1,
            "{kind}"
        );
        assert_eq!(
            count(
                c,
                Coalesce(F(Label::NOTE), "none".to_owned()).eq("none".to_owned())
            ),
            1,
            "{kind}"
        );
        assert_eq!(count(c, F(Label::AT).lt(Now())), 3, "{kind}");
        assert_eq!(count(c, F(Label::AT).gt(Now())), 0, "{kind}");
    });
}

#[test]
fn functions_in_updates() {
    each_backend(&[Label::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        labels(&mut conn);
        let changed = Label::objects()
            .filter(Label::NAME.eq("rust"))
            .update(
                &mut conn,
                vec![
                    Label::NAME.set_to(Upper(F(Label::NAME))),
                    Label::NOTE.set_to(Concat([
                        F(Label::NOTE),
                        Coalesce(F(Label::NOTE), "was empty".to_owned()).into(),
                    ])),
                    Label::AT.set_to(Now()),
                ],
            )
            .unwrap();
        assert_eq!(changed, 1, "{kind}");
        let label = Label::objects()
            .filter(Label::NAME.eq("RUST"))
            .get(&mut conn)
            .unwrap();
        assert_eq!(label.note.as_deref(), Some("was empty"), "{kind}");
        assert!(
            Utc::now() - label.at < chrono::Duration::minutes(1),
            "{kind}"
        );
    });
}

#[test]
fn functions_as_annotations() {
    each_backend(&[Label::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        labels(&mut conn);
        let rows: Vec<(String, i64, String, Option<String>)> = Label::objects()
            .order_by([Label::ID.asc()])
            .values(&["name"])
            .unwrap()
            .annotate_expr("letters", Length(F(Label::NAME)))
            .unwrap()
            .annotate_expr("note", Coalesce(F(Label::NOTE), "-".to_owned()))
            .unwrap()
            .annotate_expr("shout", Upper(F(Label::NOTE)))
            .unwrap()
            .tuples(&mut conn)
            .unwrap();
        assert_eq!(
            rows,
            [
                ("Rust".into(), 4, "fast".into(), Some("FAST".into())),
                ("rust".into(), 4, "-".into(), None),
                ("Héllo".into(), 5, "x".into(), Some("X".into())),
            ],
            "{kind}"
        );
        // Grouped by an expression: names ignoring case, with a count.
        let groups: Vec<(String, i64)> = Label::objects()
            .values(&[])
            .unwrap()
            .annotate_expr("lower", Lower(F(Label::NAME)))
            .unwrap()
            .annotate("n", Agg::count_rows())
            .unwrap()
            .order_by(&["-n", "lower"])
            .unwrap()
            .tuples(&mut conn)
            .unwrap();
        assert_eq!(groups, [("rust".into(), 2), ("héllo".into(), 1)], "{kind}");
    });
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "functions")]
struct Visit {
    id: i64,
    at: DateTime<Utc>,
    day: Option<NaiveDate>,
}

/// Year, week day, quarter, year start, the day's quarter and month.
type Parts = (
    i32,
    i32,
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
    Option<i32>,
);

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn dates_extracted_and_truncated() {
    use orm_core::query::DatePart;
    use orm_core::query::{Extract, ExtractYear, Trunc, TruncUnit};
    each_backend(&[Visit::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        for (when, day) in [
            ("2024-02-29T23:30:00Z", Some((2024, 2, 29))),
            ("2024-03-01T08:00:00Z", None),
            ("2024-03-31T12:00:00Z", Some((2024, 12, 31))),
            ("2025-08-15T00:00:00Z", Some((2025, 8, 15))),
        ] {
            Visit {
                id: 0,
                at: at(when),
                day: day.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            }
            .save(&mut conn)
            .unwrap();
        }
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Visits per month, oldest first.
        let months: Vec<(NaiveDate, i64)> = Visit::objects()
            .values(&[])
            .unwrap()
            .annotate_expr("month", Trunc(F(Visit::AT), TruncUnit::Month))
            .unwrap()
            .annotate("n", Agg::count_rows())
            .unwrap()
            .tuples(&mut conn)
            .unwrap();
        assert_eq!(
            months,
            [
                (date(2024, 2, 1), 1),
                (date(2024, 3, 1), 2),
                (date(2025, 8, 1), 1)
            ],
            "{kind}"
        );
        let parts: Vec<Parts> = Visit::objects()
            .order_by([Visit::AT.asc()])
            .values(&[])
            .unwrap()
            .annotate_expr("year", ExtractYear(F(Visit::AT)))
            .unwrap()
            .annotate_expr("weekday", Extract(F(Visit::AT), DatePart::WeekDay))
            .unwrap()
            .annotate_expr("quarter", Trunc(F(Visit::AT), TruncUnit::Quarter))
            .unwrap()
            .annotate_expr("year_start", Trunc(F(Visit::AT), TruncUnit::Year))
            .unwrap()
            .annotate_expr("day_quarter", Trunc(F(Visit::DAY), TruncUnit::Quarter))
            .unwrap()
            .annotate_expr("day_month", Extract(F(Visit::DAY), DatePart::Month))
            .unwrap()
            .tuples(&mut conn)
            .unwrap();
        assert_eq!(
            parts[0],
            (
                2024,
                5,
                date(2024, 1, 1),
                date(2024, 1, 1),
                Some(date(2024, 1, 1)),
                Some(2)
            ),
            "{kind}: a Thursday"
        );
        assert_eq!(parts[1].4, None, "{kind}");
        assert_eq!(parts[1].5, None, "{kind}");
        assert_eq!(parts[2].2, date(2024, 1, 1), "{kind}");
        assert_eq!(parts[2].4, Some(date(2024, 10, 1)), "{kind}");
        assert_eq!(parts[3].2, date(2025, 7, 1), "{kind}");
        assert_eq!(parts[3].3, date(2025, 1, 1), "{kind}");
        // In a filter: visits on the last day of a month at noon or later.
        let late = Visit::objects()
            .filter(Extract(F(Visit::AT), DatePart::Hour).gte(12))
            .count(&mut conn)
            .unwrap();
        assert_eq!(late, 2, "{kind}");
        let truncated_day = Visit::objects()
            .filter(Trunc(F(Visit::AT), TruncUnit::Day).eq(date(2024, 3, 1)))
            .count(&mut conn)
            .unwrap();
        assert_eq!(truncated_day, 1, "{kind}");
    });
}
