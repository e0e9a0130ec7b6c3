//! The session layer of the admin and of a project's own pages: sessions
//! in the database, in the `sessionid` cookie, for two weeks from the last
//! request, as Django's.

use orm_contrib::auth::KeptAccess;
use orm_contrib::sessions::DbSessionStore;
use orm_core::Db;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Sessions last two weeks from the last request, as Django's.
const SESSION_DAYS: i64 = 14;

/// Sessions kept in `db`, read with the logged-in user's access kept in
/// `access` (one statement for both); `secure` marks the cookie `Secure`.
pub fn session_layer(
    db: Db,
    access: KeptAccess,
    secure: bool,
) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore::new(db).with_access(access))
        .with_name(orm_contrib::auth::session::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::days(SESSION_DAYS),
        ))
}
