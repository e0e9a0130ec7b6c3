//! Writing articles on the public site: any logged-in user writes new
//! ones, and edits their own (drafts too); someone else's is a 403.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use orm::accounts::LoginRequired;
use orm::forms::{as_html, ModelForm};
use orm::prelude::*;
use orm::views::{CreateView, Edited, Submitted, UpdateView};

use super::frame::{Frame, Visitor};
use super::{page, PageError};
use crate::models::Article;

/// The fields an author fills in.
fn article_form() -> orm::Result<ModelForm<Article>> {
    ModelForm::fields(&["title", "slug", "content", "cover", "is_published"])
}

#[derive(Template)]
#[template(path = "article_form.html")]
struct FormTemplate {
    frame: Frame,
    heading: String,
    form_html: String,
    cancel_url: String,
}

/// After saving: the article's page when it is published, else its form
/// again (a draft has no public page), with a message.
async fn saved(visitor: &Visitor, article: &Article, verb: &str) -> Result<Response, PageError> {
    let urls = &visitor.pages.urls;
    let (target, note) = if article.is_published {
        (urls.reverse("article", &[("slug", &article.slug)])?, "")
    } else {
        (
            urls.reverse("article_edit", &[("slug", &article.slug)])?,
            " It is a draft: only you can see it, until you publish it.",
        )
    };
    visitor
        .messages
        .success(format!("“{}” was {verb}.{note}", article.title))
        .await?;
    Ok(Redirect::to(&target).into_response())
}

/// `/articles/new/`.
pub(super) async fn new(
    LoginRequired(me): LoginRequired,
    visitor: Visitor,
    submitted: Submitted,
) -> Result<Response, PageError> {
    let now = chrono::Utc::now();
    let start = Article {
        id: 0,
        title: String::new(),
        slug: String::new(),
        author: ForeignKey::new(me.user.id),
        content: String::new(),
        published_date: now,
        updated_date: now,
        is_published: false,
        comment_count: 0,
        cover: String::new(),
    };
    let view = CreateView::new(article_form()?).initial(start);
    match view.run(&visitor.pages.db, submitted).await? {
        Edited::Done(article) => saved(&visitor, &article, "saved").await,
        Edited::Show(form) => page(&FormTemplate {
            heading: "Write an article".to_owned(),
            form_html: as_html(&form),
            cancel_url: visitor.pages.urls.reverse("articles", &[])?,
            frame: visitor.frame,
        }),
    }
}

/// `/articles/<slug>/edit/`: the author's own article only.
pub(super) async fn edit(
    LoginRequired(me): LoginRequired,
    visitor: Visitor,
    Path(slug): Path<String>,
    submitted: Submitted,
) -> Result<Response, PageError> {
    let article = visitor
        .pages
        .db
        .run(move |conn| {
            Article::objects()
                .filter(Article::SLUG.eq(slug.as_str()))
                .get(conn)
        })
        .await?;
    if article.author.id() != me.user.id {
        return Err(PageError::Forbidden);
    }
    let cancel_url = if article.is_published {
        visitor
            .pages
            .urls
            .reverse("article", &[("slug", &article.slug)])?
    } else {
        visitor.pages.urls.reverse("articles", &[])?
    };
    let heading = format!("Edit “{}”", article.title);
    match UpdateView::new(article_form()?)
        .run(&visitor.pages.db, article, submitted)
        .await?
    {
        Edited::Done(article) => saved(&visitor, &article, "updated").await,
        Edited::Show(form) => page(&FormTemplate {
            heading,
            form_html: as_html(&form),
            cancel_url,
            frame: visitor.frame,
        }),
    }
}
