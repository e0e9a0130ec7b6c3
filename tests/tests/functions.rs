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
