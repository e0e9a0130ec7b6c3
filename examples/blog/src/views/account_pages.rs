//! The account pages (login, password change and reset) in the blog's
//! own look: [`AccountPages`] with the blog's templates, every page
//! through one of them.

use askama::Template;
use orm::accounts::{AccountPages, FormPage, LoginPage, Page, ResetConfirmPage};
use orm::forms::as_html;

use super::frame::Frame;

/// The blog's account pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct BlogAccountPages;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate<'a> {
    frame: Frame,
    title: &'a str,
    intro: &'a str,
    form: Option<String>,
    action: &'a str,
    next: &'a str,
    help: &'a [String],
    button: &'a str,
    links: Vec<(String, &'a str)>,
}

impl<'a> AccountTemplate<'a> {
    fn new(page: &'a Page, intro: &'a str) -> Self {
        AccountTemplate {
            frame: Frame {
                user: page.username.clone(),
                csrf_input: page.csrf_input.clone(),
                messages: Vec::new(),
                login_url: page.urls.login.clone(),
            },
            title: &page.title,
            intro,
            form: None,
            action: "",
            next: "",
            help: &[],
            button: "",
            links: Vec::new(),
        }
    }
}

impl AccountPages for BlogAccountPages {
    fn login(&self, page: &LoginPage) -> Result<String, askama::Error> {
        AccountTemplate {
            form: Some(as_html(&page.form)),
            action: &page.page.urls.login,
            next: &page.next,
            button: "Log in",
            links: vec![(
                page.page.urls.password_reset.clone(),
                "Forgotten your password?",
            )],
            ..AccountTemplate::new(&page.page, "")
        }
        .render()
    }

    fn logged_out(&self, page: &Page) -> Result<String, askama::Error> {
        AccountTemplate {
            links: vec![("/".to_owned(), "Back to the articles")],
            ..AccountTemplate::new(page, "You are logged out. Thanks for reading.")
        }
        .render()
    }

    fn password_change(
        &self,
        page: &FormPage<orm::accounts::PasswordChangeForm>,
    ) -> Result<String, askama::Error> {
        AccountTemplate {
            form: Some(as_html(&page.form)),
            action: &page.page.urls.password_change,
            help: &page.help,
            button: "Change my password",
            ..AccountTemplate::new(
                &page.page,
                "Enter your old password, then your new password twice.",
            )
        }
        .render()
    }

    fn password_change_done(&self, page: &Page) -> Result<String, askama::Error> {
        AccountTemplate {
            links: vec![("/".to_owned(), "Back to the articles")],
            ..AccountTemplate::new(page, "Your password was changed.")
        }
        .render()
    }

    fn password_reset(
        &self,
        page: &FormPage<orm::accounts::PasswordResetForm>,
    ) -> Result<String, askama::Error> {
        AccountTemplate {
            form: Some(as_html(&page.form)),
            action: &page.page.urls.password_reset,
            button: "Send me a link",
            ..AccountTemplate::new(
                &page.page,
                "Forgotten your password? Enter your email address, and we will send you a link to choose a new one.",
            )
        }
        .render()
    }

    fn password_reset_done(&self, page: &Page) -> Result<String, askama::Error> {
        AccountTemplate::new(
            page,
            "If an account has this address, an email with a link to choose a new password is on its way.",
        )
        .render()
    }

    fn password_reset_confirm(&self, page: &ResetConfirmPage) -> Result<String, askama::Error> {
        match &page.form {
            Some(form) => AccountTemplate {
                form: Some(as_html(form)),
                help: &page.help,
                button: "Set my password",
                ..AccountTemplate::new(&page.page, "Enter your new password twice.")
            }
            .render(),
            None => AccountTemplate {
                links: vec![(page.page.urls.password_reset.clone(), "Ask for a new link")],
                ..AccountTemplate::new(
                    &page.page,
                    "This password reset link was invalid: it was used already, or it is too old.",
                )
            }
            .render(),
        }
    }

    fn password_reset_complete(&self, page: &Page) -> Result<String, askama::Error> {
        AccountTemplate {
            links: vec![(page.urls.login.clone(), "Log in")],
            ..AccountTemplate::new(page, "Your new password is set.")
        }
        .render()
    }
}
