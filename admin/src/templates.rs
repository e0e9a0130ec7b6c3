//! The askama templates and the view data each one renders. Every value
//! is escaped by askama; no template marks anything `safe`.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use crate::assets::{CSS_NAME, JS_NAME};
#[allow(unused_imports)] // named by the templates
use crate::changelist::CellKind;
use crate::error::AdminError;
#[allow(unused_imports)] // named by the templates
use crate::form::Widget;
use crate::messages::Message;
use crate::site::Admin;

/// Renders a template into an HTML response (500 page if it fails).
pub(crate) fn render(template: &impl Template) -> Result<Response, AdminError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(|e| AdminError::Internal(format!("template: {e}")))
}

/// One step of the breadcrumb trail.
pub(crate) struct Crumb {
    pub(crate) label: String,
    pub(crate) url: Option<String>,
}

impl Crumb {
    pub(crate) fn link(label: impl Into<String>, url: impl Into<String>) -> Crumb {
        Crumb {
            label: label.into(),
            url: Some(url.into()),
        }
    }

    pub(crate) fn here(label: impl Into<String>) -> Crumb {
        Crumb {
            label: label.into(),
            url: None,
        }
    }
}

/// What `base.html` needs: the frame around every page.
pub(crate) struct Layout {
    pub(crate) base: String,
    pub(crate) site_header: String,
    pub(crate) site_title: String,
    pub(crate) site_url: Option<String>,
    pub(crate) title: String,
    pub(crate) user: Option<String>,
    pub(crate) csrf: String,
    pub(crate) messages: Vec<Message>,
    pub(crate) crumbs: Vec<Crumb>,
    pub(crate) css_url: String,
    pub(crate) js_url: String,
    /// `light` or `dark` when chosen with the header's switch; empty for
    /// the system's preference.
    pub(crate) theme: &'static str,
}

impl Layout {
    pub(crate) fn new(
        admin: &Admin,
        base: &str,
        title: String,
        user: Option<String>,
        csrf: &str,
        messages: Vec<Message>,
    ) -> Layout {
        Layout {
            base: base.to_owned(),
            site_header: admin.site_header.clone(),
            site_title: admin.site_title.clone(),
            site_url: admin.site_url.clone(),
            title,
            user,
            csrf: csrf.to_owned(),
            messages,
            crumbs: Vec::new(),
            css_url: format!("{base}/static/{}", *CSS_NAME),
            js_url: format!("{base}/static/{}", *JS_NAME),
            theme: "",
        }
    }
}

/// `error.html`: 403, 404, 503 and the rest.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorTemplate {
    pub(crate) layout: Layout,
    pub(crate) heading: String,
    pub(crate) message: String,
}

/// `login.html`.
#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginTemplate {
    pub(crate) layout: Layout,
    pub(crate) username: String,
    pub(crate) error: Option<String>,
    pub(crate) next: String,
}

/// `logged_out.html`.
#[derive(Template)]
#[template(path = "logged_out.html")]
pub(crate) struct LoggedOutTemplate {
    pub(crate) layout: Layout,
}

/// One field of a hand-written form (login, password change).
pub(crate) struct SimpleField {
    pub(crate) name: &'static str,
    pub(crate) label: &'static str,
    pub(crate) errors: Vec<String>,
}

/// `password_change.html`.
#[derive(Template)]
#[template(path = "password_change.html")]
pub(crate) struct PasswordChangeTemplate {
    pub(crate) layout: Layout,
    pub(crate) fields: Vec<SimpleField>,
    pub(crate) help_texts: Vec<String>,
}

/// `password_change_done.html`.
#[derive(Template)]
#[template(path = "password_change_done.html")]
pub(crate) struct PasswordChangeDoneTemplate {
    pub(crate) layout: Layout,
}

/// `user_password.html`.
#[derive(Template)]
#[template(path = "user_password.html")]
pub(crate) struct UserPasswordTemplate {
    pub(crate) layout: Layout,
    pub(crate) username: String,
    pub(crate) fields: Vec<SimpleField>,
    pub(crate) help_texts: Vec<String>,
}

/// A model in the index's list.
pub(crate) struct ModelLink {
    pub(crate) name: String,
    pub(crate) url: Option<String>,
    pub(crate) add_url: Option<String>,
    pub(crate) change: bool,
}

/// An app and its models, on the index.
pub(crate) struct AppSection {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) models: Vec<ModelLink>,
}

/// An entry of "Recent actions".
pub(crate) struct RecentAction {
    pub(crate) class: &'static str,
    pub(crate) action: &'static str,
    pub(crate) repr: String,
    pub(crate) url: Option<String>,
    pub(crate) model: String,
}

/// `index.html` (and an app's index).
#[derive(Template)]
#[template(path = "index.html")]
pub(crate) struct IndexTemplate {
    pub(crate) layout: Layout,
    pub(crate) apps: Vec<AppSection>,
    pub(crate) recent: Vec<RecentAction>,
    pub(crate) show_recent: bool,
}

/// `change_list.html`.
#[derive(Template)]
#[template(path = "change_list.html")]
pub(crate) struct ChangeListTemplate {
    pub(crate) layout: Layout,
    pub(crate) list: crate::changelist::ChangeList,
}

/// `change_form.html`.
#[derive(Template)]
#[template(path = "change_form.html")]
pub(crate) struct ChangeFormTemplate {
    pub(crate) layout: Layout,
    pub(crate) form: crate::form::FormPage,
}

/// One model's objects in a delete confirmation.
pub(crate) struct DeletedGroup {
    pub(crate) model: String,
    pub(crate) objects: Vec<String>,
}

/// `delete_confirmation.html` (one object, or the selected ones).
#[derive(Template)]
#[template(path = "delete_confirmation.html")]
pub(crate) struct DeleteConfirmationTemplate {
    pub(crate) layout: Layout,
    pub(crate) heading: String,
    pub(crate) what: String,
    pub(crate) groups: Vec<DeletedGroup>,
    pub(crate) summary: Vec<String>,
    pub(crate) blockers: Vec<String>,
    pub(crate) forbidden: Vec<String>,
    /// Only a superuser may delete what was asked for.
    pub(crate) superusers: bool,
    pub(crate) action_url: String,
    pub(crate) cancel_url: String,
    pub(crate) selected: Vec<String>,
    pub(crate) bulk: bool,
}

/// A row of an object's history.
pub(crate) struct HistoryRow {
    pub(crate) when: String,
    pub(crate) user: String,
    pub(crate) action: String,
}

/// `object_history.html`.
#[derive(Template)]
#[template(path = "object_history.html")]
pub(crate) struct HistoryTemplate {
    pub(crate) layout: Layout,
    pub(crate) repr: String,
    pub(crate) rows: Vec<HistoryRow>,
}
