//! Readers' comments: the form under an article, and posting it. A posted
//! comment waits for a moderator (in the admin); the article's author
//! hears of it by email (see `crate::signals`).

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use orm::prelude::*;
use orm::views::{CreateView, DetailView, Edited, Submitted};

use super::articles::show;
use super::comment_form::{comment_form, new_comment};
use super::frame::Visitor;
use super::PageError;
use crate::models::Article;

/// `POST /articles/<slug>/comments/`: saved and back to the article with
/// a message, or the article's page again with the form's messages and
/// what was typed.
pub(super) async fn post(
    visitor: Visitor,
    Path(slug): Path<String>,
    submitted: Submitted,
) -> Result<Response, PageError> {
    let lookup = slug.clone();
    let article = visitor
        .pages
        .db
        .run(move |conn| {
            DetailView::new(Article::objects().filter(Article::IS_PUBLISHED.eq(true)))
                .by_field("slug")
                .get(conn, &lookup)
        })
        .await?;
    let view = CreateView::new(comment_form()?).initial(new_comment(article.id, "", ""));
    match view.run(&visitor.pages.db, submitted).await? {
        Edited::Done(_) => {
            visitor
                .messages
                .success("Thank you! Your comment will appear once a moderator approves it.")
                .await?;
            let url = visitor
                .pages
                .urls
                .reverse("article", &[("slug", &article.slug)])?;
            Ok(Redirect::to(&format!("{url}#comments")).into_response())
        }
        Edited::Show(form) => show(visitor, slug, Some(form)).await,
    }
}
