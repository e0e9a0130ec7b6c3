//! Rows of values instead of objects (Django's `values()`,
//! `values_list()`, `distinct()`, `values().annotate()` and `aggregate()`),
//! on every backend: own fields and fields across a foreign key, typed
//! tuples, groups with several aggregates, and aggregates of every kind
//! read back with the same types everywhere.

use std::str::FromStr;

use orm_core::prelude::*;
use orm_core::query::Agg;
use orm_core::Value;
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "values")]
struct Writer {
    id: i64,
    #[field(max_length = 20)]
    name: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "values")]
struct Volume {
    id: i64,
    #[field(max_length = 20)]
    title: String,
    #[field(on_delete = Cascade)]
    writer: ForeignKey<Writer>,
    pages: i32,
    #[field(max_digits = 8, decimal_places = 2)]
    price: BigDecimal,
    rating: Option<f64>,
    published: NaiveDate,
}

fn decimal(text: &str) -> BigDecimal {
    BigDecimal::from_str(text).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

/// Ada wrote "b" (200 pages) and "c" (50); Bo wrote "a" (120).
fn library(conn: &mut AnyConnection) {
    let mut ada = Writer {
        id: 0,
        name: "Ada".into(),
    };
    ada.save(conn).unwrap();
    let mut bo = Writer {
        id: 0,
        name: "Bo".into(),
    };
    bo.save(conn).unwrap();
    for (title, writer, pages, price, rating, published) in [
        ("b", ada.id, 200, "10.50", Some(4.0), day(2)),
        ("a", bo.id, 120, "20.00", None, day(1)),
        ("c", ada.id, 50, "5.25", Some(3.0), day(3)),
    ] {
        Volume {
            id: 0,
            title: title.into(),
            writer: ForeignKey::new(writer),
            pages,
            price: decimal(price),
            rating,
            published,
        }
        .save(conn)
        .unwrap();
    }
}

#[test]
fn values_and_values_lists() {
    each_backend(&[Writer::schema(), Volume::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        library(&mut conn);
        let rows = Volume::objects()
            .filter(Volume::PAGES.gt(60))
            .order_by([Volume::TITLE.asc()])
            .values(&["title", "writer__name", "rating"])
            .unwrap()
            .all(&mut conn)
            .unwrap();
        assert_eq!(rows.len(), 2, "{kind}");
        assert_eq!(
            rows[0].get("title"),
            Some(&Value::Text("a".into())),
            "{kind}"
        );
        assert_eq!(
            rows[0].get("writer__name"),
            Some(&Value::Text("Bo".into())),
            "{kind}"
        );
        assert_eq!(rows[0].get("rating"), Some(&Value::Null), "{kind}");
        assert_eq!(rows[1].values()[2], Value::Double(4.0), "{kind}");

        // values_list, typed, in the query's order (across the relation).
        let list: Vec<(String, String, i32, NaiveDate)> = Volume::objects()
            .order_by([
                Volume::WRITER.then(Writer::NAME.desc()),
                Volume::PAGES.asc(),
            ])
            .values(&["title", "writer__name", "pages", "published"])
            .unwrap()
            .tuples(&mut conn)
            .unwrap();
        assert_eq!(
            list,
            [
                ("a".into(), "Bo".into(), 120, day(1)),
                ("c".into(), "Ada".into(), 50, day(3)),
                ("b".into(), "Ada".into(), 200, day(2)),
            ],
            "{kind}"
        );
        // flat=True, with a slice.
        let titles: Vec<String> = Volume::objects()
            .order_by([Volume::PRICE.desc()])
            .limit(2)
            .values(&["title"])
            .unwrap()
            .flat(&mut conn)
            .unwrap();
        assert_eq!(titles, ["a", "b"], "{kind}");
        let prices: Vec<BigDecimal> = Volume::objects()
            .order_by([Volume::PRICE.asc()])
            .values(&["price"])
            .unwrap()
            .flat(&mut conn)
            .unwrap();
        assert_eq!(prices[0], decimal("5.25"), "{kind}");

        // distinct
        let names: Vec<String> = Volume::objects()
            .values(&["writer__name"])
            .unwrap()
            .distinct()
            .flat(&mut conn)
            .unwrap();
        assert_eq!(names, ["Ada", "Bo"], "{kind}");
    });
}

#[test]
fn groups_with_several_aggregates() {
    each_backend(&[Writer::schema(), Volume::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        library(&mut conn);
        let groups = Volume::objects()
            .values(&["writer__name"])
            .unwrap()
            .annotate("n", Agg::count_rows())
            .unwrap()
            .annotate("pages", Agg::sum("pages"))
            .unwrap()
            .annotate("mean", Agg::avg("pages"))
            .unwrap()
            .annotate("dearest", Agg::max("price"))
            .unwrap()
            .annotate("rated", Agg::count("rating"))
            .unwrap()
            .annotate("first", Agg::min("published"))
            .unwrap()
            .order_by(&["-n", "writer__name"])
            .unwrap()
            .all(&mut conn)
            .unwrap();
        let ada = &groups[0];
        assert_eq!(
            ada.get("writer__name"),
            Some(&Value::Text("Ada".into())),
            "{kind}"
        );
        assert_eq!(ada.get("n"), Some(&Value::BigInt(2)), "{kind}");
        assert_eq!(ada.get("pages"), Some(&Value::BigInt(250)), "{kind}");
        assert_eq!(ada.get("mean"), Some(&Value::Double(125.0)), "{kind}");
        assert_eq!(
            ada.get("dearest"),
            Some(&Value::Decimal(decimal("10.50"))),
            "{kind}"
        );
        assert_eq!(ada.get("rated"), Some(&Value::BigInt(2)), "{kind}");
        assert_eq!(ada.get("first"), Some(&Value::Date(day(2))), "{kind}");
        assert_eq!(groups[1].get("rated"), Some(&Value::BigInt(0)), "{kind}");

        // Grouped by an own field (the key), filtered, as tuples.
        let per_writer: Vec<(ForeignKey<Writer>, i64)> = Volume::objects()
            .filter(Volume::PAGES.lt(150))
            .values(&["writer"])
            .unwrap()
            .annotate("pages", Agg::sum("pages"))
            .unwrap()
            .order_by(&["pages"])
            .unwrap()
            .tuples(&mut conn)
            .unwrap();
        assert_eq!(per_writer.len(), 2, "{kind}");
        assert_eq!(per_writer[0].1, 50, "{kind}");
    });
}

#[test]
fn aggregates_at_once() {
    each_backend(&[Writer::schema(), Volume::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        // Over no rows: a count of 0, nothing to sum.
        let [n, total] = Volume::objects()
            .aggregates(&mut conn, [Agg::count_rows(), Agg::sum("price")])
            .unwrap();
        assert_eq!((n, total), (Value::BigInt(0), Value::Null), "{kind}");

        library(&mut conn);
        let [n, writers, total, mean, low, latest, mean_rating] = Volume::objects()
            .aggregates(
                &mut conn,
                [
                    Agg::count_rows(),
                    Agg::count_distinct("writer"),
                    Agg::sum("price"),
                    Agg::avg("pages"),
                    Agg::min("writer__name"),
                    Agg::max("published"),
                    Agg::avg("rating"),
                ],
            )
            .unwrap();
        assert_eq!(n, Value::BigInt(3), "{kind}");
        assert_eq!(writers, Value::BigInt(2), "{kind}");
        assert_eq!(total, Value::Decimal(decimal("35.75")), "{kind}");
        assert_eq!(mean, Value::Double(370.0 / 3.0), "{kind}");
        assert_eq!(low, Value::Text("Ada".into()), "{kind}");
        assert_eq!(latest, Value::Date(day(3)), "{kind}");
        assert_eq!(mean_rating, Value::Double(3.5), "{kind}");
    });
}

#[test]
fn mistakes_are_named() {
    let err = Volume::objects().values(&["nope"]).unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
    let err = Volume::objects()
        .values(&["title"])
        .unwrap()
        .annotate("t", Agg::sum("title"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("title"), "{err}");
    let err = Volume::objects()
        .values(&["title"])
        .unwrap()
        .annotate("title", Agg::count_rows())
        .unwrap_err()
        .to_string();
    assert!(err.contains("chosen already"), "{err}");
    let err = Volume::objects()
        .values(&["title"])
        .unwrap()
        .order_by(&["pages"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("pages"), "{err}");
}

#[test]
fn aggregates_over_a_relation_backwards() {
    each_backend(&[Writer::schema(), Volume::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        library(&mut conn);
        Writer {
            id: 0,
            name: "Cy".into(),
        }
        .save(&mut conn)
        .unwrap();
        // Django's Writer.objects.values("name").annotate(volumes=Count("volume"), ...):
        // a key without related_name is named after its model.
        /// Name, volumes, pages, rated volumes, latest publication.
        type Tally = (String, i64, Option<i64>, i64, Option<NaiveDate>);
        let rows: Vec<Tally> = Writer::objects()
            .values(&["name"])
            .unwrap()
            .annotate("volumes", Agg::count("volume"))
            .unwrap()
            .annotate("pages", Agg::sum("volume__pages"))
            .unwrap()
            .annotate("rated", Agg::count("volume__rating"))
            .unwrap()
            .annotate("latest", Agg::max("volume__published"))
            .unwrap()
            .order_by(&["-volumes", "name"])
            .unwrap()
            .tuples(&mut conn)
            .unwrap();
        assert_eq!(
            rows,
            [
                ("Ada".to_owned(), 2, Some(250), 2, Some(day(3))),
                ("Bo".to_owned(), 1, Some(120), 0, Some(day(1))),
                ("Cy".to_owned(), 0, None, 0, None),
            ],
            "{kind}: a writer without volumes counts 0"
        );
        // Over all the (filtered) writers at once, and across a key again
        // after the way back.
        let [volumes, names] = Writer::objects()
            .filter(Writer::NAME.ne("Bo"))
            .aggregates(
                &mut conn,
                [
                    Agg::count("volume"),
                    Agg::count_distinct("volume__writer__name"),
                ],
            )
            .unwrap();
        assert_eq!(
            (volumes, names),
            (Value::BigInt(2), Value::BigInt(1)),
            "{kind}"
        );
        assert!(Writer::objects()
            .values(&["name"])
            .unwrap()
            .annotate("n", Agg::count("volumes"))
            .is_err());
    });
}

#[test]
fn the_edges_of_a_field_in_one_statement() {
    each_backend(&[Writer::schema(), Volume::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let ops = orm_core::ModelOps::of::<Volume>();
        let field = Volume::schema().field_index("published").unwrap();
        let none = orm_core::query::field_edges(&mut conn, &ops, &Default::default(), field);
        assert_eq!(none.unwrap(), None, "{kind}: no rows");
        library(&mut conn);
        let (all, statements) = orm_core::db::capture_queries(&mut conn, |conn| {
            orm_core::query::field_edges(conn, &ops, &Default::default(), field).unwrap()
        });
        assert_eq!(statements.len(), 1, "{kind}");
        assert_eq!(
            all,
            Some((Value::Date(day(1)), Value::Date(day(3)))),
            "{kind}"
        );
        let long = Volume::objects().filter(Volume::PAGES.gt(100));
        let edges = orm_core::query::field_edges(&mut conn, &ops, long.spec(), field).unwrap();
        assert_eq!(
            edges,
            Some((Value::Date(day(1)), Value::Date(day(2)))),
            "{kind}"
        );
        // A field holding only NULLs among the rows has no edges.
        let rating = Volume::schema().field_index("rating").unwrap();
        let unrated = Volume::objects().filter(Volume::RATING.is_null(true));
        let edges = orm_core::query::field_edges(&mut conn, &ops, unrated.spec(), rating).unwrap();
        assert_eq!(edges, None, "{kind}");
    });
}
