//! The blog's models: the seed's `Article`, and readers' comments on
//! it, moderated in the admin.

use orm::auth::User;
use orm::prelude::*;

/// A blog post, written by a user.
#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(
    ordering = ["-published_date"],
    // The admin's list, newest first; the public list, published newest
    // first (paged by cursor through this index). The slug is unique,
    // which indexes it already.
    indexes(["-published_date", "id"], ["is_published", "-published_date", "id"]),
    // The admin's search box looks words up in this index.
    full_text = ["title", "content"],
    // Whatever writes the row, the database keeps a headline.
    constraints(title_not_blank(check = r#"~title="""#)),
    display = "{title}"
)]
#[admin(
    list_display = ["title", "author", "published_date", "is_published"],
    list_filter = ["is_published", "author", "published_date"],
    search_fields = ["@title", "@content"],
    date_hierarchy = "published_date",
    prepopulated_fields(slug = ["title"]),
    readonly_fields = ["published_date", "updated_date"],
    actions = [publish, unpublish],
    view_on_site = "/articles/{slug}/",
    fieldsets = [
        ("", ["title", "slug", "author", "content", "cover"]),
        ("Publishing", ["is_published", "published_date", "updated_date", "comment_count"]),
    ],
)]
pub struct Article {
    /// Row id.
    pub id: i64,
    /// The headline.
    #[field(max_length = 200)]
    pub title: String,
    /// The URL part: `/articles/<slug>/`.
    #[field(slug, unique)]
    pub slug: String,
    /// Who wrote it.
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<User>,
    /// The body.
    #[field(text)]
    pub content: String,
    /// When it was first saved.
    #[field(auto_now_add)]
    pub published_date: DateTime<Utc>,
    /// When it was last saved.
    #[field(auto_now)]
    pub updated_date: DateTime<Utc>,
    /// Shown on the public pages.
    #[field(default = false)]
    pub is_published: bool,
    /// How many approved comments it has: kept by the comments' signals.
    #[field(default = 0, editable = false)]
    pub comment_count: i32,
    /// A picture shown above the article (a name in the site's storage).
    #[field(image, blank, default = "", verbose_name = "cover image")]
    pub cover: String,
}

/// Admin action: marks the selected articles published.
pub fn publish(conn: &mut AnyConnection, articles: QuerySet<Article>) -> orm::Result<usize> {
    articles.update(conn, vec![Article::IS_PUBLISHED.set(true)])
}

/// Admin action: takes the selected articles off the public pages.
pub fn unpublish(conn: &mut AnyConnection, articles: QuerySet<Article>) -> orm::Result<usize> {
    articles.update(conn, vec![Article::IS_PUBLISHED.set(false)])
}

/// A reader's comment on an article: shown once a moderator approves it.
#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(ordering = ["created"], display = "Comment by {name}")]
#[admin(
    list_display = ["name", "article", "created", "is_approved"],
    list_filter = ["is_approved", "created"],
    search_fields = ["name", "body"],
    raw_id_fields = ["article"],
    readonly_fields = ["created"],
    actions = [approve],
)]
pub struct Comment {
    /// Row id.
    pub id: i64,
    /// What it is about.
    #[field(on_delete = Cascade, related_name = "comments")]
    pub article: ForeignKey<Article>,
    /// The reader's name, as shown.
    #[field(max_length = 80)]
    pub name: String,
    /// Where the reader may be reached; never shown.
    #[field(email)]
    pub email: String,
    /// What they wrote: at most 3,000 characters.
    #[field(text, verbose_name = "comment", validators = [at_most_3000_characters])]
    pub body: String,
    /// When it was posted.
    #[field(auto_now_add)]
    pub created: DateTime<Utc>,
    /// Shown on the article's page.
    #[field(default = false)]
    pub is_approved: bool,
}

/// A comment's length check (text columns have no length of their own).
fn at_most_3000_characters(body: &str) -> Result<(), String> {
    let length = body.chars().count();
    if length > 3000 {
        return Err(format!(
            "Ensure this value has at most 3000 characters (it has {length})."
        ));
    }
    Ok(())
}

/// Admin action: approves the selected comments, each saved (so that the
/// articles' counts follow, through the signals).
pub fn approve(conn: &mut AnyConnection, comments: QuerySet<Comment>) -> orm::Result<usize> {
    let mut approved = 0;
    for mut comment in comments.filter(Comment::IS_APPROVED.eq(false)).all(conn)? {
        comment.is_approved = true;
        comment.save(conn)?;
        approved += 1;
    }
    Ok(approved)
}
