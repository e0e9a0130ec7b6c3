//! The blog's public pages: the published articles, ten a page, one
//! article with its approved comments and a form to add one; and, for
//! logged-in users, pages to write articles and edit their own. Built on
//! the generic views (`CursorListView`, `DetailView`, `CreateView`,
//! `UpdateView`, `FormView`), with the account pages in the blog's look.

mod account_pages;
mod articles;
mod comment_form;
mod comments;
mod frame;
mod writing;

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use orm::prelude::*;
use orm::urls::{Routes, Urls};
use tower_http::set_header::SetResponseHeaderLayer;

pub use account_pages::BlogAccountPages;

const CSS: &str = include_str!("../../static/blog.css");

/// Public pages allow nothing inline and nothing from elsewhere.
const CSP: &str = "default-src 'self'; style-src 'self'; img-src 'self' data:; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// What the pages share: the database, and the paths of the named routes.
#[derive(Clone)]
pub(crate) struct Pages {
    db: Db,
    urls: Urls,
}

/// `/` (`articles`), `/articles/<slug>/` (`article`), its comments
/// (`comment`), writing (`article_new`) and editing (`article_edit`), and
/// the stylesheet.
pub fn router(db: Db) -> Router {
    let (router, urls) = Routes::new()
        .route("articles", "/", get(articles::list))
        .route(
            "article_new",
            "/articles/new/",
            get(writing::new).post(writing::new),
        )
        .route("article", "/articles/{slug}/", get(articles::detail))
        .route(
            "article_edit",
            "/articles/{slug}/edit/",
            get(writing::edit).post(writing::edit),
        )
        .route(
            "comment",
            "/articles/{slug}/comments/",
            axum::routing::post(comments::post),
        )
        .route("stylesheet", "/static/blog.css", get(stylesheet))
        .into_parts();
    let router = router.fallback(not_found).with_state(Pages { db, urls });
    with_headers(router)
}

/// The security headers of the blog's pages (the account pages' too).
pub(crate) fn with_headers(mut router: Router) -> Router {
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
    PageError::from(orm::Error::NotFound {
        model: String::new(),
    })
    .into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    frame: frame::Frame,
    title: &'static str,
    message: &'static str,
}

/// Why a page is not shown: the error page, with its status.
#[derive(Debug)]
pub(crate) enum PageError {
    /// The database failed, or found nothing.
    Orm(orm::Error),
    /// The visitor may not do this.
    Forbidden,
    /// A template or the session failed.
    Internal(String),
}

impl From<orm::Error> for PageError {
    fn from(error: orm::Error) -> PageError {
        PageError::Orm(error)
    }
}

impl From<orm::admin::AdminError> for PageError {
    fn from(error: orm::admin::AdminError) -> PageError {
        PageError::Internal(error.to_string())
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> PageError {
        PageError::Internal(error.to_string())
    }
}

impl From<orm::urls::ReverseError> for PageError {
    fn from(error: orm::urls::ReverseError) -> PageError {
        PageError::Internal(error.to_string())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Orm(orm::Error::NotFound { .. }) => error_response(
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address. It may have been unpublished.",
            ),
            PageError::Orm(e) if e.is_unavailable() => {
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
            PageError::Forbidden => error_response(
                StatusCode::FORBIDDEN,
                "Not yours to change",
                "Only an article's author may edit it.",
            ),
            PageError::Orm(e) => internal(&e.to_string()),
            PageError::Internal(e) => internal(&e),
        }
    }
}

fn internal(error: &str) -> Response {
    tracing::error!(%error, "page failed");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Server error",
        "Something went wrong on our side.",
    )
}

/// The page of `template`.
pub(crate) fn page(template: &impl Template) -> Result<Response, PageError> {
    Ok(Html(template.render()?).into_response())
}

fn error_response(status: StatusCode, title: &'static str, message: &'static str) -> Response {
    let body = ErrorTemplate {
        frame: frame::Frame {
            login_url: "/accounts/login/".to_owned(),
            ..frame::Frame::default()
        },
        title,
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_owned());
    (status, Html(body)).into_response()
}
