//! The comment form's fields, and a new comment before the form fills it.

use orm::forms::ModelForm;
use orm::prelude::*;

use crate::models::Comment;

/// The fields a reader fills in.
pub(crate) fn comment_form() -> orm::Result<ModelForm<Comment>> {
    ModelForm::fields(&["name", "email", "body"])
}

/// A new comment on `article`, before the form: unapproved.
pub(crate) fn new_comment(article: i64, name: &str, email: &str) -> Comment {
    Comment {
        id: 0,
        article: ForeignKey::new(article),
        name: name.to_owned(),
        email: email.to_owned(),
        body: String::new(),
        created: chrono::Utc::now(),
        is_approved: false,
    }
}
