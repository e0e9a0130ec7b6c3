//! The blog's public pages: the published articles, ten a page, and one
//! article by its slug. Built on the generic `CursorListView` and
//! `DetailView`.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use orm::auth::User;
use orm::prelude::*;
use orm::urls::{Routes, Urls};
use orm::views::{CursorListView, DetailView};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::models::Article;

const CSS: &str = include_str!("../static/blog.css");

/// Public pages allow nothing inline and nothing from elsewhere.
const CSP: &str = "default-src 'self'; style-src 'self'; img-src 'self' data:; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// What the pages share: the database, and the paths of the named routes.
#[derive(Clone)]
struct Pages {
    db: Db,
    urls: Urls,
}

/// `/` (`articles`), `/articles/<slug>/` (`article`) and the stylesheet.
pub fn router(db: Db) -> Router {
    let (router, urls) = Routes::new()
        .route("articles", "/", get(article_list))
        .route("article", "/articles/{slug}/", get(article_detail))
        .route("stylesheet", "/static/blog.css", get(stylesheet))
        .into_parts();
    let mut router = router.fallback(not_found).with_state(Pages { db, urls });
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

/// The published articles, newest first, with their authors.
fn published() -> QuerySet<Article> {
    Article::objects()
        .filter(Article::IS_PUBLISHED.eq(true))
        .select_related(Article::AUTHOR)
}

/// An article as the pages show it.
struct ArticleView {
    title: String,
    url: String,
    author: String,
    date: String,
    iso_date: String,
    paragraphs: Vec<String>,
    excerpt: String,
}

impl ArticleView {
    fn new(article: &Article, urls: &Urls) -> ArticleView {
        let author = article.author.get().map_or_else(String::new, display_name);
        let paragraphs: Vec<String> = article
            .content
            .split("\n\n")
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        let excerpt = excerpt(&article.content, 220);
        ArticleView {
            title: article.title.clone(),
            // A route the router above names: only a mistake there fails.
            url: urls
                .reverse("article", &[("slug", &article.slug)])
                .unwrap_or_default(),
            author,
            date: article.published_date.format("%B %-d, %Y").to_string(),
            iso_date: article.published_date.to_rfc3339(),
            paragraphs,
            excerpt,
        }
    }
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
    articles: Vec<ArticleView>,
    newer_url: Option<String>,
    older_url: Option<String>,
}

#[derive(Template)]
#[template(path = "article_detail.html")]
struct DetailTemplate {
    article: ArticleView,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    title: &'static str,
    message: &'static str,
}

async fn article_list(State(pages): State<Pages>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let Pages { db, urls } = pages;
    // Paged by cursor: every page is one indexed query, at any depth, and
    // no page counts the articles.
    let listed = db
        .run(move |conn| {
            CursorListView::new(published())
                .paginate_by(10)
                .get(conn, &query)
        })
        .await;
    match listed {
        Ok(list) => page(&ListTemplate {
            articles: list
                .objects
                .iter()
                .map(|article| ArticleView::new(article, &urls))
                .collect(),
            newer_url: list.previous_url,
            older_url: list.next_url,
        }),
        Err(error) => error_page(&error),
    }
}

async fn article_detail(State(pages): State<Pages>, Path(slug): Path<String>) -> Response {
    let Pages { db, urls } = pages;
    let found = db
        .run(move |conn| {
            DetailView::new(published())
                .by_field("slug")
                .get(conn, &slug)
        })
        .await;
    match found {
        Ok(article) => page(&DetailTemplate {
            article: ArticleView::new(&article, &urls),
        }),
        Err(error) => error_page(&error),
    }
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

async fn not_found() -> Response {
    error_page(&orm::Error::NotFound {
        model: String::new(),
    })
}

fn page(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Server error",
                "Something went wrong on our side.",
            )
        }
    }
}

/// 404 for what is not there, 503 while the database is down, 500 else.
fn error_page(error: &orm::Error) -> Response {
    match error {
        orm::Error::NotFound { .. } => error_response(
            StatusCode::NOT_FOUND,
            "Page not found",
            "There is no page at this address. It may have been unpublished.",
        ),
        e if e.is_unavailable() => {
            tracing::warn!(error = %e, "database unavailable");
            let mut response = error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "Temporarily unavailable",
                "The database cannot be reached right now. Please try again in a few moments.",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            response
        }
        e => {
            tracing::error!(error = %e, "page failed");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Server error",
                "Something went wrong on our side.",
            )
        }
    }
}

fn error_response(status: StatusCode, title: &'static str, message: &'static str) -> Response {
    let body = ErrorTemplate { title, message }
        .render()
        .unwrap_or_else(|_| message.to_owned());
    (status, Html(body)).into_response()
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
