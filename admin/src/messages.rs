//! One-time messages shown on the next page ("The article was added
//! successfully."), kept in the session across the redirect: Django's
//! messages framework, for the admin and a project's own pages alike.
//!
//! ```no_run
//! use admin::messages::Messages;
//! use axum::response::Redirect;
//!
//! async fn saved(messages: Messages) -> Result<Redirect, admin::AdminError> {
//!     messages.success("Your comment was posted.").await?;
//!     Ok(Redirect::to("/"))
//! }
//!
//! async fn page(messages: Messages) -> Result<String, admin::AdminError> {
//!     // Shown once: taken from the session as they are read.
//!     let shown = messages.take().await?;
//!     Ok(shown.iter().map(|m| format!("{}: {}", m.class(), m.text)).collect())
//! }
//! ```

use axum::extract::FromRequestParts;
use http::request::Parts;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::error::AdminError;

const KEY: &str = "_messages";

/// How a message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something to know.
    Info,
    /// An action succeeded.
    Success,
    /// An action did less than asked.
    Warning,
    /// An action failed.
    Error,
}

/// A message waiting to be shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// How it is shown.
    pub level: Level,
    /// What it says.
    pub text: String,
    /// A part of the text that links to a page: `(url, the part)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<(String, String)>,
}

impl Message {
    /// The text before its link's part, the link, the part, and the text
    /// after it: `None` when the message has no link (or its part is not in
    /// the text). Quotation marks around the part stay outside the link.
    pub fn linked(&self) -> Option<(&str, &str, &str, &str)> {
        let (url, part) = self.link.as_ref()?;
        let at = self.text.find(part.as_str())?;
        let end = at + part.len();
        let (open, close) = ('“'.len_utf8(), '”'.len_utf8());
        let quoted = part.starts_with('“') && part.ends_with('”') && part.len() > open + close;
        let (start, stop) = if quoted {
            (at + open, end - close)
        } else {
            (at, end)
        };
        Some((
            &self.text[..start],
            url,
            &self.text[start..stop],
            &self.text[stop..],
        ))
    }

    /// The CSS class of its level.
    pub fn class(&self) -> &'static str {
        match self.level {
            Level::Info => "info",
            Level::Success => "success",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Queues a message for the next page.
pub(crate) async fn add(
    session: &Session,
    level: Level,
    text: impl Into<String>,
) -> Result<(), AdminError> {
    queue(session, level, text.into(), None).await
}

/// Queues a message whose `part` links to `url` (the object a success
/// message names, as Django's admin links it).
pub(crate) async fn add_linked(
    session: &Session,
    level: Level,
    text: String,
    url: String,
    part: String,
) -> Result<(), AdminError> {
    queue(session, level, text, Some((url, part))).await
}

async fn queue(
    session: &Session,
    level: Level,
    text: String,
    link: Option<(String, String)>,
) -> Result<(), AdminError> {
    let mut queued: Vec<Message> = session.get(KEY).await?.unwrap_or_default();
    queued.push(Message { level, text, link });
    session.insert(KEY, queued).await?;
    Ok(())
}

/// Takes every queued message (they are shown once). The session is only
/// written when there were some.
pub(crate) async fn take(session: &Session) -> Result<Vec<Message>, AdminError> {
    let queued: Option<Vec<Message>> = session.get(KEY).await?;
    if queued.is_some() {
        session.remove_value(KEY).await?;
    }
    Ok(queued.unwrap_or_default())
}

/// The messages of a request's session: an extractor for a project's own
/// handlers (the session layer must run before them, as [`crate::router`]'s
/// and the site's do).
#[derive(Clone, Debug)]
pub struct Messages(Session);

impl Messages {
    /// Messages kept in `session`.
    pub fn new(session: Session) -> Messages {
        Messages(session)
    }

    /// Queues a message of `level` for the next page shown.
    pub async fn add(&self, level: Level, text: impl Into<String>) -> Result<(), AdminError> {
        add(&self.0, level, text).await
    }

    /// Queues an information message.
    pub async fn info(&self, text: impl Into<String>) -> Result<(), AdminError> {
        self.add(Level::Info, text).await
    }

    /// Queues a success message.
    pub async fn success(&self, text: impl Into<String>) -> Result<(), AdminError> {
        self.add(Level::Success, text).await
    }

    /// Queues a warning.
    pub async fn warning(&self, text: impl Into<String>) -> Result<(), AdminError> {
        self.add(Level::Warning, text).await
    }

    /// Queues an error message.
    pub async fn error(&self, text: impl Into<String>) -> Result<(), AdminError> {
        self.add(Level::Error, text).await
    }

    /// Takes every queued message, to show them: each is shown once.
    pub async fn take(&self) -> Result<Vec<Message>, AdminError> {
        take(&self.0).await
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Messages {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AdminError> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .map(Messages)
            .ok_or_else(|| AdminError::Internal("the session layer is missing".into()))
    }
}
