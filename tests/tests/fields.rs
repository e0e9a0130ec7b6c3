//! Every field kind round-trips through every backend: unicode, empty strings,
//! nulls and extreme numbers.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use orm_core::prelude::*;
use orm_core::Value;
use tests::backends::each_backend;
use tests::models::{Everything, Status};

fn sample() -> Everything {
    Everything {
        id: 0,
        flag: true,
        small: i16::MIN,
        int: i32::MAX,
        big: i64::MAX,
        float: 1.5,
        double: -1.0e300,
        short: "héllo wörld ✓ 日本".to_owned(),
        long: "línea\nnueva 🦀 'quotes' \"double\" \\ back".repeat(50),
        price: BigDecimal::from_str("123456789.125").unwrap(),
        at: Utc.with_ymd_and_hms(2026, 11, 25, 12, 34, 56).unwrap()
            + chrono::Duration::microseconds(789_123),
        day: NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(),
        time: NaiveTime::from_hms_micro_opt(23, 59, 58, 250_000).unwrap(),
        uuid: Uuid::from_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap(),
        data: serde_json::json!({"a": [1, 2, {"b": null}], "ü": "✓"}),
        bytes: vec![0, 1, 2, 254, 255],
        status: Status::Published,
        maybe_flag: Some(false),
        maybe_int: None,
        maybe_text: Some(String::new()),
        maybe_at: None,
        maybe_uuid: Some(Uuid::nil()),
        maybe_data: None,
        maybe_status: Some(Status::InReview),
    }
}

#[test]
fn every_kind_round_trips() {
    each_backend(&[Everything::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let mut original = sample();
        original.save(&mut conn).unwrap();
        let loaded = Everything::objects()
            .get_pk(&mut conn, original.id)
            .unwrap();
        assert_eq!(loaded, original, "{kind}");

        let mut extremes = sample();
        extremes.small = i16::MAX;
        extremes.int = i32::MIN;
        extremes.big = i64::MIN + 1;
        extremes.double = f64::MIN_POSITIVE;
        extremes.short = String::new();
        extremes.long = String::new();
        extremes.bytes = Vec::new();
        extremes.data = serde_json::Value::Null;
        extremes.maybe_flag = None;
        extremes.maybe_int = Some(0);
        extremes.maybe_text = None;
        extremes.maybe_at = Some(extremes.at);
        extremes.maybe_uuid = None;
        extremes.maybe_data = Some(serde_json::json!([]));
        extremes.maybe_status = None;
        extremes.save(&mut conn).unwrap();
        let loaded = Everything::objects()
            .get_pk(&mut conn, extremes.id)
            .unwrap();
        assert_eq!(loaded, extremes, "{kind}");
    });
}

#[test]
fn nulls_and_values_filter() {
    each_backend(&[Everything::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let mut a = sample();
        a.save(&mut conn).unwrap();
        let mut b = sample();
        b.maybe_int = Some(7);
        b.status = Status::Draft;
        b.save(&mut conn).unwrap();
        let conn = &mut *conn;
        let q = Everything::objects();
        assert_eq!(
            q.clone()
                .filter(Everything::MAYBE_INT.is_null(true))
                .count(conn)
                .unwrap(),
            1,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter(Everything::MAYBE_INT.eq(7))
                .count(conn)
                .unwrap(),
            1,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter(Everything::STATUS.eq(Status::Draft))
                .count(conn)
                .unwrap(),
            1,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter(Everything::UUID.eq(a.uuid))
                .count(conn)
                .unwrap(),
            2,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter(Everything::DAY.lt(a.day))
                .count(conn)
                .unwrap(),
            0,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter(Everything::PRICE.gte(a.price.clone()))
                .count(conn)
                .unwrap(),
            2,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter(Everything::SHORT.contains("wörld"))
                .count(conn)
                .unwrap(),
            2,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter(Everything::AT.eq(a.at))
                .count(conn)
                .unwrap(),
            2,
            "{kind}"
        );
        assert_eq!(
            q.clone()
                .filter_by("status", "pub")
                .unwrap()
                .count(conn)
                .unwrap(),
            1,
            "{kind}: by name, from text"
        );
        let schema = Everything::schema();
        let day = schema.field_index("day").unwrap();
        assert_eq!(a.field_value(day), Value::Date(a.day));
    });
}

/// Dates and times far from today round-trip on every backend: before
/// 1970 and after 2038, the ends of a Unix timestamp's range.
#[test]
fn datetimes_before_1970_and_after_2038_round_trip() {
    each_backend(&[Everything::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        for at in [
            Utc.with_ymd_and_hms(1917, 3, 8, 6, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(2038, 1, 19, 3, 14, 8).unwrap(),
            Utc.with_ymd_and_hms(2999, 12, 31, 0, 0, 0).unwrap(),
        ] {
            let mut object = sample();
            object.at = at;
            object.maybe_at = Some(at);
            object
                .save(&mut conn)
                .unwrap_or_else(|e| panic!("{kind}: saving {at}: {e}"));
            let loaded = Everything::objects().get_pk(&mut conn, object.id).unwrap();
            assert_eq!((loaded.at, loaded.maybe_at), (at, Some(at)), "{kind}");
        }
    });
}

#[test]
fn every_kind_binds_and_reads_by_name_in_a_hand_written_statement() {
    use orm_core::backend::ddl::quote_ident;
    use orm_core::db::load_raw;
    use orm_core::schema::FieldKind;
    each_backend(&[Everything::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let mut original = sample();
        original.save(&mut conn).unwrap();
        let schema = Everything::schema();
        let table = quote_ident(&schema.table, kind);
        for (index, field) in schema.fields.iter().enumerate() {
            let value = original.field_value(index);
            // JSON has no equality on PostgreSQL; NULL is bound below.
            if field.kind == FieldKind::Json || value.is_null() {
                continue;
            }
            let sql = format!(
                "SELECT * FROM {table} WHERE {} = ?",
                quote_ident(&field.column, kind)
            );
            let rows: Vec<Everything> = load_raw(&mut conn, &sql, &[value]).unwrap();
            assert_eq!(rows, vec![original.clone()], "{kind}: {}", field.name);
        }
        let sql = format!(
            "SELECT * FROM {table} WHERE ? IS NULL AND {} = ?",
            quote_ident("id", kind)
        );
        let rows: Vec<Everything> =
            load_raw(&mut conn, &sql, &[Value::Null, Value::BigInt(original.id)]).unwrap();
        assert_eq!(rows.len(), 1, "{kind}: a NULL parameter");
    });
}

#[test]
fn date_parts_filter_on_every_backend() {
    use chrono::DateTime;
    each_backend(&[Everything::schema()], |kind, db| {
        let conn = &mut *db.conn().unwrap();
        // A Thursday (leap day), a Saturday and a Wednesday half a second
        // before the new year.
        let rows = [
            ("2024-02-29T23:30:00Z", "2024-02-29", "23:30:00"),
            ("2025-03-01T08:00:00Z", "2025-03-01", "08:00:00"),
            ("2025-12-31T23:59:59.5Z", "2025-12-31", "23:59:59"),
        ];
        for (at, day, time) in rows {
            let mut row = sample();
            row.at = at.parse::<DateTime<Utc>>().unwrap();
            row.day = day.parse().unwrap();
            row.time = time.parse().unwrap();
            row.save(conn).unwrap();
        }
        let mut count = |filter: Filter<Everything>| {
            Everything::objects()
                .filter(filter)
                .count(conn)
                .unwrap_or_else(|e| panic!("{kind}: {e}"))
        };
        let at = Everything::AT;
        assert_eq!(count(at.year().eq(2024)), 1, "{kind}: year");
        assert_eq!(count(at.year().eq(2025)), 2, "{kind}: year");
        assert_eq!(count(at.year().gt(2024)), 2, "{kind}: year gt");
        assert_eq!(count(at.year().gte(2024)), 3, "{kind}: year gte");
        assert_eq!(count(at.year().lt(2025)), 1, "{kind}: year lt");
        assert_eq!(count(at.year().lte(2025)), 3, "{kind}: year lte");
        assert_eq!(count(at.year().range(2020, 2024)), 1, "{kind}: year range");
        assert_eq!(count(at.month().eq(3)), 1, "{kind}: month");
        assert_eq!(count(at.month().is_in([2, 12])), 2, "{kind}: month in");
        assert_eq!(count(at.quarter().eq(1)), 2, "{kind}: quarter");
        assert_eq!(count(at.day().eq(31)), 1, "{kind}: day");
        assert_eq!(count(at.week_day().eq(5)), 1, "{kind}: Thursday");
        assert_eq!(count(at.week_day().eq(7)), 1, "{kind}: Saturday");
        assert_eq!(count(at.week_day().eq(4)), 1, "{kind}: Wednesday");
        assert_eq!(count(at.hour().gte(23)), 2, "{kind}: hour");
        assert_eq!(count(at.minute().eq(59)), 1, "{kind}: minute");
        assert_eq!(count(at.second().eq(59)), 1, "{kind}: whole second");
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(count(at.date().eq(leap)), 1, "{kind}: date");
        assert_eq!(count(at.date().gt(leap)), 2, "{kind}: date gt");
        let new_years_eve = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(
            count(at.date().eq(new_years_eve)),
            1,
            "{kind}: last instant of a day"
        );
        let day = Everything::DAY;
        assert_eq!(count(day.year().eq(2025)), 2, "{kind}: a date's year");
        assert_eq!(count(day.week_day().eq(7)), 1, "{kind}: a date's week day");
        assert_eq!(
            count(Everything::TIME.hour().eq(8)),
            1,
            "{kind}: a time's hour"
        );
        assert_eq!(
            count(Everything::MAYBE_AT.year().eq(2024)),
            0,
            "{kind}: NULL"
        );

        let mut named = |name: &str, text: &str| {
            Everything::objects()
                .filter_by(name, text)
                .and_then(|q| q.count(conn))
        };
        assert_eq!(named("at__year", "2025").unwrap(), 2, "{kind}");
        assert_eq!(named("at__year__lt", "2025").unwrap(), 1, "{kind}");
        assert_eq!(named("at__month", "3").unwrap(), 1, "{kind}");
        assert_eq!(named("at__week_day__in", "5,7").unwrap(), 2, "{kind}");
        assert_eq!(named("at__date", "2024-02-29").unwrap(), 1, "{kind}");
        assert_eq!(named("day__month__gte", "3").unwrap(), 2, "{kind}");
        assert!(
            named("at__month", "March").is_err(),
            "{kind}: a clear error"
        );
        assert!(
            named("short__year", "2024").is_err(),
            "{kind}: text has no year"
        );
        assert!(
            named("time__month", "1").is_err(),
            "{kind}: a time has no month"
        );
    });
}

#[test]
fn updates_computed_from_the_row_lose_no_increment() {
    use orm_core::query::F;
    each_backend(&[Everything::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let mut row = sample();
        row.int = 0;
        row.big = 10;
        row.double = 1.5;
        row.price = BigDecimal::from_str("2.50").unwrap();
        row.save(&mut conn).unwrap();
        let this = Everything::objects().filter(Everything::ID.eq(row.id));
        // Four connections counting at once: every increment lands.
        std::thread::scope(|scope| {
            for _ in 0..4 {
                let (db, this) = (db.clone(), this.clone());
                scope.spawn(move || {
                    let mut conn = db.conn().unwrap();
                    for _ in 0..25 {
                        this.update(
                            &mut conn,
                            vec![Everything::INT.set_to(F(Everything::INT) + 1)],
                        )
                        .unwrap();
                    }
                });
            }
        });
        let changed = this
            .clone()
            .filter(Everything::STATUS.eq(Status::Published))
            .update(
                &mut conn,
                vec![
                    Everything::BIG.set_to(F(Everything::BIG) * 3 - 1),
                    Everything::DOUBLE.set_to(F(Everything::DOUBLE) / 2.0),
                    Everything::PRICE
                        .set_to(F(Everything::PRICE) + BigDecimal::from_str("0.25").unwrap()),
                    // A plain value in the same statement, on a field its
                    // filter reads: the filter sees the row before.
                    Everything::STATUS.set(Status::Draft),
                ],
            )
            .unwrap();
        assert_eq!(changed, 1, "{kind}");
        let loaded = Everything::objects().get_pk(&mut conn, row.id).unwrap();
        assert_eq!(loaded.int, 100, "{kind}: no lost increment");
        assert_eq!(loaded.big, 29, "{kind}");
        assert_eq!(loaded.double, 0.75, "{kind}");
        assert_eq!(
            loaded.price,
            BigDecimal::from_str("2.75").unwrap(),
            "{kind}"
        );
        assert_eq!(loaded.status, Status::Draft, "{kind}");
        // A plain value is still checked first.
        let long = "x".repeat(500);
        let refused = this.update(
            &mut conn,
            vec![
                Everything::INT.set_to(F(Everything::INT) + 1),
                Everything::SHORT.set(long),
            ],
        );
        assert!(
            matches!(refused, Err(orm_core::Error::Validation(_))),
            "{kind}: {refused:?}"
        );
    });
}

#[test]
fn bulk_update_binds_every_kind() {
    each_backend(&[Everything::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let mut rows = vec![sample(), sample()];
        Everything::bulk_create(&mut conn, &mut rows).unwrap();
        rows[0].maybe_int = Some(7);
        rows[1].maybe_int = None;
        rows[0].at = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
        rows[1].price = BigDecimal::from_str("1.5").unwrap();
        rows[0].data = serde_json::json!({"k": 1});
        rows[1].short = "ü".into();
        rows[0].maybe_uuid = None;
        rows[1].day = NaiveDate::from_ymd_opt(2001, 2, 3).unwrap();
        let fields: Vec<&str> = Everything::schema()
            .fields
            .iter()
            .filter(|f| !f.primary_key)
            .map(|f| f.name.as_ref())
            .collect();
        let changed = Everything::bulk_update(&mut conn, &rows, &fields).unwrap();
        assert_eq!(changed, 2, "{kind}");
        for row in &rows {
            let loaded = Everything::objects().get_pk(&mut conn, row.id).unwrap();
            assert_eq!(&loaded, row, "{kind}");
        }
    });
}
