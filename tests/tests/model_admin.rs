//! `#[admin(...)]`: the options the derive emits, and the methods the admin
//! lists objects with (`to_repr`, method columns, related objects, actions),
//! on SQLite.

use std::fmt;

use orm_core::model_admin::{AdminModel, AdminOps, ObjectRow};
use orm_core::prelude::*;
use orm_core::{AnyConnection, Value};

/// Has a `Display` and `exclude`.
#[derive(Model, Debug, Clone)]
#[model(app_label = "admintest")]
#[admin(exclude = ["bio"])]
struct Writer {
    id: i64,
    #[field(max_length = 50)]
    name: String,
    #[field(text, blank)]
    bio: String,
}

impl fmt::Display for Writer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// No `#[admin]`, no `Display`.
#[derive(Model, Debug, Clone)]
#[model(app_label = "admintest")]
struct Tag {
    id: i64,
    #[field(max_length = 30)]
    name: String,
}

/// `Display` declared: `{given} {family}` (a nullable family name).
#[derive(Model, Debug, Clone)]
#[model(app_label = "admintest", display = "{given} {family}!")]
struct Person {
    id: i64,
    #[field(max_length = 30)]
    given: String,
    #[field(max_length = 30, blank)]
    family: Option<String>,
    #[field(text, blank)]
    notes: String,
}

/// Points at a model with a declared `Display`.
#[derive(Model, Debug, Clone)]
#[model(app_label = "admintest", ordering = ["id"])]
struct Letter {
    id: i64,
    #[field(on_delete = Cascade)]
    sender: ForeignKey<Person>,
    #[field(on_delete = SetNull)]
    receiver: Option<ForeignKey<Person>>,
}

/// A bare `#[admin]`: registered with the default options.
#[derive(Model, Debug, Clone)]
#[model(app_label = "admintest")]
#[admin]
struct Note {
    id: i64,
    #[field(on_delete = SetNull)]
    tag: Option<ForeignKey<Tag>>,
}

/// Every option.
#[derive(Model, Debug, Clone)]
#[model(app_label = "admintest")]
#[admin(
    list_display = ["title", "author", "published_date", "is_published", "word_count"],
    list_display_links = ["title"],
    list_filter = ["is_published", "author", "published_date", "status"],
    search_fields = ["title", "content"],
    ordering = ["-published_date", "title"],
    list_per_page = 50,
    readonly_fields = ["published_date"],
    fields = ["title", "slug", "author", "editor", "content", "is_published", "tags"],
    raw_id_fields = ["editor"],
    autocomplete_fields = ["author"],
    date_hierarchy = "published_date",
    prepopulated_fields(slug = ["title"]),
    actions = [publish, crate::actions::make_draft],
)]
struct Story {
    id: i64,
    #[field(max_length = 200)]
    title: String,
    #[field(slug)]
    slug: String,
    #[field(on_delete = Cascade)]
    author: ForeignKey<Writer>,
    #[field(on_delete = SetNull)]
    editor: Option<ForeignKey<Writer>>,
    #[field(text)]
    content: String,
    #[field(auto_now_add)]
    published_date: DateTime<Utc>,
    is_published: bool,
    #[field(choices = [("d", "Draft"), ("r", "Ready")], default = "d")]
    status: String,
    tags: ManyToMany<Tag>,
}

impl Story {
    fn word_count(&self) -> usize {
        self.content.split_whitespace().count()
    }
}

impl fmt::Display for Story {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "“{}”", self.title)
    }
}

/// An action named by its plain name.
fn publish(conn: &mut AnyConnection, rows: QuerySet<Story>) -> orm_core::Result<usize> {
    rows.update(conn, vec![Story::IS_PUBLISHED.set(true)])
}

mod actions {
    use super::Story;
    use orm_core::prelude::*;

    /// An action named by a path.
    pub(crate) fn make_draft(
        conn: &mut orm_core::AnyConnection,
        rows: QuerySet<Story>,
    ) -> orm_core::Result<usize> {
        rows.update(conn, vec![Story::IS_PUBLISHED.set(false)])
    }
}

fn db() -> Db {
    let db = Db::open("sqlite://:memory:").unwrap();
    let mut conn = db.conn().unwrap();
    orm_core::create_tables(
        &mut conn,
        &[
            Writer::schema(),
            Tag::schema(),
            Note::schema(),
            Story::schema(),
            StoryTags::schema(),
            Person::schema(),
            Letter::schema(),
        ],
    )
    .unwrap();
    drop(conn);
    db
}

fn writer(conn: &mut AnyConnection, name: &str) -> Writer {
    let mut writer = Writer {
        id: 0,
        name: name.into(),
        bio: String::new(),
    };
    writer.save(conn).unwrap();
    writer
}

fn story(conn: &mut AnyConnection, title: &str, author: &Writer, editor: Option<&Writer>) -> Story {
    let mut story = Story {
        id: 0,
        title: title.into(),
        slug: title.to_lowercase().replace(' ', "-"),
        author: author.into(),
        editor: editor.map(ForeignKey::from),
        content: "one two three".into(),
        published_date: Utc::now(),
        is_published: false,
        status: "d".into(),
        tags: ManyToMany::new(),
    };
    story.save(conn).unwrap();
    story
}

fn index(name: &str) -> usize {
    Story::schema().field_index(name).unwrap()
}

#[test]
fn every_option() {
    let options = Story::admin_options();
    assert!(options.registered);
    assert_eq!(
        options.list_display,
        [
            "title",
            "author",
            "published_date",
            "is_published",
            "word_count"
        ]
    );
    assert_eq!(options.list_display_links, ["title"]);
    assert_eq!(
        options.list_filter,
        ["is_published", "author", "published_date", "status"]
    );
    assert_eq!(options.search_fields, ["title", "content"]);
    assert_eq!(options.ordering, ["-published_date", "title"]);
    assert_eq!(options.list_per_page, 50);
    assert_eq!(options.readonly_fields, ["published_date"]);
    assert_eq!(
        options.fields,
        [
            "title",
            "slug",
            "author",
            "editor",
            "content",
            "is_published",
            "tags"
        ]
    );
    assert!(options.exclude.is_empty());
    assert_eq!(options.raw_id_fields, ["editor"]);
    assert_eq!(options.autocomplete_fields, ["author"]);
    assert_eq!(options.date_hierarchy, Some("published_date"));
    assert_eq!(options.prepopulated_fields.len(), 1);
    assert_eq!(options.prepopulated_fields[0].0, "slug");
    assert_eq!(options.prepopulated_fields[0].1, ["title"]);
    let actions: Vec<(&str, &str)> = options
        .actions
        .iter()
        .map(|a| (a.name, a.description))
        .collect();
    assert_eq!(
        actions,
        [("publish", "Publish"), ("make_draft", "Make draft")]
    );
    assert!(std::ptr::eq((AdminOps::of::<Story>().options)(), options));
}

#[test]
fn defaults() {
    let tag = Tag::admin_options();
    assert!(!tag.registered, "no #[admin]: not registered");
    assert_eq!(tag.list_per_page, 100);
    assert!(tag.list_display.is_empty() && tag.actions.is_empty());

    let note = Note::admin_options();
    assert!(note.registered, "a bare #[admin] registers");
    assert_eq!(note.list_per_page, 100);
    assert!(note.list_display.is_empty() && note.date_hierarchy.is_none());

    let writer = Writer::admin_options();
    assert!(writer.registered);
    assert_eq!(writer.exclude, ["bio"]);
    assert!(writer.fields.is_empty() && writer.ordering.is_empty());
    assert_eq!(writer.list_per_page, 100);
}

#[test]
fn repr_uses_display_when_there_is_one() {
    let ann = Writer {
        id: 7,
        name: "Ann".into(),
        bio: String::new(),
    };
    assert_eq!(ann.to_repr(), "Ann");
    let tag = Tag {
        id: 3,
        name: "rust".into(),
    };
    assert_eq!(tag.to_repr(), "Tag object (3)");
    let note = Note { id: 5, tag: None };
    assert_eq!(note.to_repr(), "Note object (5)");
}

#[test]
fn method_columns() {
    let db = db();
    let mut conn = db.conn().unwrap();
    let ann = writer(&mut conn, "Ann");
    let story = story(&mut conn, "Hello World", &ann, None);
    assert_eq!(story.__admin_method("word_count").as_deref(), Some("3"));
    assert_eq!(
        story.__admin_method("title"),
        None,
        "fields are not methods"
    );
    assert_eq!(story.__admin_method("nope"), None);
    assert_eq!(
        Tag {
            id: 1,
            name: "x".into()
        }
        .__admin_method("name"),
        None
    );
}

#[test]
fn related_repr_after_select_related() {
    let db = db();
    let mut conn = db.conn().unwrap();
    let ann = writer(&mut conn, "Ann");
    let bob = writer(&mut conn, "Bob");
    story(&mut conn, "Edited", &ann, Some(&bob));
    story(&mut conn, "Unedited", &ann, None);

    let plain = Story::objects()
        .order_by([Story::TITLE.asc()])
        .all(&mut conn)
        .unwrap();
    assert_eq!(plain[0].__related_repr(index("author")), None, "not loaded");

    let loaded = Story::objects()
        .select_related(Story::AUTHOR)
        .select_related_by_name("editor")
        .unwrap()
        .order_by([Story::TITLE.asc()])
        .all(&mut conn)
        .unwrap();
    let (author, editor) = (index("author"), index("editor"));
    assert_eq!(loaded[0].__related_repr(author).as_deref(), Some("Ann"));
    assert_eq!(loaded[0].__related_repr(editor).as_deref(), Some("Bob"));
    assert_eq!(loaded[1].__related_repr(author).as_deref(), Some("Ann"));
    assert_eq!(loaded[1].__related_repr(editor), None, "NULL editor");
    assert_eq!(loaded[0].__related_repr(index("title")), None, "not a key");

    // A target without Display is shown as `Name object (pk)`.
    let mut tag = Tag {
        id: 0,
        name: "rust".into(),
    };
    tag.save(&mut conn).unwrap();
    Note {
        id: 0,
        tag: Some((&tag).into()),
    }
    .save(&mut conn)
    .unwrap();
    let notes = Note::objects()
        .select_related_by_name("tag")
        .unwrap()
        .all(&mut conn)
        .unwrap();
    let expected = format!("Tag object ({})", tag.id);
    assert_eq!(notes[0].__related_repr(1), Some(expected));
}

#[test]
fn actions_run_on_a_spec() {
    let db = db();
    let mut conn = db.conn().unwrap();
    let ann = writer(&mut conn, "Ann");
    for title in ["A", "B", "C"] {
        story(&mut conn, title, &ann, None);
    }
    let published = |conn: &mut AnyConnection| {
        Story::objects()
            .filter(Story::IS_PUBLISHED.eq(true))
            .count(conn)
            .unwrap()
    };
    let actions = Story::admin_options().actions;
    let selected = Story::objects().filter(Story::TITLE.ne("C"));
    assert_eq!((actions[0].run)(&mut conn, selected.spec()).unwrap(), 2);
    assert_eq!(published(&mut conn), 2);

    let only_a = Story::objects().filter(Story::TITLE.eq("A"));
    assert_eq!((actions[1].run)(&mut conn, only_a.spec()).unwrap(), 1);
    assert_eq!(published(&mut conn), 1);
}

#[test]
fn rows_for_the_changelist() {
    let db = db();
    let mut conn = db.conn().unwrap();
    let ann = writer(&mut conn, "Ann");
    let bob = writer(&mut conn, "Bob");
    let hello = story(&mut conn, "Hello", &ann, Some(&bob));
    let query = Story::objects().select_related(Story::AUTHOR);
    let ops = AdminOps::of::<Story>();
    let rows: Vec<ObjectRow> =
        (ops.rows)(&mut conn, query.spec(), &["word_count", "missing"]).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.repr, "“Hello”");
    assert_eq!(row.values, hello.values());
    assert_eq!(row.values[index("title")], Value::Text("Hello".into()));
    assert_eq!(row.related.len(), Story::schema().fields.len());
    assert_eq!(row.related[index("author")].as_deref(), Some("Ann"));
    assert_eq!(
        row.related[index("editor")],
        None,
        "the editor was not selected"
    );
    assert!(row
        .related
        .iter()
        .enumerate()
        .all(|(i, r)| i == index("author") || r.is_none()));
    assert_eq!(row.methods, ["3", ""], "unknown methods are empty");
}

#[test]
fn declared_display_formats_the_fields() {
    let mut person = Person {
        id: 1,
        given: "Ada".into(),
        family: Some("Lovelace".into()),
        notes: "not shown".into(),
    };
    assert_eq!(person.to_string(), "Ada Lovelace!");
    assert_eq!(person.to_repr(), "Ada Lovelace!");
    person.family = None;
    assert_eq!(person.to_string(), "Ada !", "None shows as nothing");
}

/// The changelist's rows show a target with a declared `Display` through a
/// join of only its key and shown columns: the same text as the whole
/// object's, on the first page and on a deep one (keys first).
#[test]
fn rows_show_declared_targets_from_their_shown_columns() {
    let db = db();
    let mut conn = db.conn().unwrap();
    let mut ada = Person {
        id: 0,
        given: "Ada".into(),
        family: Some("Lovelace".into()),
        notes: "long notes".into(),
    };
    ada.save(&mut conn).unwrap();
    let mut anon = Person {
        id: 0,
        given: "Anon".into(),
        family: None,
        notes: String::new(),
    };
    anon.save(&mut conn).unwrap();
    let mut letters: Vec<Letter> = (0..1_010_usize)
        .map(|i| Letter {
            id: 0,
            sender: ForeignKey::new(if i.is_multiple_of(2) { ada.id } else { anon.id }),
            receiver: i.is_multiple_of(3).then(|| ForeignKey::new(ada.id)),
        })
        .collect();
    Letter::bulk_create(&mut conn, &mut letters).unwrap();

    let ops = AdminOps::of::<Letter>();
    let sender = Letter::schema().field_index("sender").unwrap();
    let receiver = Letter::schema().field_index("receiver").unwrap();
    for offset in [0, 1_000] {
        let mut spec = Letter::objects()
            .select_related(Letter::SENDER)
            .select_related_by_name("receiver")
            .unwrap()
            .spec()
            .clone();
        spec.limit = Some(10);
        spec.offset = Some(offset);
        let rows = (ops.rows)(&mut conn, &spec, &[]).unwrap();
        assert_eq!(rows.len(), 10, "offset {offset}");
        for (n, row) in rows.iter().enumerate() {
            let i = offset as usize + n;
            assert_eq!(
                row.values[0],
                Value::BigInt(letters[i].id),
                "offset {offset}: in order"
            );
            let sent_by = if i.is_multiple_of(2) { &ada } else { &anon };
            assert_eq!(row.related[sender], Some(sent_by.to_repr()), "row {i}");
            let received = i.is_multiple_of(3).then(|| ada.to_repr());
            assert_eq!(row.related[receiver], received, "row {i}: the second join");
        }
    }
}
