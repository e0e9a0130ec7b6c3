//! Who is logged in, kept in a [tower-sessions] session, like Django's
//! `django.contrib.auth.login`: the user id and a fingerprint of their
//! password hash, so that changing the password ends every other session.
//!
//! The fingerprint is an HMAC of the password hash under the site's secret
//! key: the session table never holds the hash itself, and a session made
//! under another key is not accepted.
//!
//! [tower-sessions]: https://docs.rs/tower-sessions

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use tower_sessions::session::Error;
use tower_sessions::Session;

use super::User;

/// The session key holding the logged-in user's id.
pub const USER_ID: &str = "_auth_user_id";
/// The session key holding the fingerprint of their password hash.
pub const USER_HASH: &str = "_auth_user_hash";
/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "sessionid";

/// HMAC-SHA256 of the password hash under the site's secret key, hex.
fn fingerprint(secret: &[u8], password_hash: &str) -> String {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(password_hash.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Logs `user` into `session`: a new session id (the old one stops
/// working), the user id and the password fingerprint.
pub async fn login(session: &Session, secret: &[u8], user: &User) -> Result<(), Error> {
    session.cycle_id().await?;
    session.insert(USER_ID, user.id).await?;
    session
        .insert(USER_HASH, fingerprint(secret, &user.password))
        .await?;
    Ok(())
}

/// Keeps the session valid after the user changed their own password.
pub async fn update_hash(session: &Session, secret: &[u8], user: &User) -> Result<(), Error> {
    session.cycle_id().await?;
    session
        .insert(USER_HASH, fingerprint(secret, &user.password))
        .await?;
    Ok(())
}

/// Ends the session: its data and row are deleted.
pub async fn logout(session: &Session) -> Result<(), Error> {
    session.flush().await?;
    Ok(())
}

/// The user id and fingerprint stored in the session, if logged in.
pub async fn logged_in(session: &Session) -> Result<Option<(i64, String)>, Error> {
    let Some(id) = session.get::<i64>(USER_ID).await? else {
        return Ok(None);
    };
    let hash = session.get::<String>(USER_HASH).await?.unwrap_or_default();
    Ok(Some((id, hash)))
}

/// The data of a session in which `user` is logged in: what [`login`]
/// stores, for a session made outside a request (a test client's
/// `force_login`, a command that hands out a login link).
pub fn session_data(secret: &[u8], user: &User) -> HashMap<String, serde_json::Value> {
    HashMap::from([
        (USER_ID.to_owned(), serde_json::Value::from(user.id)),
        (
            USER_HASH.to_owned(),
            serde_json::Value::from(fingerprint(secret, &user.password)),
        ),
    ])
}

/// Whether the session's fingerprint still matches the user's password.
pub fn hash_matches(secret: &[u8], user: &User, stored: &str) -> bool {
    let expected = fingerprint(secret, &user.password);
    bool::from(expected.as_bytes().ct_eq(stored.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_key_and_hash() {
        let a = fingerprint(b"key", "$argon2id$one");
        assert_eq!(a.len(), 64);
        assert_ne!(a, fingerprint(b"key", "$argon2id$two"));
        assert_ne!(a, fingerprint(b"other", "$argon2id$one"));
    }
}
