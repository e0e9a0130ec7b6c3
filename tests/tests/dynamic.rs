//! Models known only by name at run time, as the admin sees them: initial
//! values, create and save from values, typed errors, on every backend.

use orm_core::model::find_model;
use orm_core::query::{parse_value, QuerySpec};
use orm_core::{Error, Value};
use tests::backends::each_backend;
use tests::models::{Article, Author};

#[test]
fn create_and_save_by_name() {
    use orm_core::Model;
    each_backend(&[Author::schema(), Article::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let authors = find_model("blog", "author").expect("registered");
        let articles = find_model("blog", "ARTICLE").expect("case-insensitive");
        let author_schema = (authors.schema)();

        let mut values = author_schema.initial_values();
        assert_eq!(values[0], Value::BigInt(0), "{kind}: unsaved key");
        let username = author_schema.field_index("username").unwrap();
        values[username] = Value::Text("ann".into());
        let saved = (authors.create)(conn, values.clone()).unwrap();
        let pk = saved[0].clone();
        assert!(pk.as_i64().unwrap() > 0, "{kind}");

        // The same username again: a typed error naming the field.
        match (authors.create)(conn, values) {
            Err(Error::UniqueViolation { field, .. }) => {
                assert_eq!(field.as_deref(), Some("username"))
            }
            other => panic!("{kind}: {other:?}"),
        }

        let schema = (articles.schema)();
        let mut form = schema.initial_values();
        let set = |form: &mut Vec<Value>, name: &str, text: &str| {
            let i = schema.field_index(name).unwrap();
            form[i] = parse_value(&schema.fields[i], text).unwrap();
        };
        assert_eq!(
            form[schema.field_index("is_published").unwrap()],
            Value::Bool(false),
            "{kind}: default"
        );
        set(&mut form, "title", "Hello");
        set(&mut form, "slug", "not a slug");
        set(&mut form, "author", &pk.to_string());
        set(&mut form, "content", "Body");
        match (articles.create)(conn, form.clone()) {
            Err(Error::Validation(errors)) => assert!(!errors.get("slug").is_empty(), "{kind}"),
            other => panic!("{kind}: {other:?}"),
        }
        set(&mut form, "slug", "hello");
        let created = (articles.create)(conn, form).unwrap();
        let mut edited = created.clone();
        edited[schema.field_index("title").unwrap()] = Value::Text("Hello again".into());
        (articles.save)(conn, edited).unwrap();
        let rows = (articles.values)(conn, &QuerySpec::for_pk(schema, created[0].clone())).unwrap();
        assert_eq!(
            rows[0][schema.field_index("title").unwrap()],
            Value::Text("Hello again".into()),
            "{kind}"
        );
        assert_eq!(
            rows[0][schema.field_index("published_date").unwrap()],
            created[schema.field_index("published_date").unwrap()],
            "{kind}: auto_now_add kept on save"
        );
    });
}
