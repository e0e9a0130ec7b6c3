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
}

impl Message {
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
    let mut queued: Vec<Message> = session.get(KEY).await?.unwrap_or_default();
    queued.push(Message {
        level,
        text: text.into(),
    });
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
