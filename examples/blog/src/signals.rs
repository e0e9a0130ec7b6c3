//! What happens when comments change: each article keeps its count of
//! approved comments, and its author hears of a new comment by email once
//! the comment is committed.

use std::sync::Once;

use orm::auth::User;
use orm::db::on_commit;
use orm::mail::{send_mail, Email};
use orm::prelude::*;
use orm::signals;

use crate::models::{Article, Comment};

/// Connects the handlers (once, whatever the number of calls).
pub fn connect() {
    static CONNECTED: Once = Once::new();
    CONNECTED.call_once(|| {
        signals::post_save::<Comment>(|conn, comment, created| {
            recount(conn, comment.article.id())?;
            if created {
                notify_author(conn, comment)?;
            }
            Ok(())
        });
        signals::post_delete::<Comment>(|conn, comment| recount(conn, comment.article.id()));
    });
}

/// Stores the article's number of approved comments.
fn recount(conn: &mut AnyConnection, article: i64) -> orm::Result<()> {
    let approved = Comment::objects()
        .filter(Comment::ARTICLE.eq(article) & Comment::IS_APPROVED.eq(true))
        .count(conn)?;
    Article::objects().filter(Article::ID.eq(article)).update(
        conn,
        vec![Article::COMMENT_COUNT.set(i32::try_from(approved).unwrap_or(i32::MAX))],
    )?;
    Ok(())
}

/// Emails the article's author about `comment`, after the commit: a
/// comment that is rolled back sends nothing.
fn notify_author(conn: &mut AnyConnection, comment: &Comment) -> orm::Result<()> {
    let Some(article) = Article::objects()
        .filter(Article::ID.eq(comment.article.id()))
        .first(conn)?
    else {
        return Ok(());
    };
    let Some(author) = User::objects()
        .filter(User::ID.eq(article.author.id()))
        .first(conn)?
    else {
        return Ok(());
    };
    if author.email.is_empty() {
        return Ok(());
    }
    let email = Email::new(
        format!("New comment on “{}”", article.title),
        format!(
            "{name} commented on your article “{title}”:\n\n{body}\n\n\
             It is shown once a moderator approves it in the admin.\n",
            name = comment.name,
            title = article.title,
            body = comment.body,
        ),
        [author.email],
    );
    on_commit(conn, move || {
        if let Err(error) = send_mail(&email) {
            tracing::warn!(%error, "the new-comment email was not sent");
        }
    });
    Ok(())
}
