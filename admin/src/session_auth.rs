//! Who is logged in: the user id and a fingerprint of their password hash
//! in the session, so that changing the password ends every other session.

use hmac::{Hmac, Mac};
use orm_contrib::auth::User;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::error::AdminError;

const USER_ID: &str = "_auth_user_id";
const USER_HASH: &str = "_auth_user_hash";

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
pub(crate) async fn login(session: &Session, secret: &[u8], user: &User) -> Result<(), AdminError> {
    session.cycle_id().await?;
    session.insert(USER_ID, user.id).await?;
    session
        .insert(USER_HASH, fingerprint(secret, &user.password))
        .await?;
    Ok(())
}

/// Keeps the session valid after the user changed their own password.
pub(crate) async fn update_hash(
    session: &Session,
    secret: &[u8],
    user: &User,
) -> Result<(), AdminError> {
    session.cycle_id().await?;
    session
        .insert(USER_HASH, fingerprint(secret, &user.password))
        .await?;
    Ok(())
}

/// Ends the session: its data and row are deleted.
pub(crate) async fn logout(session: &Session) -> Result<(), AdminError> {
    session.flush().await?;
    Ok(())
}

/// The user id and fingerprint stored in the session, if logged in.
pub(crate) async fn logged_in(session: &Session) -> Result<Option<(i64, String)>, AdminError> {
    let Some(id) = session.get::<i64>(USER_ID).await? else {
        return Ok(None);
    };
    let hash = session.get::<String>(USER_HASH).await?.unwrap_or_default();
    Ok(Some((id, hash)))
}

/// Whether the session's fingerprint still matches the user's password.
pub(crate) fn hash_matches(secret: &[u8], user: &User, stored: &str) -> bool {
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
