//! Built-in authentication models, like `django.contrib.auth`: [`User`],
//! [`Group`], [`Permission`], password hashing and checks, and the
//! `createsuperuser` and `changepassword` [`commands`]. Their tables come
//! from [`migrations`] (app label `auth`).

pub(crate) mod access;
mod authenticate;
#[cfg(feature = "cli")]
mod cli;
pub mod commands;
mod group;
pub mod password;
mod permission;
pub mod permissions;
pub mod session;
mod user;
pub mod username;
pub mod validators;

use orm_migrations::{embed_migrations, MigrationSource};

pub use access::{Access, Granted, KeptAccess, SessionAccessError};
pub use authenticate::authenticate;
#[cfg(feature = "cli")]
pub use cli::AuthCommand;
pub use group::{Group, GroupPermissions};
pub use password::{
    check_password, check_password_and_upgrade, check_password_for_unknown_user, is_usable,
    make_password, make_unusable_password, needs_rehash, Hasher, PasswordError,
    UNUSABLE_PASSWORD_PREFIX,
};
pub use permission::Permission;
pub use permissions::{create_permissions, default_permissions};
pub use user::{User, UserGroups, UserUserPermissions};
pub use validators::{
    default_validators, password_help_texts, validate_password, PasswordValidator,
};

/// The migrations of the `auth` app, which user apps with a foreign key to
/// [`User`] depend on. After migrating, `migrate` creates the default
/// permissions of every model ([`create_permissions`]).
pub fn migrations() -> MigrationSource {
    const AUTH: MigrationSource = embed_migrations!("auth", "src/auth/migrations")
        .with_post_migrate(permissions::post_migrate);
    AUTH
}
