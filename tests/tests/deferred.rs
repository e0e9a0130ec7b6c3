//! `defer()` and `only()` on every backend: the deferred columns are not
//! read, the objects hold stand-ins for them (also for a choice without a
//! default and a required foreign key), `save` writes only what was read,
//! and `load_deferred` reads the rest.

use orm_core::db::capture_queries;
use orm_core::prelude::*;
use tests::backends::each_backend;

#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
enum Mood {
    Calm,
    Stormy,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "deferring")]
struct Shelf {
    id: i64,
    #[field(max_length = 20)]
    label: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "deferring", ordering = ["title"])]
struct Poem {
    id: i64,
    #[field(max_length = 40)]
    title: String,
    #[field(text)]
    body: String,
    mood: Mood,
    #[field(on_delete = Cascade)]
    shelf: ForeignKey<Shelf>,
    #[field(auto_now)]
    edited: DateTime<Utc>,
    lines: Option<i32>,
}

fn poem(conn: &mut AnyConnection, shelf: &Shelf, title: &str, mood: Mood) -> Poem {
    let mut poem = Poem {
        id: 0,
        title: title.into(),
        body: format!("The whole of {title}."),
        mood,
        shelf: ForeignKey::new(shelf.id),
        edited: Utc::now(),
        lines: Some(14),
    };
    poem.save(conn).unwrap();
    poem
}

#[test]
fn deferred_fields_are_not_read_nor_written() {
    each_backend(&[Shelf::schema(), Poem::schema()], |kind, db| {
        let conn = &mut db.conn().unwrap();
        let mut shelf = Shelf {
            id: 0,
            label: "top".into(),
        };
        shelf.save(conn).unwrap();
        poem(conn, &shelf, "b", Mood::Stormy);
        poem(conn, &shelf, "a", Mood::Stormy);

        let query = Poem::objects()
            .defer(&["body", "mood", "shelf", "lines"])
            .unwrap();
        let (mut poems, statements) = capture_queries(conn, |conn| query.all(conn).unwrap());
        assert_eq!(statements.len(), 1, "{kind}");
        assert!(!statements[0].contains("body"), "{kind}: {}", statements[0]);
        let titles: Vec<&str> = poems.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["a", "b"], "{kind}: the query's ordering");
        assert!(
            poems[0].is_loaded("title") && poems[0].is_loaded("id"),
            "{kind}"
        );
        assert!(
            !poems[0].is_loaded("body") && !poems[0].is_loaded("mood"),
            "{kind}"
        );
        assert_eq!(poems[0].body, "", "{kind}: a stand-in");

        // Saving writes the title (and the auto_now time), not the stand-ins.
        poems[0].title = "aa".into();
        poems[0].save(conn).unwrap();
        let stored = Poem::objects().get_pk(conn, poems[0].id).unwrap();
        assert_eq!(stored.title, "aa", "{kind}");
        assert_eq!(stored.body, "The whole of a.", "{kind}: kept");
        assert_eq!(stored.mood, Mood::Stormy, "{kind}: kept");
        assert_eq!(stored.lines, Some(14), "{kind}: kept");
        assert_eq!(stored.shelf.id(), shelf.id, "{kind}: kept");

        // The rest, read on demand; what was changed stays changed.
        let mut partial = poems.remove(1);
        partial.title = "bb".into();
        let whole = partial.load_deferred(conn).unwrap();
        assert_eq!(
            (whole.title.as_str(), whole.body.as_str(), whole.mood),
            ("bb", "The whole of b.", Mood::Stormy),
            "{kind}"
        );

        // only(): the named fields and the key.
        let only = Poem::objects()
            .filter(Poem::TITLE.eq("aa"))
            .only(&["title"])
            .unwrap()
            .first(conn)
            .unwrap()
            .expect("one poem");
        assert!(only.is_loaded("title") && only.is_loaded("id"), "{kind}");
        assert!(
            !only.is_loaded("edited") && !only.is_loaded("shelf"),
            "{kind}"
        );
        // A field the model lacks is refused.
        assert!(Poem::objects().defer(&["nope"]).is_err(), "{kind}");
        assert!(Poem::objects().only(&["title", "nope"]).is_err(), "{kind}");
    });
}
