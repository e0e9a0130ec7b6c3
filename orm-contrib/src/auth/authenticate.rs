//! Checking a username and password, Django's `authenticate()`.

use chrono::Utc;
use orm_core::db::AnyConnection;
use orm_core::model::Model;
use orm_core::Result;

use super::password::{check_password_and_upgrade, check_password_for_unknown_user};
use super::User;

/// The active user with this username and password, or `None`.
///
/// An unknown username costs one password verification too, so the time
/// taken does not tell whether the user exists. An old hash is upgraded;
/// `last_login` is set. Logs name the user id, never a password, hash or
/// session id.
pub fn authenticate(
    conn: &mut AnyConnection,
    username: &str,
    password: &str,
) -> Result<Option<User>> {
    let found = User::objects()
        .filter(User::USERNAME.eq(username))
        .first(conn)?;
    let Some(mut user) = found else {
        check_password_for_unknown_user(password);
        tracing::info!("login failed: unknown username");
        return Ok(None);
    };
    if !check_password_and_upgrade(&mut user, password, conn)? {
        tracing::info!(user_id = user.id, "login failed: wrong password");
        return Ok(None);
    }
    if !user.is_active {
        tracing::info!(user_id = user.id, "login refused: inactive user");
        return Ok(None);
    }
    let now = Utc::now();
    User::objects()
        .filter(User::ID.eq(user.id))
        .update(conn, vec![User::LAST_LOGIN.set(Some(now))])?;
    user.last_login = Some(now);
    tracing::info!(user_id = user.id, "login succeeded");
    Ok(Some(user))
}
