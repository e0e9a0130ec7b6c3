//! One-time messages shown on the next page ("The article was added
//! successfully."), kept in the session across the redirect.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::error::AdminError;

const KEY: &str = "_messages";

/// How a message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Success,
    Warning,
    Error,
}

/// A message waiting to be shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Message {
    pub(crate) level: Level,
    pub(crate) text: String,
    /// A part of the text that links to a page: `(url, the part)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) link: Option<(String, String)>,
}

impl Message {
    /// The text before its link's part, the link, the part, and the text
    /// after it: `None` when the message has no link (or its part is not in
    /// the text). Quotation marks around the part stay outside the link.
    pub(crate) fn linked(&self) -> Option<(&str, &str, &str, &str)> {
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
    pub(crate) fn class(&self) -> &'static str {
        match self.level {
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
