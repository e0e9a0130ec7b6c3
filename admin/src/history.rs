//! The admin log: who added, changed or deleted which object, when, and
//! which fields changed (Django's `LogEntry`).

use orm_contrib::auth::User;
use orm_core::prelude::*;
use orm_core::AnyConnection;

use crate::site::AdminModel;

/// One admin action on one object.
#[derive(Model, Debug, Clone)]
#[model(
    app_label = "admin",
    table = "admin_logentry",
    ordering = ["-action_time"],
    verbose_name = "log entry",
    verbose_name_plural = "log entries",
    indexes(["app_label", "model_name", "object_id"])
)]
pub struct LogEntry {
    /// Row id.
    pub id: i64,
    /// When it happened.
    #[field(auto_now_add)]
    pub action_time: DateTime<Utc>,
    /// Who did it.
    #[field(on_delete = Cascade)]
    pub user: ForeignKey<User>,
    /// The object's app, e.g. `blog`.
    #[field(max_length = 100)]
    pub app_label: String,
    /// The object's model, lower case, e.g. `article`.
    #[field(max_length = 100)]
    pub model_name: String,
    /// The object's primary key, as text.
    #[field(max_length = 255)]
    pub object_id: String,
    /// The object's `Display` at the time.
    #[field(max_length = 200)]
    pub object_repr: String,
    /// 1 added, 2 changed, 3 deleted ([`ActionFlag`]).
    pub action_flag: i16,
    /// What changed, e.g. `Changed title and content.`
    #[field(text, blank)]
    pub change_message: String,
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionFlag {
    /// The object was added.
    Addition = 1,
    /// The object was changed.
    Change = 2,
    /// The object was deleted.
    Deletion = 3,
}

impl LogEntry {
    /// The action, when the flag is a known one.
    pub fn action(&self) -> Option<ActionFlag> {
        match self.action_flag {
            1 => Some(ActionFlag::Addition),
            2 => Some(ActionFlag::Change),
            3 => Some(ActionFlag::Deletion),
            _ => None,
        }
    }

    /// The change message, or a sentence for the action.
    pub fn message(&self) -> String {
        if !self.change_message.is_empty() {
            return self.change_message.clone();
        }
        match self.action() {
            Some(ActionFlag::Addition) => "Added.".to_owned(),
            Some(ActionFlag::Change) => "No fields changed.".to_owned(),
            Some(ActionFlag::Deletion) => "Deleted.".to_owned(),
            None => String::new(),
        }
    }
}

/// Writes one log entry.
pub(crate) fn record(
    conn: &mut AnyConnection,
    user_id: i64,
    model: &AdminModel,
    object_id: &str,
    repr: &str,
    flag: ActionFlag,
    message: String,
) -> orm_core::Result<()> {
    let mut entry = LogEntry {
        id: 0,
        action_time: Utc::now(),
        user: ForeignKey::new(user_id),
        app_label: model.schema.app_label.to_string(),
        model_name: model.model_name.clone(),
        object_id: object_id.chars().take(255).collect(),
        object_repr: repr.chars().take(200).collect(),
        action_flag: flag as i16,
        change_message: message,
    };
    entry.save(conn)
}

/// `Changed title and content.` from the labels of the changed fields.
pub(crate) fn change_message(changed: &[String]) -> String {
    match changed {
        [] => "No fields changed.".to_owned(),
        [one] => format!("Changed {one}."),
        [rest @ .., last] => format!("Changed {} and {last}.", rest.join(", ")),
    }
}

/// The log of one object, oldest first, with the users' names.
pub(crate) fn object_history(
    conn: &mut AnyConnection,
    model: &AdminModel,
    object_id: &str,
) -> orm_core::Result<Vec<LogEntry>> {
    LogEntry::objects()
        .filter(LogEntry::APP_LABEL.eq(model.schema.app_label.to_string()))
        .filter(LogEntry::MODEL_NAME.eq(model.model_name.clone()))
        .filter(LogEntry::OBJECT_ID.eq(object_id.to_owned()))
        .order_by([LogEntry::ACTION_TIME.asc(), LogEntry::ID.asc()])
        .select_related(LogEntry::USER)
        .all(conn)
}

/// The user's latest actions, newest first.
pub(crate) fn recent_actions(
    conn: &mut AnyConnection,
    user_id: i64,
    limit: i64,
) -> orm_core::Result<Vec<LogEntry>> {
    LogEntry::objects()
        .filter(LogEntry::USER.eq(user_id))
        .order_by([LogEntry::ACTION_TIME.desc(), LogEntry::ID.desc()])
        .limit(limit)
        .all(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_messages_read_as_sentences() {
        assert_eq!(change_message(&[]), "No fields changed.");
        assert_eq!(change_message(&["title".into()]), "Changed title.");
        assert_eq!(
            change_message(&["title".into(), "slug".into(), "content".into()]),
            "Changed title, slug and content."
        );
    }
}
