//! The blog's models: the seed's `Article`.

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
}

/// Admin action: marks the selected articles published.
pub fn publish(conn: &mut AnyConnection, articles: QuerySet<Article>) -> orm::Result<usize> {
    articles.update(conn, vec![Article::IS_PUBLISHED.set(true)])
}

/// Admin action: takes the selected articles off the public pages.
pub fn unpublish(conn: &mut AnyConnection, articles: QuerySet<Article>) -> orm::Result<usize> {
    articles.update(conn, vec![Article::IS_PUBLISHED.set(false)])
}
