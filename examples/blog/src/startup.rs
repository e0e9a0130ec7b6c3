//! What `runserver` does before serving: apply pending migrations, and on
//! a database without any user, create a superuser with a random password
//! printed once.

use orm_contrib::auth::{make_password, User};
use orm_core::{Db, Model};

use crate::settings::random_text;

/// The superuser created on a database without users.
pub struct FirstUser {
    /// Its username, `admin`.
    pub username: String,
    /// Its random password, shown once.
    pub password: String,
}

/// Creates `admin` with a random password when no user exists at all.
pub async fn ensure_superuser(db: &Db) -> Result<Option<FirstUser>, String> {
    let password = random_text(20);
    let hash = make_password(&password).map_err(|e| e.to_string())?;
    let created = db
        .run(move |conn| {
            orm_core::atomic(conn, |conn| {
                if User::objects().exists(conn)? {
                    return Ok(false);
                }
                let mut user = User::new("admin", "admin@example.com");
                user.password = hash;
                user.is_staff = true;
                user.is_superuser = true;
                user.save(conn)?;
                Ok(true)
            })
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(created.then(|| FirstUser {
        username: "admin".into(),
        password,
    }))
}
