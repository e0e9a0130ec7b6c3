//! Check constraints, unique constraints with a condition or over an
//! expression, and partial indexes, on every backend: declared on the
//! model, made with the table, enforced by the database, reported before
//! saving, and added to or removed from a table holding rows.

use std::borrow::Cow;

use orm_core::__private::diesel::connection::SimpleConnection;
use orm_core::backend::ddl::condition_sql;
use orm_core::backend::schema_editor as editor;
use orm_core::constraints::{unique_errors, NON_FIELD};
use orm_core::db::BackendKind;
use orm_core::prelude::*;
use orm_core::schema::{CheckSchema, IndexSchema};
use orm_core::{Error, ModelOps};
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(
    app_label = "constraints",
    constraints(
        price_not_negative(check = "price__gte=0"),
        sale_below_price(check = "sale_price__isnull=true | sale_price__lte=F(price)"),
        one_live_slug(unique = ["slug"], condition = "is_live=true"),
        name_any_case(unique = ["Lower(name)"]),
    ),
    indexes(live_recent(fields = ["-added"], condition = "is_live=true & price__gt=0")),
)]
struct Product {
    id: i64,
    #[field(max_length = 50)]
    name: String,
    #[field(max_length = 50)]
    slug: String,
    price: i32,
    sale_price: Option<i32>,
    is_live: bool,
    added: i64,
}

fn product(name: &str, slug: &str, price: i32, is_live: bool) -> Product {
    Product {
        id: 0,
        name: name.into(),
        slug: slug.into(),
        price,
        sale_price: None,
        is_live,
        added: 1,
    }
}

fn messages(error: &Error) -> Vec<(String, String)> {
    let Error::Validation(errors) = error else {
        panic!("expected a validation error, got {error:?}");
    };
    errors
        .iter()
        .flat_map(|(field, messages)| messages.iter().map(move |m| (field.to_owned(), m.clone())))
        .collect()
}

#[test]
fn check_constraints_are_enforced_and_reported() {
    each_backend(&[Product::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let mut good = product("Lamp", "lamp", 10, true);
        good.sale_price = Some(8);
        good.save(&mut conn).unwrap();

        // Before the database is asked: the message goes on the one field
        // the condition reads, or on the whole object.
        let error = product("Chair", "chair", -1, true)
            .save(&mut conn)
            .unwrap_err();
        assert_eq!(
            messages(&error),
            [(
                "price".to_owned(),
                "Constraint “price_not_negative” is violated.".to_owned()
            )],
            "{kind:?}"
        );
        let mut dear = product("Desk", "desk", 10, true);
        dear.sale_price = Some(12);
        let error = dear.save(&mut conn).unwrap_err();
        assert_eq!(
            messages(&error),
            [(
                NON_FIELD.to_owned(),
                "Constraint “sale_below_price” is violated.".to_owned()
            )]
        );

        // Past the check in Rust (an update writes without it), the
        // database refuses, and says which constraint.
        let refused = Product::objects()
            .filter(Product::ID.eq(good.id))
            .update(&mut conn, vec![Product::PRICE.set(-5)])
            .unwrap_err();
        match refused {
            Error::CheckViolation { constraint, .. } => {
                assert_eq!(constraint, "price_not_negative", "{kind:?}")
            }
            other => panic!("{kind:?}: expected a check violation, got {other:?}"),
        }
        let refused = Product::objects()
            .filter(Product::ID.eq(good.id))
            .update(&mut conn, vec![Product::SALE_PRICE.set(Some(11))])
            .unwrap_err();
        assert!(
            matches!(&refused, Error::CheckViolation { constraint, .. } if constraint == "sale_below_price"),
            "{kind:?}: {refused:?}"
        );
        let kept = Product::objects()
            .filter(Product::ID.eq(good.id))
            .get(&mut conn)
            .unwrap();
        assert_eq!((kept.price, kept.sale_price), (10, Some(8)));
    });
}

#[test]
fn conditional_and_expression_uniques() {
    each_backend(&[Product::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let ops = ModelOps::of::<Product>();
        // Outside the condition, a slug may repeat.
        product("Old lamp", "lamp", 1, false)
            .save(&mut conn)
            .unwrap();
        product("Older lamp", "lamp", 1, false)
            .save(&mut conn)
            .unwrap();
        let mut live = product("Lamp", "lamp", 1, true);
        live.save(&mut conn).unwrap();

        let twin = product("Lamp two", "lamp", 2, true);
        let errors = unique_errors(&mut conn, &ops, &twin.values()).unwrap();
        assert_eq!(
            errors.get("slug"),
            ["Constraint “one_live_slug” is violated."]
        );
        let error = twin.full_clean(&mut conn).unwrap_err();
        assert!(matches!(error, Error::Validation(_)), "{error:?}");
        let refused = twin.clone().save(&mut conn).unwrap_err();
        assert!(
            matches!(refused, Error::UniqueViolation { .. }),
            "{kind:?}: {refused:?}"
        );
        // The row itself does not clash with what it was.
        assert!(live.full_clean(&mut conn).is_ok());
        live.price = 3;
        live.save(&mut conn).unwrap();
        // Taken out of the condition, the slug is free again.
        live.is_live = false;
        live.save(&mut conn).unwrap();
        twin.clone().save(&mut conn).unwrap();

        // Lower(name): the same name in another case is taken.
        let mut shout = product("LAMP TWO", "other", 2, false);
        let errors = unique_errors(&mut conn, &ops, &shout.values()).unwrap();
        assert_eq!(
            errors.get("name"),
            ["Constraint “name_any_case” is violated."]
        );
        let refused = shout.save(&mut conn).unwrap_err();
        assert!(
            matches!(refused, Error::UniqueViolation { .. }),
            "{kind:?}: {refused:?}"
        );
        product("Lamp three", "other", 2, false)
            .save(&mut conn)
            .unwrap();
    });
}

#[test]
fn the_partial_index_is_made() {
    each_backend(&[Product::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let sql = match kind {
            BackendKind::Sqlite => {
                "SELECT sql AS text FROM sqlite_master WHERE name = 'live_recent'".to_owned()
            }
            BackendKind::Postgres => {
                "SELECT indexdef AS text FROM pg_indexes WHERE indexname = 'live_recent'".to_owned()
            }
            BackendKind::Mysql => "SELECT CONCAT(index_name, ':', column_name) AS text \
                 FROM information_schema.statistics \
                 WHERE table_schema = DATABASE() AND index_name = 'live_recent'"
                .to_owned(),
        };
        let found = texts(&mut conn, &sql);
        assert_eq!(found.len(), 1, "{kind:?}: {found:?}");
        match kind {
            // MariaDB has no partial index: it covers every row.
            BackendKind::Mysql => assert_eq!(found[0], "live_recent:added"),
            _ => assert!(
                found[0].contains("WHERE") && found[0].contains("is_live"),
                "{kind:?}: {}",
                found[0]
            ),
        }
    });
}

#[derive(orm_core::__private::diesel::QueryableByName)]
struct TextRow {
    #[diesel(sql_type = orm_core::__private::diesel::sql_types::Text)]
    text: String,
}

fn texts(conn: &mut AnyConnection, sql: &str) -> Vec<String> {
    use orm_core::__private::diesel::RunQueryDsl;
    orm_core::__private::diesel::sql_query(sql)
        .load::<TextRow>(conn)
        .unwrap()
        .into_iter()
        .map(|row| row.text)
        .collect()
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "constraints")]
struct Booking {
    id: i64,
    starts: i32,
    ends: i32,
    #[field(max_length = 20)]
    room: String,
    confirmed: bool,
}

fn run(conn: &mut AnyConnection, kind: BackendKind, statements: &[String]) -> Result<(), String> {
    if kind == BackendKind::Sqlite {
        conn.batch_execute(editor::sqlite_prologue()).unwrap();
    }
    let mut result = Ok(());
    for statement in statements {
        if let Err(e) = conn.batch_execute(statement) {
            result = Err(format!("{e}\n  SQL: {statement}"));
            break;
        }
    }
    if kind == BackendKind::Sqlite {
        conn.batch_execute(editor::sqlite_epilogue()).unwrap();
    }
    result
}

fn booking(starts: i32, ends: i32, room: &str, confirmed: bool) -> Booking {
    Booking {
        id: 0,
        starts,
        ends,
        room: room.into(),
        confirmed,
    }
}

/// Added to a table holding rows: refused while a row breaks it (the rows
/// kept), made once they do not; removed again. On SQLite each is a table
/// rebuild.
#[test]
fn constraints_are_added_and_removed_on_tables_with_rows() {
    each_backend(&[Booking::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let old = Booking::schema().clone();
        let check = CheckSchema {
            name: "ends_after_start".into(),
            check: "ends__gt=F(starts)".into(),
        };
        let mut new = old.clone();
        new.checks = Cow::Owned(vec![check.clone()]);
        booking(1, 2, "a", true).save(&mut conn).unwrap();
        let mut wrong = booking(5, 3, "a", false);
        wrong.save(&mut conn).unwrap();

        let added = editor::add_check(&old, &new, &check, kind);
        let refused = run(&mut conn, kind, &added);
        assert!(refused.is_err(), "{kind:?}: a row breaks the check");
        if kind == BackendKind::Sqlite {
            // The failed rebuild left its half-made copy behind.
            conn.batch_execute("DROP TABLE IF EXISTS new__constraints_booking")
                .unwrap();
        }
        assert_eq!(Booking::objects().count(&mut conn).unwrap(), 2);
        wrong.delete(&mut conn).unwrap();
        run(&mut conn, kind, &added).unwrap();
        let insert = "INSERT INTO constraints_booking (starts, ends, room, confirmed) \
                      VALUES (9, 1, 'b', FALSE)";
        assert!(
            conn.batch_execute(insert).is_err(),
            "{kind:?}: the check holds"
        );
        run(
            &mut conn,
            kind,
            &editor::remove_check(&new, &old, &check.name, kind),
        )
        .unwrap();
        conn.batch_execute(insert).unwrap();

        // A unique index with a condition, made and removed (on MariaDB
        // with its generated column).
        let index = IndexSchema {
            unique: true,
            condition: "confirmed=true".into(),
            ..IndexSchema::new("one_confirmed_per_room", vec!["room".into()])
        };
        let mut indexed = old.clone();
        indexed.indexes = Cow::Owned(vec![index.clone()]);
        run(&mut conn, kind, &editor::add_index(&indexed, &index, kind)).unwrap();
        booking(3, 4, "b", false).save(&mut conn).unwrap();
        booking(3, 4, "b", true).save(&mut conn).unwrap();
        let refused = booking(5, 6, "b", true).save(&mut conn).unwrap_err();
        assert!(
            matches!(refused, Error::UniqueViolation { .. }),
            "{kind:?}: {refused:?}"
        );
        run(
            &mut conn,
            kind,
            &editor::remove_index(&indexed, &index, kind),
        )
        .unwrap();
        booking(5, 6, "b", true).save(&mut conn).unwrap();
        assert_eq!(Booking::objects().count(&mut conn).unwrap(), 5);
    });
}

#[test]
fn conditions_render_per_backend() {
    let schema = Product::schema();
    let text = r#"price__gte=0 & (slug__in=["a", "b"] | ~is_live=true) & sale_price=null"#;
    assert_eq!(
        condition_sql(schema, text, BackendKind::Postgres).unwrap(),
        r#"("price" >= 0 AND ("slug" IN ('a', 'b') OR NOT ("is_live" = TRUE)) AND "sale_price" IS NULL)"#
    );
    assert_eq!(
        condition_sql(schema, text, BackendKind::Sqlite).unwrap(),
        r#"("price" >= 0 AND ("slug" IN ('a', 'b') OR NOT ("is_live" = 1)) AND "sale_price" IS NULL)"#
    );
    assert_eq!(
        condition_sql(schema, "sale_price__lte=F(price)", BackendKind::Mysql).unwrap(),
        "`sale_price` <= `price`"
    );
    for (bad, says) in [
        ("price__gte=zero", "expected a value"),
        ("colour=1", "colour"),
        ("name__icontains=\"a\"", "cannot be used in a constraint"),
        ("price__gte=\"x\"", "price"),
        ("price__year=2020", "price"),
    ] {
        let error = condition_sql(schema, bad, BackendKind::Postgres).unwrap_err();
        assert!(error.to_string().contains(says), "{bad}: {error}");
    }
}
