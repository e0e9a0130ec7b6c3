//! The built-in `User` model.

use std::fmt;

use orm_core::prelude::*;

use super::{Group, Permission};

/// A person who can log in, like Django's `auth.User`.
///
/// `password` holds a PHC-format hash, never the password itself.
#[derive(Model, Clone, serde::Serialize)]
#[model(
    app_label = "auth",
    table = "auth_user",
    ordering = ["username"],
    display = "{username}"
)]
#[admin(
    list_display = ["username", "email", "first_name", "last_name", "is_staff"],
    list_filter = ["is_staff", "is_superuser", "is_active"],
    search_fields = ["username", "first_name", "last_name", "email"],
    readonly_fields = ["last_login", "date_joined"],
    fields = [
        "username", "first_name", "last_name", "email", "is_active", "is_staff",
        "is_superuser", "groups", "user_permissions", "last_login", "date_joined"
    ],
)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// The password hash (PHC string).
    #[serde(skip)]
    #[field(max_length = 128, editable = false)]
    pub password: String,
    /// When the user last logged in.
    pub last_login: Option<DateTime<Utc>>,
    /// Has every permission without being given them.
    #[field(
        default = false,
        help_text = "Designates that this user has all permissions without explicitly assigning them."
    )]
    pub is_superuser: bool,
    /// The login name.
    #[field(
        max_length = 150,
        unique,
        help_text = "Required. 150 characters or fewer."
    )]
    pub username: String,
    /// Given name.
    #[field(max_length = 150, blank)]
    pub first_name: String,
    /// Family name.
    #[field(max_length = 150, blank)]
    pub last_name: String,
    /// E-mail address.
    #[field(email, blank, verbose_name = "email address")]
    pub email: String,
    /// May log into the admin.
    #[field(
        default = false,
        verbose_name = "staff status",
        help_text = "Designates whether the user can log into this admin site."
    )]
    pub is_staff: bool,
    /// Inactive users cannot log in.
    #[field(
        default = true,
        verbose_name = "active",
        help_text = "Designates whether this user should be treated as active. Unselect this instead of deleting accounts."
    )]
    pub is_active: bool,
    /// When the account was created.
    #[field(auto_now_add)]
    pub date_joined: DateTime<Utc>,
    /// The groups the user belongs to; they get every permission of each.
    #[field(
        blank,
        help_text = "The groups this user belongs to. A user will get all permissions granted to each of their groups."
    )]
    pub groups: ManyToMany<Group>,
    /// Permissions given to this user directly.
    #[field(
        blank,
        verbose_name = "user permissions",
        help_text = "Specific permissions for this user."
    )]
    pub user_permissions: ManyToMany<Permission>,
}

impl User {
    /// A new, unsaved, active user with no usable password.
    pub fn new(username: impl Into<String>, email: impl Into<String>) -> User {
        User {
            id: 0,
            password: String::new(),
            last_login: None,
            is_superuser: false,
            username: username.into(),
            first_name: String::new(),
            last_name: String::new(),
            email: email.into(),
            is_staff: false,
            is_active: true,
            date_joined: Utc::now(),
            groups: ManyToMany::new(),
            user_permissions: ManyToMany::new(),
        }
    }

    /// First and last name, or the username when both are empty.
    pub fn full_name(&self) -> String {
        let full = format!("{} {}", self.first_name, self.last_name);
        match full.trim() {
            "" => self.username.clone(),
            name => name.to_owned(),
        }
    }
}

/// Shows everything but the password hash, which must never reach a log.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("email", &self.email)
            .field("is_active", &self.is_active)
            .field("is_staff", &self.is_staff)
            .field("is_superuser", &self.is_superuser)
            .field("last_login", &self.last_login)
            .field("password", &"<hidden>")
            .finish_non_exhaustive()
    }
}
