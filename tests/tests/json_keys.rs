//! Lookups into JSON fields by key on every backend (Django's
//! `data__owner__name="ada"`, `data__has_key`): strings, numbers,
//! booleans, nulls, arrays and objects at nested paths; keys that need
//! quoting; by name as query strings write them; combined with other
//! conditions and negated.

use orm_core::prelude::*;
use serde_json::json;
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "json_keys")]
struct Doc {
    id: i64,
    #[field(max_length = 10)]
    name: String,
    data: serde_json::Value,
    extra: Option<serde_json::Value>,
}

fn docs(conn: &mut AnyConnection) {
    for (name, data, extra) in [
        (
            "a",
            json!({"owner": {"name": "ada", "age": 36}, "tags": ["x", "y"], "ok": true, "gone": null, "odd \"key\".x": 1}),
            Some(json!({"n": 1})),
        ),
        (
            "b",
            json!({"owner": {"name": "bo", "age": 7}, "tags": [], "ok": false}),
            None,
        ),
        ("c", json!([1, 2, 3]), Some(json!("plain"))),
    ] {
        Doc {
            id: 0,
            name: name.into(),
            data,
            extra,
        }
        .save(conn)
        .unwrap();
    }
}

fn names(conn: &mut AnyConnection, filter: Filter<Doc>) -> Vec<String> {
    Doc::objects()
        .filter(filter)
        .order_by([Doc::NAME.asc()])
        .all(conn)
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect()
}

#[test]
fn json_key_lookups() {
    each_backend(&[Doc::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        docs(&mut conn);
        let c = &mut conn;
        let key = |path: &[&str]| Doc::DATA.key(path.iter().copied());
        assert_eq!(names(c, key(&["owner", "name"]).eq("ada")), ["a"], "{kind}");
        assert_eq!(names(c, key(&["owner", "age"]).eq(7)), ["b"], "{kind}");
        assert_eq!(names(c, key(&["ok"]).eq(true)), ["a"], "{kind}");
        assert_eq!(names(c, key(&["ok"]).eq(false)), ["b"], "{kind}");
        assert_eq!(
            names(c, key(&["tags"]).eq(json!(["x", "y"]))),
            ["a"],
            "{kind}"
        );
        assert_eq!(names(c, key(&["tags"]).eq(json!([]))), ["b"], "{kind}");
        assert_eq!(
            names(c, key(&["owner"]).eq(json!({"name": "bo", "age": 7}))),
            ["b"],
            "{kind}"
        );
        assert_eq!(names(c, key(&["gone"]).eq(json!(null))), ["a"], "{kind}");
        assert_eq!(names(c, key(&["odd \"key\".x"]).eq(1)), ["a"], "{kind}");
        assert_eq!(names(c, Doc::DATA.has_key("gone")), ["a"], "{kind}");
        assert_eq!(names(c, Doc::DATA.has_key("ok")), ["a", "b"], "{kind}");
        assert_eq!(
            names(c, key(&["owner", "name"]).exists()),
            ["a", "b"],
            "{kind}"
        );
        assert_eq!(names(c, Doc::EXTRA.key(["n"]).eq(1)), ["a"], "{kind}");
        assert_eq!(
            names(c, !key(&["owner", "name"]).eq("ada") & Doc::NAME.ne("c")),
            ["b"],
            "{kind}"
        );
        // By name, as a query string writes it.
        for (name, text, expected) in [
            ("data__owner__name", "bo", vec!["b"]),
            ("data__owner__age", "36", vec!["a"]),
            ("data__ok", "true", vec!["a"]),
            ("data__has_key", "tags", vec!["a", "b"]),
        ] {
            let found: Vec<String> = Doc::objects()
                .filter_by(name, text)
                .unwrap()
                .order_by([Doc::NAME.asc()])
                .all(c)
                .unwrap()
                .into_iter()
                .map(|d| d.name)
                .collect();
            assert_eq!(found, expected, "{kind}: {name}={text}");
        }
    });
}

#[test]
fn key_lookups_need_a_json_field() {
    let err = Doc::objects()
        .filter_by("name__owner", "x")
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(err.contains("name"), "{err}");
}
