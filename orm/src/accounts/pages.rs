//! The account pages' HTML: [`AccountPages`] renders each page from its
//! context; a project overrides any of them with its own templates (the
//! others keep the built-in ones), and the text of the reset email.

use askama::Template;
use orm_core::forms::BoundForm;

use super::forms::{LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm};
use crate::forms::as_html;
use crate::mail::Email;

/// The paths of the account pages, for links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountUrls {
    /// The login page.
    pub login: String,
    /// Logging out (a POST).
    pub logout: String,
    /// Changing one's password.
    pub password_change: String,
    /// Asking for a reset link.
    pub password_reset: String,
}

/// What every account page knows.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page's title (also its heading).
    pub title: String,
    /// The hidden input carrying the CSRF token, for its forms.
    pub csrf_input: String,
    /// The logged-in user's name, if any.
    pub username: Option<String>,
    /// Where the account pages are.
    pub urls: AccountUrls,
}

/// The login page.
#[derive(Debug)]
pub struct LoginPage {
    /// The frame.
    pub page: Page,
    /// The form, with what was typed (never the password) and the messages.
    pub form: BoundForm<LoginForm>,
    /// Where to go after logging in.
    pub next: String,
}

/// A page with a form: the password change and the reset pages.
#[derive(Debug)]
pub struct FormPage<F> {
    /// The frame.
    pub page: Page,
    /// The form.
    pub form: BoundForm<F>,
    /// What the new password must be like (for the password forms).
    pub help: Vec<String>,
}

/// The page of a reset link: its form, or `None` when the link is not
/// valid (used already, expired or altered).
#[derive(Debug)]
pub struct ResetConfirmPage {
    /// The frame.
    pub page: Page,
    /// The form, when the link is valid.
    pub form: Option<BoundForm<SetPasswordForm>>,
    /// What the new password must be like.
    pub help: Vec<String>,
}

/// The email carrying a reset link.
#[derive(Debug, Clone)]
pub struct ResetEmail {
    /// Where it goes.
    pub to: String,
    /// The user's name.
    pub username: String,
    /// The link, absolute.
    pub url: String,
    /// The site, as the request named it (its `Host`).
    pub domain: String,
}

/// Renders the account pages. Every method has a built-in page; implement
/// the trait on a type of the project's to replace some of them:
///
/// ```
/// use orm::accounts::{AccountPages, LoginPage};
///
/// struct MyPages;
///
/// impl AccountPages for MyPages {
///     fn login(&self, page: &LoginPage) -> Result<String, askama::Error> {
///         Ok(format!("<h1>Welcome back</h1>{}", orm::forms::as_html(&page.form)))
///     }
/// }
/// ```
pub trait AccountPages: Send + Sync + 'static {
    /// The login form.
    fn login(&self, page: &LoginPage) -> Result<String, askama::Error> {
        LoginTemplate {
            page: &page.page,
            form_html: as_html(&page.form),
            next: &page.next,
        }
        .render()
    }

    /// After logging out.
    fn logged_out(&self, page: &Page) -> Result<String, askama::Error> {
        message(
            page,
            "Thanks for spending some quality time with the site today.",
            Some((page.urls.login.clone(), "Log in again".to_owned())),
        )
    }

    /// The password change form.
    fn password_change(
        &self,
        page: &FormPage<PasswordChangeForm>,
    ) -> Result<String, askama::Error> {
        FormTemplate {
            page: &page.page,
            intro: "Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly.",
            action: &page.page.urls.password_change,
            form_html: as_html(&page.form),
            help: &page.help,
            button: "Change my password",
        }
        .render()
    }

    /// After the password was changed.
    fn password_change_done(&self, page: &Page) -> Result<String, askama::Error> {
        message(page, "Your password was changed.", None)
    }

    /// The form asking for a reset link.
    fn password_reset(&self, page: &FormPage<PasswordResetForm>) -> Result<String, askama::Error> {
        FormTemplate {
            page: &page.page,
            intro: "Forgotten your password? Enter your email address below, and we’ll email instructions for setting a new one.",
            action: &page.page.urls.password_reset,
            form_html: as_html(&page.form),
            help: &page.help,
            button: "Reset my password",
        }
        .render()
    }

    /// After asking for a link (whether or not the address is known).
    fn password_reset_done(&self, page: &Page) -> Result<String, askama::Error> {
        message(
            page,
            "We’ve emailed you instructions for setting your password, if an account exists with the email you entered. You should receive them shortly.",
            None,
        )
    }

    /// The page of a reset link.
    fn password_reset_confirm(&self, page: &ResetConfirmPage) -> Result<String, askama::Error> {
        match &page.form {
            Some(form) => FormTemplate {
                page: &page.page,
                intro: "Please enter your new password twice so we can verify you typed it in correctly.",
                action: "",
                form_html: as_html(form),
                help: &page.help,
                button: "Change my password",
            }
            .render(),
            None => message(
                &page.page,
                "The password reset link was invalid, possibly because it has already been used. Please request a new password reset.",
                Some((page.page.urls.password_reset.clone(), "Request a new link".to_owned())),
            ),
        }
    }

    /// After the new password was set.
    fn password_reset_complete(&self, page: &Page) -> Result<String, askama::Error> {
        message(
            page,
            "Your password has been set. You may go ahead and log in now.",
            Some((page.urls.login.clone(), "Log in".to_owned())),
        )
    }

    /// The email with the reset link.
    fn password_reset_email(&self, email: &ResetEmail) -> Email {
        let body = format!(
            "You're receiving this email because you requested a password reset for your user account at {domain}.\n\n\
             Please go to the following page and choose a new password:\n\n{url}\n\n\
             Your username, in case you've forgotten: {username}\n\n\
             If you did not ask for this, you may ignore this email: your password stays as it is.\n",
            domain = email.domain,
            url = email.url,
            username = email.username,
        );
        Email::new(
            format!("Password reset on {}", email.domain),
            body,
            [email.to.clone()],
        )
    }
}

/// The built-in pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultPages;

impl AccountPages for DefaultPages {}

#[derive(Template)]
#[template(path = "orm/accounts/login.html")]
struct LoginTemplate<'a> {
    page: &'a Page,
    form_html: String,
    next: &'a str,
}

#[derive(Template)]
#[template(path = "orm/accounts/form.html")]
struct FormTemplate<'a> {
    page: &'a Page,
    intro: &'a str,
    action: &'a str,
    form_html: String,
    help: &'a [String],
    button: &'a str,
}

#[derive(Template)]
#[template(path = "orm/accounts/message.html")]
struct MessageTemplate<'a> {
    page: &'a Page,
    text: &'a str,
    link: Option<(String, String)>,
}

fn message(
    page: &Page,
    text: &str,
    link: Option<(String, String)>,
) -> Result<String, askama::Error> {
    MessageTemplate { page, text, link }.render()
}
