//! The published articles, ten a page, and one article with its approved
//! comments and the form to add one.

use askama::Template;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use orm::auth::User;
use orm::forms::{as_html, BoundForm};
use orm::prelude::*;
use orm::urls::Urls;
use orm::views::{CursorListView, DetailView};

use super::comment_form::{comment_form, new_comment};
use super::frame::{Frame, Visitor};
use super::{page, PageError};
use crate::models::{Article, Comment};

/// The published articles, newest first, with their authors.
fn published() -> QuerySet<Article> {
    Article::objects()
        .filter(Article::IS_PUBLISHED.eq(true))
        .select_related(Article::AUTHOR)
}

/// An article as the pages show it.
pub(crate) struct ArticleView {
    title: String,
    url: String,
    author: String,
    date: String,
    iso_date: String,
    paragraphs: Vec<String>,
    excerpt: String,
    comment_count: i32,
    /// The cover image's URL, if it has one.
    cover_url: Option<String>,
}

impl ArticleView {
    fn new(article: &Article, urls: &Urls) -> ArticleView {
        let author = article.author.get().map_or_else(String::new, display_name);
        ArticleView {
            title: article.title.clone(),
            // A route the router names: only a mistake there fails.
            url: urls
                .reverse("article", &[("slug", &article.slug)])
                .unwrap_or_default(),
            author,
            date: article.published_date.format("%B %-d, %Y").to_string(),
            iso_date: article.published_date.to_rfc3339(),
            paragraphs: paragraphs(&article.content),
            excerpt: excerpt(&article.content, 220),
            comment_count: article.comment_count,
            cover_url: (!article.cover.is_empty())
                .then(|| orm::storage::default_storage().url(&article.cover)),
        }
    }
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn display_name(user: &User) -> String {
    let full = user.full_name();
    if full.trim().is_empty() {
        user.username.clone()
    } else {
        full.trim().to_owned()
    }
}

/// The first `max` characters of `text`, cut at a word, with an ellipsis.
fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

#[derive(Template)]
#[template(path = "article_list.html")]
struct ListTemplate {
    frame: Frame,
    articles: Vec<ArticleView>,
    newer_url: Option<String>,
    older_url: Option<String>,
}

/// A comment as the article's page shows it.
struct CommentView {
    name: String,
    date: String,
    paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "article_detail.html")]
struct DetailTemplate {
    frame: Frame,
    article: ArticleView,
    comments: Vec<CommentView>,
    comment_url: String,
    comment_form: String,
    edit_url: Option<String>,
}

/// `/`.
pub(super) async fn list(
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let query = query.unwrap_or_default();
    // Paged by cursor: every page is one indexed query, at any depth, and
    // no page counts the articles.
    let list = visitor
        .pages
        .db
        .run(move |conn| {
            CursorListView::new(published())
                .paginate_by(10)
                .get(conn, &query)
        })
        .await?;
    let urls = &visitor.pages.urls;
    page(&ListTemplate {
        frame: visitor.frame,
        articles: list
            .objects
            .iter()
            .map(|article| ArticleView::new(article, urls))
            .collect(),
        newer_url: list.previous_url,
        older_url: list.next_url,
    })
}

/// `/articles/<slug>/`.
pub(super) async fn detail(
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    show(visitor, slug, None).await
}

/// The article's page, with `form` as its comment form (sent back with
/// its messages), or an empty one (with the name and address of a
/// logged-in reader).
pub(super) async fn show(
    visitor: Visitor,
    slug: String,
    form: Option<BoundForm<Comment>>,
) -> Result<Response, PageError> {
    let reader = visitor
        .access
        .as_ref()
        .map(|a| (a.user.username.clone(), a.user.email.clone()));
    let wants_empty = form.is_none();
    let (article, comments, empty) = visitor
        .pages
        .db
        .run(move |conn| {
            let article = DetailView::new(published())
                .by_field("slug")
                .get(conn, &slug)?;
            // The count, kept by the comments' signals, spares the query
            // on the many articles nobody commented on yet.
            let comments = if article.comment_count > 0 {
                Comment::objects()
                    .filter(Comment::ARTICLE.eq(article.id) & Comment::IS_APPROVED.eq(true))
                    .all(conn)?
            } else {
                Vec::new()
            };
            let empty = if wants_empty {
                let (name, email) = reader.clone().unwrap_or_default();
                let start = new_comment(article.id, &name, &email);
                Some(comment_form()?.initial(conn, &start)?)
            } else {
                None
            };
            Ok::<_, orm::Error>((article, comments, empty))
        })
        .await?;
    let Some(form) = form.or(empty) else {
        return Err(PageError::Internal("no comment form".into()));
    };
    let urls = &visitor.pages.urls;
    let mine = visitor
        .access
        .as_ref()
        .is_some_and(|a| a.user.id == article.author.id());
    let edit_url = if mine {
        Some(urls.reverse("article_edit", &[("slug", &article.slug)])?)
    } else {
        None
    };
    page(&DetailTemplate {
        comment_url: urls.reverse("comment", &[("slug", &article.slug)])?,
        article: ArticleView::new(&article, urls),
        comments: comments
            .iter()
            .map(|c| CommentView {
                name: c.name.clone(),
                date: c.created.format("%B %-d, %Y").to_string(),
                paragraphs: paragraphs(&c.body),
            })
            .collect(),
        comment_form: as_html(&form),
        edit_url,
        frame: visitor.frame,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("short text", 50), "short text");
        assert_eq!(excerpt("one two three four", 9), "one two…");
        assert_eq!(excerpt("a\n\nb", 10), "a b");
    }
}
