//! Models that change after they were migrated, followed through
//! `makemigrations` and `migrate` on every configured backend: renames of
//! models and fields followed by further changes, many-to-many targets and
//! holders renamed, nullable fields made required, indexes that differ only
//! by order. Rows must survive every step, and every step must undo.
//!
//! Each module below is one version of the app `bookshop`; a test writes the
//! migrations of its versions in turn, as a user would between edits.

use std::io::Cursor;

use orm_core::__private::diesel;
use orm_core::__private::diesel::connection::SimpleConnection;
use orm_core::__private::diesel::sql_types::{BigInt, Nullable, Text};
use orm_core::__private::diesel::RunQueryDsl;
use orm_core::db::BackendKind;
use orm_core::prelude::*;
use orm_core::schema::ModelSchema;
use orm_core::{AnyConnection, Db};
use orm_migrations::{MigrationCommand, MigrationSource, Outcome, Project};
use tests::backends::{configured, fresh};

const APP: &str = "bookshop";

// ------------------------------------------------------------ versions

/// `Book.author` points at `Author`.
mod m1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Author {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub author: ForeignKey<Author>,
    }
}

/// `Author` renamed to `Writer`.
mod m2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Writer {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub author: ForeignKey<Writer>,
    }
}

/// After `m2`: `Book.author` renamed to `writer`.
mod m2_field_renamed {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Writer {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub writer: ForeignKey<Writer>,
    }
}

/// After `m2`: `Book.author` removed.
mod m2_field_removed {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Writer {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
    }
}

/// After `m2`: `Book.author` nullable.
mod m2_field_nullable {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Writer {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub author: Option<ForeignKey<Writer>>,
    }
}

/// After `m2`: `Writer` renamed again, to `Penman`.
mod m2_model_renamed {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Penman {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub author: ForeignKey<Penman>,
    }
}

/// After `m1`: `Book.author` renamed to `creator`.
mod f2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Author {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub creator: ForeignKey<Author>,
    }
}

/// After `f2`: `Book.creator` renamed again, to `maker`.
mod f2_field_renamed {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Author {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub maker: ForeignKey<Author>,
    }
}

/// After `f2`: `Book.creator` removed.
mod f2_field_removed {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Author {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
    }
}

/// After `f2`: `Book.creator` nullable.
mod f2_field_nullable {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Author {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub creator: Option<ForeignKey<Author>>,
    }
}

/// After `f2`: `Author` renamed to `Writer`.
mod f2_model_renamed {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Writer {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub creator: ForeignKey<Writer>,
    }
}

/// Books tagged through a many-to-many field.
mod t1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Tag {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        pub tags: ManyToMany<Tag>,
    }
}

/// After `t1`: the target `Tag` renamed to `Label`.
mod t2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Label {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        pub tags: ManyToMany<Label>,
    }
}

/// After `t1`: the holder `Book` renamed to `Volume`.
mod t3 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Tag {
        pub id: i64,
        #[field(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Volume {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        pub tags: ManyToMany<Tag>,
    }
}

/// A nullable subtitle.
mod n1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(max_length = 50)]
        pub subtitle: Option<String>,
    }
}

/// After `n1`: the subtitle required.
mod n2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(max_length = 50)]
        pub subtitle: String,
    }
}

/// After `n1`: a new required number without a default.
mod n3 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(max_length = 50)]
        pub subtitle: Option<String>,
        pub rank: i32,
    }
}

/// After `m1`: author names unique.
mod u2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Author {
        pub id: i64,
        #[field(max_length = 50, unique)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
        #[field(on_delete = Cascade)]
        pub author: ForeignKey<Author>,
    }
}

/// Two indexes on the same field, one each way, and one named.
mod i1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop", indexes(["title"], ["-title"], book_newest = ["-id", "title"]))]
    pub(crate) struct Book {
        pub id: i64,
        #[field(max_length = 50)]
        pub title: String,
    }
}

fn schemas_m1() -> Vec<&'static ModelSchema> {
    vec![m1::Author::schema(), m1::Book::schema()]
}
fn schemas_m2() -> Vec<&'static ModelSchema> {
    vec![m2::Writer::schema(), m2::Book::schema()]
}
fn schemas_m2_field_renamed() -> Vec<&'static ModelSchema> {
    vec![
        m2_field_renamed::Writer::schema(),
        m2_field_renamed::Book::schema(),
    ]
}
fn schemas_m2_field_removed() -> Vec<&'static ModelSchema> {
    vec![
        m2_field_removed::Writer::schema(),
        m2_field_removed::Book::schema(),
    ]
}
fn schemas_m2_field_nullable() -> Vec<&'static ModelSchema> {
    vec![
        m2_field_nullable::Writer::schema(),
        m2_field_nullable::Book::schema(),
    ]
}
fn schemas_m2_model_renamed() -> Vec<&'static ModelSchema> {
    vec![
        m2_model_renamed::Penman::schema(),
        m2_model_renamed::Book::schema(),
    ]
}
fn schemas_f2() -> Vec<&'static ModelSchema> {
    vec![f2::Author::schema(), f2::Book::schema()]
}
fn schemas_f2_field_renamed() -> Vec<&'static ModelSchema> {
    vec![
        f2_field_renamed::Author::schema(),
        f2_field_renamed::Book::schema(),
    ]
}
fn schemas_f2_field_removed() -> Vec<&'static ModelSchema> {
    vec![
        f2_field_removed::Author::schema(),
        f2_field_removed::Book::schema(),
    ]
}
fn schemas_f2_field_nullable() -> Vec<&'static ModelSchema> {
    vec![
        f2_field_nullable::Author::schema(),
        f2_field_nullable::Book::schema(),
    ]
}
fn schemas_f2_model_renamed() -> Vec<&'static ModelSchema> {
    vec![
        f2_model_renamed::Writer::schema(),
        f2_model_renamed::Book::schema(),
    ]
}
fn schemas_t1() -> Vec<&'static ModelSchema> {
    vec![
        t1::Tag::schema(),
        t1::Book::schema(),
        t1::BookTags::schema(),
    ]
}
fn schemas_t2() -> Vec<&'static ModelSchema> {
    vec![
        t2::Label::schema(),
        t2::Book::schema(),
        t2::BookTags::schema(),
    ]
}
fn schemas_t3() -> Vec<&'static ModelSchema> {
    vec![
        t3::Tag::schema(),
        t3::Volume::schema(),
        t3::VolumeTags::schema(),
    ]
}

/// An offer without constraints.
mod c1 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(app_label = "bookshop")]
    pub(crate) struct Offer {
        pub id: i64,
        #[field(max_length = 20)]
        pub code: String,
        pub price: i32,
        pub sale: Option<i32>,
        pub live: bool,
    }
}

/// After `c1`: check and unique constraints, and a partial index.
mod c2 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(
        app_label = "bookshop",
        constraints(
            price_not_negative(check = "price__gte = 0"),
            sale_below_price(check = "sale__isnull=true | sale__lte=F(price)"),
            one_live_code(unique = ["Lower(code)"], condition = "live=true"),
        ),
        indexes(live_cheap(fields = ["price"], condition = "live=true & price__lt=100")),
    )]
    pub(crate) struct Offer {
        pub id: i64,
        #[field(max_length = 20)]
        pub code: String,
        pub price: i32,
        pub sale: Option<i32>,
        pub live: bool,
    }
}

/// After `c2`: `price` renamed to `amount`, everywhere.
mod c3 {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(
        app_label = "bookshop",
        constraints(
            price_not_negative(check = "amount__gte=0"),
            sale_below_price(check = "sale__isnull=true | sale__lte=F(amount)"),
            one_live_code(unique = ["Lower(code)"], condition = "live=true"),
        ),
        indexes(live_cheap(fields = ["amount"], condition = "live=true & amount__lt=100")),
    )]
    pub(crate) struct Offer {
        pub id: i64,
        #[field(max_length = 20)]
        pub code: String,
        pub amount: i32,
        pub sale: Option<i32>,
        pub live: bool,
    }
}

/// After `c1`: a condition with a lookup a constraint cannot hold.
mod c_bad {
    use orm_core::prelude::*;

    #[derive(Model, Debug, Clone)]
    #[model(
        app_label = "bookshop",
        constraints(code_has_dash(check = "code__contains=\"-\""))
    )]
    pub(crate) struct Offer {
        pub id: i64,
        #[field(max_length = 20)]
        pub code: String,
        pub price: i32,
        pub sale: Option<i32>,
        pub live: bool,
    }
}

// ------------------------------------------------------------ commands

/// A folder of `bookshop` migrations, written version after version.
struct History {
    dir: tempfile::TempDir,
}

impl History {
    fn new() -> Self {
        History {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The project as it is with `models`.
    fn project(&self, models: Vec<&'static ModelSchema>) -> Project {
        Project::new()
            .with(MigrationSource::from_dir(APP, self.dir.path()))
            .with_models(models)
    }

    /// `makemigrations`, answering questions with `answers` (one a line),
    /// or never asking with `noinput`.
    fn try_make(
        &self,
        models: Vec<&'static ModelSchema>,
        answers: &str,
        noinput: bool,
    ) -> Result<String, String> {
        let command = MigrationCommand::Makemigrations {
            app: None,
            name: None,
            dry_run: false,
            check: false,
            empty: false,
            merge: false,
            noinput,
        };
        let mut out = Vec::new();
        let result = self.project(models).execute(
            &command,
            None,
            &mut Cursor::new(answers.as_bytes().to_vec()),
            &mut out,
        );
        let out = String::from_utf8(out).unwrap();
        result.map(|_| out).map_err(|e| e.to_string())
    }

    /// `makemigrations` that must succeed.
    fn make(&self, models: Vec<&'static ModelSchema>, answers: &str) -> String {
        self.try_make(models, answers, false)
            .unwrap_or_else(|e| panic!("makemigrations failed: {e}"))
    }

    /// `makemigrations --check`: whether the models match the migrations.
    fn up_to_date(&self, models: Vec<&'static ModelSchema>) -> (bool, String) {
        let command = MigrationCommand::Makemigrations {
            app: None,
            name: None,
            dry_run: false,
            check: true,
            empty: false,
            merge: false,
            noinput: true,
        };
        let mut out = Vec::new();
        let outcome = self
            .project(models)
            .execute(&command, None, &mut Cursor::new(Vec::new()), &mut out)
            .unwrap_or_else(|e| panic!("makemigrations --check failed: {e}"));
        (
            outcome == Outcome::Done,
            String::from_utf8(out).unwrap_or_default(),
        )
    }

    /// The text of every migration file, in order.
    fn files(&self) -> String {
        let mut paths: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `migrate [APP [TARGET]]`: its output, or its error.
fn migrate(
    project: &Project,
    db: &Db,
    app: Option<&str>,
    target: Option<&str>,
) -> Result<String, String> {
    let command = MigrationCommand::Migrate {
        app: app.map(str::to_owned),
        target: target.map(str::to_owned),
        plan: false,
        fake: false,
        fake_initial: false,
    };
    let mut out = Vec::new();
    let result = project.execute(&command, Some(db), &mut Cursor::new(Vec::new()), &mut out);
    let out = String::from_utf8_lossy(&out).into_owned();
    result
        .map(|_| out.clone())
        .map_err(|e| format!("{e}\n{out}"))
}

fn sqlmigrate(project: &Project, db: &Db, name: &str) -> String {
    let command = MigrationCommand::Sqlmigrate {
        app: APP.into(),
        name: name.into(),
        backwards: false,
    };
    let mut out = Vec::new();
    project
        .execute(&command, Some(db), &mut Cursor::new(Vec::new()), &mut out)
        .unwrap_or_else(|e| panic!("sqlmigrate {name}: {e}"));
    String::from_utf8(out).unwrap()
}

fn numbers(conn: &mut AnyConnection, query: &str) -> Vec<i64> {
    diesel::select(diesel::dsl::sql::<BigInt>(query))
        .load::<i64>(conn)
        .unwrap_or_else(|e| panic!("SELECT {query}: {e}"))
}

fn texts(conn: &mut AnyConnection, query: &str) -> Vec<Option<String>> {
    diesel::select(diesel::dsl::sql::<Nullable<Text>>(query))
        .load::<Option<String>>(conn)
        .unwrap_or_else(|e| panic!("SELECT {query}: {e}"))
}

/// On each backend: applies `0001`, runs `seed`, applies the rest, runs
/// `check`, then unapplies everything and applies it all again.
fn on_each_backend(
    history: &History,
    models: Vec<&'static ModelSchema>,
    seed: &str,
    check: impl Fn(BackendKind, &mut AnyConnection),
) {
    let project = history.project(models);
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let db = &test_db.db;
        migrate(&project, db, Some(APP), Some("0001"))
            .unwrap_or_else(|e| panic!("{kind}: migrate 0001: {e}"));
        let mut conn = db.conn().unwrap();
        conn.batch_execute(seed)
            .unwrap_or_else(|e| panic!("{kind}: seed: {e}"));
        migrate(&project, db, None, None).unwrap_or_else(|e| {
            panic!(
                "{kind}: migrate failed: {e}\nmigrations:\n{}",
                history.files()
            )
        });
        check(kind, &mut conn);
        // Every step undoes (on an empty database: a column removed from
        // rows cannot come back NOT NULL without a value).
        let empty = fresh(kind, url.as_deref(), &[]);
        migrate(&project, &empty.db, None, None)
            .unwrap_or_else(|e| panic!("{kind}: migrate an empty database: {e}"));
        migrate(&project, &empty.db, Some(APP), Some("zero"))
            .unwrap_or_else(|e| panic!("{kind}: migrate zero: {e}"));
        migrate(&project, &empty.db, None, None)
            .unwrap_or_else(|e| panic!("{kind}: migrate again: {e}"));
    }
}

const SEED_BOOK: &str = "INSERT INTO bookshop_author (id, name) VALUES (1, 'Ann'); \
     INSERT INTO bookshop_book (id, title, author_id) VALUES (1, 'Dune', 1)";

// ------------------------------------------------------------ renames, then changes

type Version = fn() -> Vec<&'static ModelSchema>;

/// `m1`, then `second` (a rename, answered yes), then `third` (answered
/// yes): the book and its author's id must come through in `column`.
fn rename_then_change(second: Version, third: Version, column: Option<&str>) {
    let history = History::new();
    history.make(schemas_m1(), "");
    let out = history.make(second(), "y\n");
    assert!(
        !out.contains("Alter field"),
        "a rename alone writes no AlterField:\n{out}"
    );
    history.make(third(), "y\ny\n");
    let (same, out) = history.up_to_date(third());
    assert!(same, "{out}\n{}", history.files());
    on_each_backend(&history, third(), SEED_BOOK, |kind, conn| {
        assert_eq!(numbers(conn, "count(*) FROM bookshop_book"), [1], "{kind}");
        if let Some(column) = column {
            assert_eq!(
                numbers(conn, &format!("{column} FROM bookshop_book")),
                [1],
                "{kind}"
            );
        }
    });
}

#[test]
fn model_rename_then_field_rename() {
    rename_then_change(schemas_m2, schemas_m2_field_renamed, Some("writer_id"));
}

#[test]
fn model_rename_then_field_removed() {
    rename_then_change(schemas_m2, schemas_m2_field_removed, None);
}

#[test]
fn model_rename_then_field_made_nullable() {
    rename_then_change(schemas_m2, schemas_m2_field_nullable, Some("author_id"));
}

#[test]
fn model_rename_then_model_renamed_again() {
    rename_then_change(schemas_m2, schemas_m2_model_renamed, Some("author_id"));
}

#[test]
fn field_rename_then_field_renamed_again() {
    rename_then_change(schemas_f2, schemas_f2_field_renamed, Some("maker_id"));
}

#[test]
fn field_rename_then_field_removed() {
    rename_then_change(schemas_f2, schemas_f2_field_removed, None);
}

#[test]
fn field_rename_then_field_made_nullable() {
    rename_then_change(schemas_f2, schemas_f2_field_nullable, Some("creator_id"));
}

#[test]
fn field_rename_then_model_renamed() {
    rename_then_change(schemas_f2, schemas_f2_model_renamed, Some("creator_id"));
}

// ------------------------------------------------------------ many-to-many

const SEED_TAGS: &str = "INSERT INTO bookshop_tag (id, name) VALUES (1, 'sf'); \
     INSERT INTO bookshop_book (id, title) VALUES (1, 'Dune'); \
     INSERT INTO bookshop_book_tags (id, book_id, tag_id) VALUES (1, 1, 1)";

#[test]
fn renaming_a_many_to_many_target_keeps_the_links() {
    let history = History::new();
    history.make(schemas_t1(), "");
    let out = history.make(schemas_t2(), "y\n");
    assert!(out.contains("Rename model Tag to Label"), "{out}");
    assert!(!out.contains("Delete model"), "{out}");
    let (same, out) = history.up_to_date(schemas_t2());
    assert!(same, "{out}\n{}", history.files());
    on_each_backend(&history, schemas_t2(), SEED_TAGS, |kind, conn| {
        assert_eq!(
            numbers(conn, "label_id FROM bookshop_book_tags"),
            [1],
            "{kind}"
        );
        assert_eq!(
            numbers(conn, "book_id FROM bookshop_book_tags"),
            [1],
            "{kind}"
        );
        assert_eq!(numbers(conn, "id FROM bookshop_label"), [1], "{kind}");
    });
}

#[test]
fn renaming_a_many_to_many_holder_keeps_the_links() {
    let history = History::new();
    history.make(schemas_t1(), "");
    let out = history.make(schemas_t3(), "y\n");
    assert!(out.contains("Rename model Book to Volume"), "{out}");
    assert!(!out.contains("Delete model"), "{out}");
    let (same, out) = history.up_to_date(schemas_t3());
    assert!(same, "{out}\n{}", history.files());
    on_each_backend(&history, schemas_t3(), SEED_TAGS, |kind, conn| {
        assert_eq!(
            numbers(conn, "volume_id FROM bookshop_volume_tags"),
            [1],
            "{kind}"
        );
        assert_eq!(
            numbers(conn, "tag_id FROM bookshop_volume_tags"),
            [1],
            "{kind}"
        );
    });
}

#[test]
fn renaming_a_many_to_many_target_without_input_asks_nothing() {
    let history = History::new();
    history.make(schemas_t1(), "");
    let result = history.try_make(schemas_t2(), "", true);
    let out = result.unwrap_or_else(|e| panic!("--noinput asked a question: {e}"));
    assert!(out.contains("Create model Label"), "{out}");
}

#[test]
fn join_models_have_readable_plural_names() {
    let schema = t1::BookTags::schema();
    assert_eq!(schema.verbose_name, "book-tag relationship");
    assert_eq!(schema.verbose_name_plural, "book-tag relationships");
}

// ------------------------------------------------------------ null to required

#[test]
fn making_a_field_required_without_input_names_the_field() {
    let history = History::new();
    history.make(vec![n1::Book::schema()], "");
    let err = history
        .try_make(vec![n2::Book::schema()], "", true)
        .expect_err("--noinput cannot invent a value for existing NULLs");
    assert!(err.contains("subtitle"), "{err}");
    assert!(err.contains("bookshop.Book"), "{err}");
}

#[test]
fn making_a_field_required_fills_existing_nulls_with_a_one_off_default() {
    let history = History::new();
    history.make(vec![n1::Book::schema()], "");
    history.make(vec![n2::Book::schema()], "'unknown'\n");
    let files = history.files();
    assert!(files.contains("type = \"AlterField\""), "{files}");
    assert!(files.contains("\"unknown\""), "{files}");
    assert!(!files.contains("'unknown'"), "{files}");
    let (same, out) = history.up_to_date(vec![n2::Book::schema()]);
    assert!(same, "the one-off default is not kept:\n{out}\n{files}");
    let project = history.project(vec![n2::Book::schema()]);
    on_each_backend(
        &history,
        vec![n2::Book::schema()],
        "INSERT INTO bookshop_book (id, title, subtitle) VALUES (1, 'Dune', NULL); \
         INSERT INTO bookshop_book (id, title, subtitle) VALUES (2, 'Emma', 'A novel')",
        |kind, conn| {
            assert_eq!(
                texts(conn, "subtitle FROM bookshop_book ORDER BY id"),
                [Some("unknown".to_owned()), Some("A novel".to_owned())],
                "{kind}"
            );
        },
    );
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let sql = sqlmigrate(&project, &test_db.db, "0002");
        if kind == BackendKind::Sqlite {
            // The table rebuild copies the rows with the value in place of NULL.
            assert!(sql.contains(r#"coalesce("subtitle", 'unknown')"#), "{sql}");
        } else {
            let update = sql
                .find("UPDATE")
                .unwrap_or_else(|| panic!("{kind}: {sql}"));
            let alter = sql.rfind("ALTER TABLE").unwrap();
            assert!(update < alter, "{kind}: {sql}");
        }
    }
}

// ------------------------------------------------------------ migrate's warning

#[test]
fn migrate_warns_of_changes_that_would_ask_a_question() {
    let history = History::new();
    history.make(vec![n1::Book::schema()], "");
    let project = history.project(vec![n3::Book::schema()]);
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let out =
            migrate(&project, &test_db.db, None, None).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(out.contains("have changes"), "{kind}: {out}");
        assert!(out.contains("rank"), "{kind}: {out}");
    }
}

// ------------------------------------------------------------ database errors

#[test]
fn a_failed_unique_constraint_keeps_the_database_detail() {
    let history = History::new();
    history.make(schemas_m1(), "");
    history.make(vec![u2::Author::schema(), u2::Book::schema()], "");
    let project = history.project(vec![u2::Author::schema(), u2::Book::schema()]);
    for (kind, url) in configured() {
        let test_db = fresh(kind, url.as_deref(), &[]);
        let db = &test_db.db;
        migrate(&project, db, Some(APP), Some("0001")).unwrap();
        db.conn()
            .unwrap()
            .batch_execute(
                "INSERT INTO bookshop_author (id, name) VALUES (1, 'Same'); \
                 INSERT INTO bookshop_author (id, name) VALUES (2, 'Same')",
            )
            .unwrap();
        let err = migrate(&project, db, None, None).expect_err("duplicates refuse the constraint");
        let first = err.lines().next().unwrap_or_default().to_owned();
        match kind {
            BackendKind::Postgres => {
                assert!(err.contains("Key (name)=(Same) is duplicated"), "{err}")
            }
            BackendKind::Mysql => assert!(err.contains("Duplicate entry 'Same'"), "{err}"),
            BackendKind::Sqlite => assert!(err.contains("UNIQUE constraint failed"), "{err}"),
        }
        assert!(
            !first.contains(" with these values already exists"),
            "{first}"
        );
    }
}

// ------------------------------------------------------------ indexes

#[test]
fn indexes_differing_only_by_order_both_apply() {
    let history = History::new();
    history.make(vec![i1::Book::schema()], "");
    let files = history.files();
    for name in [
        "bookshop_book_title_idx",
        "bookshop_book_title_desc_idx",
        "book_newest",
    ] {
        assert!(
            files.contains(&format!("name = \"{name}\"")),
            "{name}:\n{files}"
        );
    }
    let (same, out) = history.up_to_date(vec![i1::Book::schema()]);
    assert!(same, "{out}");
    on_each_backend(
        &history,
        vec![i1::Book::schema()],
        "INSERT INTO bookshop_book (id, title) VALUES (1, 'Dune')",
        |kind, conn| {
            assert_eq!(numbers(conn, "count(*) FROM bookshop_book"), [1], "{kind}");
        },
    );
}

// ------------------------------------------------------------ constraints

#[test]
fn constraints_follow_the_models_through_migrations() {
    let history = History::new();
    history.make(vec![c1::Offer::schema()], "");
    let out = history.make(vec![c2::Offer::schema()], "");
    for expected in [
        "Create constraint price_not_negative on offer",
        "Create constraint sale_below_price on offer",
        "Create index one_live_code on offer",
        "Create index live_cheap on offer",
    ] {
        assert!(out.contains(expected), "{expected}:\n{out}");
    }
    let files = history.files();
    assert!(files.contains("type = \"AddConstraint\""), "{files}");
    assert!(files.contains("check = \"price__gte=0\""), "{files}");
    assert!(files.contains("condition = \"live=true\""), "{files}");
    let (same, out) = history.up_to_date(vec![c2::Offer::schema()]);
    assert!(same, "{out}\n{files}");

    // A rename rewrites the conditions that read the field: nothing else
    // to migrate.
    let out = history.make(vec![c3::Offer::schema()], "y\n");
    assert!(
        out.contains("Rename field price on offer to amount"),
        "{out}"
    );
    assert!(!out.contains("constraint"), "{out}");
    let (same, out) = history.up_to_date(vec![c3::Offer::schema()]);
    assert!(same, "{out}\n{}", history.files());

    on_each_backend(
        &history,
        vec![c3::Offer::schema()],
        "INSERT INTO bookshop_offer (id, code, price, sale, live) VALUES (1, 'a', 10, 5, TRUE); \
         INSERT INTO bookshop_offer (id, code, price, sale, live) VALUES (2, 'b', 10, NULL, FALSE); \
         INSERT INTO bookshop_offer (id, code, price, sale, live) VALUES (3, 'B', 200, NULL, FALSE)",
        |kind, conn| {
            assert_eq!(numbers(conn, "count(*) FROM bookshop_offer"), [3], "{kind}");
            let insert = |values: &str| {
                format!("INSERT INTO bookshop_offer (id, code, amount, sale, live) VALUES {values}")
            };
            for (values, why) in [
                ("(9, 'x', -1, NULL, FALSE)", "a negative amount"),
                ("(9, 'x', 10, 11, FALSE)", "a sale above the amount"),
                ("(9, 'A', 10, NULL, TRUE)", "a second live offer coded a"),
            ] {
                assert!(
                    conn.batch_execute(&insert(values)).is_err(),
                    "{kind}: {why} is refused"
                );
            }
            conn.batch_execute(&insert("(9, 'B', 10, NULL, TRUE)"))
                .unwrap_or_else(|e| panic!("{kind}: one live offer coded b: {e}"));
        },
    );
}

#[test]
fn makemigrations_refuses_a_condition_a_constraint_cannot_hold() {
    let history = History::new();
    history.make(vec![c1::Offer::schema()], "");
    let error = history
        .try_make(vec![c_bad::Offer::schema()], "", true)
        .unwrap_err();
    assert!(error.contains("code_has_dash"), "{error}");
    assert!(error.contains("cannot be used in a constraint"), "{error}");
}
