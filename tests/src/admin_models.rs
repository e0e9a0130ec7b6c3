//! App `press`: the models the admin's HTTP tests drive. `Story` carries
//! every changelist and form option; `Comment` is cascaded and `Note`
//! protects a story from deletion; `Gadget` has a field of every kind the
//! form offers.

#![allow(missing_docs)]

use orm_contrib::auth::User;
use orm_core::prelude::*;

/// Where a story is in its life.
#[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryStatus {
    Draft,
    #[choice(value = "review", label = "In review")]
    Review,
    Published,
}

/// A story by a user, with every admin option the changelist and the form
/// know.
#[derive(Model, Debug, Clone)]
#[model(app_label = "press", ordering = ["-published_at"], verbose_name_plural = "stories")]
#[admin(
    list_display = ["title", "author", "status", "is_published", "word_count"],
    list_filter = ["is_published", "status", "author", "published_at"],
    search_fields = ["title", "body", "author__username"],
    date_hierarchy = "published_at",
    prepopulated_fields(slug = ["title"]),
    readonly_fields = ["published_at"],
    actions = [publish],
    view_on_site = "/stories/{slug}/",
    list_per_page = 100,
)]
pub struct Story {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    #[field(slug, unique)]
    pub slug: String,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<User>,
    #[field(text)]
    pub body: String,
    #[field(auto_now_add)]
    pub published_at: DateTime<Utc>,
    #[field(default = false)]
    pub is_published: bool,
    #[field(default = "draft")]
    pub status: StoryStatus,
}

impl Story {
    /// A story with a slug made from `title`, not yet saved.
    pub fn new(title: &str, slug: &str, author: i64) -> Story {
        Story {
            id: 0,
            title: title.to_owned(),
            slug: slug.to_owned(),
            author: ForeignKey::new(author),
            body: "Some words here.".to_owned(),
            published_at: Utc::now(),
            is_published: false,
            status: StoryStatus::Draft,
        }
    }

    /// A method column.
    pub fn word_count(&self) -> usize {
        self.body.split_whitespace().count()
    }
}

impl std::fmt::Display for Story {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.title)
    }
}

/// The bulk action: marks the selected stories published.
pub fn publish(conn: &mut AnyConnection, stories: QuerySet<Story>) -> orm_core::Result<usize> {
    stories.update(conn, vec![Story::IS_PUBLISHED.set(true)])
}

/// Deleted with its story. Its changelist shows and sorts by fields across
/// relations (the story's author's name, two steps; the story's title) and
/// filters by them (the story published or not, its author).
#[derive(Model, Debug, Clone)]
#[model(app_label = "press", clean)]
#[admin(
    list_display = ["text", "story__title", "story__author__username"],
    ordering = ["-story__title", "text"],
    list_filter = ["story__is_published", "story__author"]
)]
pub struct Comment {
    pub id: i64,
    #[field(on_delete = Cascade)]
    pub story: ForeignKey<Story>,
    #[field(max_length = 200, validators = [no_shouting])]
    pub text: String,
}

/// A comment in capitals only is refused.
pub fn no_shouting(text: &str) -> Result<(), &'static str> {
    if text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase) {
        Err("Please do not shout.")
    } else {
        Ok(())
    }
}

impl Clean for Comment {
    /// A comment does not begin with a link.
    fn clean(&self) -> Result<(), ValidationErrors> {
        if self.text.starts_with("http") {
            return Err("A comment may not begin with a link.".into());
        }
        Ok(())
    }
}

impl std::fmt::Display for Comment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Keeps its story from being deleted. Its changelist (10 rows a page)
/// shows the database's estimated count from 20 rows, filtered by story
/// or not. A story's notes differ in more than case, and none is "spam".
#[derive(Model, Debug, Clone)]
#[model(
    app_label = "press",
    constraints(
        not_spam(check = r#"~text="spam""#),
        one_text_per_story(unique = ["story", "Lower(text)"]),
    )
)]
#[admin(
    search_fields = ["text"],
    list_filter = ["story"],
    estimate_count_above = 20,
    list_per_page = 10,
    save_as
)]
pub struct Note {
    pub id: i64,
    #[field(on_delete = Protect)]
    pub story: ForeignKey<Story>,
    #[field(max_length = 200)]
    pub text: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// One field of every kind the form edits.
#[derive(Model, Debug, Clone)]
#[model(app_label = "press")]
#[admin(
    list_display = ["name", "count", "price"],
    autocomplete_fields = ["owner"],
    fieldsets = [
        ("", ["name", "notes", "email", "website", "code", "owner"]),
        ("Numbers", ["flag", "small", "count", "big", "ratio", "price", "maybe_count"]),
        ("When", ["day", "time", "at", "maybe_day"]),
        ("Other", ["uuid", "data", "status"], "collapse"),
    ]
)]
pub struct Gadget {
    pub id: i64,
    #[field(max_length = 50)]
    pub name: String,
    #[field(text, blank)]
    pub notes: String,
    #[field(email, blank)]
    pub email: String,
    #[field(url, blank)]
    pub website: String,
    #[field(slug, max_length = 50)]
    pub code: String,
    pub flag: bool,
    pub small: i16,
    pub count: i32,
    pub big: i64,
    pub ratio: f64,
    #[field(max_digits = 8, decimal_places = 2)]
    pub price: BigDecimal,
    pub day: NaiveDate,
    pub time: NaiveTime,
    pub at: DateTime<Utc>,
    pub uuid: Uuid,
    pub data: serde_json::Value,
    #[field(default = "draft")]
    pub status: StoryStatus,
    pub maybe_count: Option<i32>,
    pub maybe_day: Option<NaiveDate>,
    #[field(on_delete = SetNull)]
    pub owner: Option<ForeignKey<User>>,
}

impl std::fmt::Display for Gadget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// Every table the admin tests need, in an order they can be created in:
/// auth (with its join tables), sessions, the admin log and `press`.
pub fn admin_schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    let mut schemas = crate::models::auth_schemas();
    schemas.extend([
        orm_contrib::sessions::Session::schema(),
        admin::LogEntry::schema(),
        Story::schema(),
        Comment::schema(),
        Note::schema(),
        Gadget::schema(),
    ]);
    schemas
}
