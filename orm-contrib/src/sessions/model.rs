//! The `Session` model: one row per session, like Django's
//! `django_session` table.

use std::fmt;

use orm_core::prelude::*;

/// One stored session: its key (the session id as text), the JSON of its
/// record and when it expires.
///
/// Rows are written by [`DbSessionStore`](super::DbSessionStore); create the
/// table with migrations (or [`create_tables`](orm_core::create_tables) with
/// `Session::schema()`).
///
/// `Debug` hides the key and the data: both are secrets.
#[derive(Model, Clone)]
#[model(app_label = "sessions", table = "orm_session")]
pub struct Session {
    /// Row id.
    pub id: i64,
    /// The session id as text: what the session cookie holds.
    #[field(max_length = 64, unique)]
    pub session_key: String,
    /// The JSON of the whole session record.
    #[field(text)]
    pub session_data: String,
    /// When the session stops being valid.
    #[field(index)]
    pub expire_date: DateTime<Utc>,
}

impl Session {
    /// Whether the session has expired at `now` (an expiry equal to `now`
    /// counts as expired).
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expire_date <= now
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("session_key", &"<hidden>")
            .field("session_data", &"<hidden>")
            .field("expire_date", &self.expire_date)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expire_date: DateTime<Utc>) -> Session {
        Session {
            id: 7,
            session_key: "secret-key".into(),
            session_data: "{\"secret\":\"data\"}".into(),
            expire_date,
        }
    }

    #[test]
    fn schema_matches_the_table() {
        let schema = Session::schema();
        assert_eq!(schema.table, "orm_session");
        assert_eq!(schema.app_label, "sessions");
        let key = &schema.fields[schema.field_index("session_key").unwrap()];
        assert!(key.unique);
        assert_eq!(key.max_length, Some(64));
        let expire = &schema.fields[schema.field_index("expire_date").unwrap()];
        assert!(expire.index);
        let data = &schema.fields[schema.field_index("session_data").unwrap()];
        assert_eq!(data.kind, orm_core::schema::FieldKind::Text);
    }

    #[test]
    fn debug_hides_the_key_and_the_data() {
        let text = format!("{:?}", session(Utc::now()));
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("expire_date"), "{text}");
    }

    #[test]
    fn expiry_is_inclusive() {
        let now = Utc::now();
        assert!(session(now).is_expired_at(now));
        assert!(!session(now + chrono::Duration::seconds(1)).is_expired_at(now));
    }
}
