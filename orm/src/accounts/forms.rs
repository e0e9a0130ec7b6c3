//! The forms of the account pages.

use orm_core::prelude::*;

/// Logging in.
#[derive(Form, Debug)]
pub struct LoginForm {
    /// The username.
    #[field(max_length = 150)]
    pub username: String,
    /// The password (at most 4096 characters: hashing is costly).
    #[field(max_length = 4096)]
    pub password: String,
}

/// Changing one's password.
#[derive(Form, Debug)]
pub struct PasswordChangeForm {
    /// The password now.
    #[field(max_length = 4096)]
    pub old_password: String,
    /// The new one.
    #[field(max_length = 4096, verbose_name = "new password")]
    pub new_password1: String,
    /// The new one again.
    #[field(max_length = 4096, verbose_name = "new password confirmation")]
    pub new_password2: String,
}

/// Asking for a password-reset link.
#[derive(Form, Debug)]
pub struct PasswordResetForm {
    /// Where the link is sent.
    #[field(email)]
    pub email: String,
}

/// Choosing a new password from a reset link.
#[derive(Form, Debug)]
pub struct SetPasswordForm {
    /// The new password.
    #[field(max_length = 4096, verbose_name = "new password")]
    pub new_password1: String,
    /// The new password again.
    #[field(max_length = 4096, verbose_name = "new password confirmation")]
    pub new_password2: String,
}

/// Checks two new passwords: the same, and passing the password
/// validators; the messages go beside the second.
pub(crate) fn check_new_password<T>(
    form: &mut orm_core::forms::BoundForm<T>,
    user: &orm_contrib::auth::User,
) {
    let one = form.text("new_password1").to_owned();
    let two = form.text("new_password2").to_owned();
    if one.is_empty() || !form.errors().get("new_password2").is_empty() {
        return;
    }
    if one != two {
        form.add_error(
            Some("new_password2"),
            "The two password fields didn’t match.",
        );
        return;
    }
    if let Err(problems) = orm_contrib::auth::validate_password(&one, Some(user)) {
        for problem in problems {
            form.add_error(Some("new_password2"), problem);
        }
    }
}
