//! Password-reset links: the user's id, and a token signed with the
//! site's secret key over what the reset changes (the password hash, the
//! last login), so that a link works once, and for a limited time.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use orm_contrib::auth::User;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The user id as a link carries it (Django's `uidb64`).
pub(crate) fn encode_uid(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.to_string())
}

/// The user id of a link, when it is one.
pub(crate) fn decode_uid(uid: &str) -> Option<i64> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(uid)
        .ok()?;
    std::str::from_utf8(&bytes).ok()?.parse().ok()
}

/// A token for `user`, made at `now`: `{seconds, hex}-{signature}`.
pub(crate) fn make_token(secret: &[u8], user: &User, now: DateTime<Utc>) -> String {
    let at = now.timestamp().max(0);
    format!("{at:x}-{}", signature(secret, user, at))
}

/// Whether `token` was made for `user` as it is now (same password, same
/// last login) and at most `timeout` before `now`.
pub(crate) fn check_token(
    secret: &[u8],
    user: &User,
    token: &str,
    now: DateTime<Utc>,
    timeout: chrono::Duration,
) -> bool {
    let Some((at, signed)) = token.split_once('-') else {
        return false;
    };
    let Ok(at) = i64::from_str_radix(at, 16) else {
        return false;
    };
    let expected = signature(secret, user, at);
    if !bool::from(expected.as_bytes().ct_eq(signed.as_bytes())) {
        return false;
    }
    let age = now.timestamp() - at;
    (0..=timeout.num_seconds()).contains(&age)
}

fn signature(secret: &[u8], user: &User, at: i64) -> String {
    // HMAC takes keys of any length: `new_from_slice` cannot fail here.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    let last_login = user
        .last_login
        .map(|t| t.timestamp_micros().to_string())
        .unwrap_or_default();
    for part in [
        "password-reset",
        &user.id.to_string(),
        &user.password,
        &last_login,
        &user.email,
        &at.to_string(),
    ] {
        mac.update(part.as_bytes());
        mac.update(b"\0");
    }
    mac.finalize().into_bytes()[..20]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_works_for_its_user_until_the_password_changes_or_it_expires() {
        let mut user = User::new("ada", "ada@example.com");
        user.id = 7;
        user.password = "hash-one".into();
        let now = Utc::now();
        let day = chrono::Duration::days(1);
        let token = make_token(b"secret", &user, now);
        assert!(check_token(b"secret", &user, &token, now, day));
        assert!(!check_token(b"other", &user, &token, now, day));
        assert!(!check_token(b"secret", &user, &token, now + day * 2, day));
        assert!(!check_token(b"secret", &user, "zz-00", now, day));
        assert!(!check_token(b"secret", &user, "", now, day));
        let mut other = user.clone();
        other.id = 8;
        assert!(!check_token(b"secret", &other, &token, now, day));
        user.password = "hash-two".into();
        assert!(!check_token(b"secret", &user, &token, now, day), "used");
        assert_eq!(decode_uid(&encode_uid(42)), Some(42));
        assert_eq!(decode_uid("!!"), None);
    }
}
