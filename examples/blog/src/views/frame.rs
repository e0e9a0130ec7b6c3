//! What every page of the blog shows around its content: who is logged in
//! (with links to write, log in or out), the messages, the CSRF input of
//! its forms.

use axum::extract::{FromRequestParts, OriginalUri};
use http::request::Parts;
use orm::accounts::{Accounts, CurrentUser};
use orm::auth::Access;
use orm::csrf::CsrfToken;
use orm::messages::{Message, Messages};

use super::{PageError, Pages};

/// The header's and the forms' values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Frame {
    /// The logged-in user's name.
    pub(crate) user: Option<String>,
    /// The hidden input of the page's forms.
    pub(crate) csrf_input: String,
    /// Messages queued for this page.
    pub(crate) messages: Vec<Message>,
    /// The login page, coming back here.
    pub(crate) login_url: String,
}

/// A request's visitor: the page frame, who they are, the shared state.
pub(crate) struct Visitor {
    pub(crate) frame: Frame,
    pub(crate) access: Option<Access>,
    pub(crate) messages: Messages,
    pub(crate) pages: Pages,
}

impl FromRequestParts<Pages> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, pages: &Pages) -> Result<Self, PageError> {
        let CurrentUser(access) = CurrentUser::from_request_parts(parts, pages)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let csrf = CsrfToken::from_request_parts(parts, pages).await?;
        let messages = Messages::from_request_parts(parts, pages).await?;
        let here = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |uri| uri.path().to_owned());
        let accounts = Accounts::from_request_parts(parts, pages)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let frame = Frame {
            user: access.as_ref().map(|a| a.user.username.clone()),
            csrf_input: csrf.input(),
            messages: messages.take().await?,
            login_url: accounts.login_url(&here),
        };
        Ok(Visitor {
            frame,
            access,
            messages,
            pages: pages.clone(),
        })
    }
}
