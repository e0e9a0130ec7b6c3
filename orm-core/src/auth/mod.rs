//! Built-in authentication models, like `django.contrib.auth`.

mod authenticate;
mod group;
pub mod password;
mod permission;
pub mod permissions;
mod user;
pub mod username;
pub mod validators;

pub use authenticate::authenticate;
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
