//! What every admin page knows about its request: where the admin is
//! mounted, who is logged in and what they may do.

use std::sync::Arc;

use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use orm_contrib::auth::{Access, Granted, User};
use tower_sessions::Session;

use crate::csrf::CsrfToken;
use crate::error::AdminError;
use crate::messages::{self, Message};
use crate::permissions::ModelPerms;
use crate::site::{Admin, AdminModel};
use crate::templates::{Crumb, Layout};
use orm_contrib::auth::session as session_auth;

/// Who an error page is for, when the request came from a logged-in staff
/// user: the error-page middleware puts an empty one on the request, the
/// staff extractor fills it, and the page then keeps the header's links
/// (the user's name, the password change, log out) and the breadcrumbs.
#[derive(Clone, Debug, Default)]
pub(crate) struct ErrorFrame(Arc<std::sync::Mutex<Option<(String, String)>>>);

impl ErrorFrame {
    fn fill(&self, name: String, csrf: String) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((name, csrf));
        }
    }

    /// The user's name and the CSRF token, when filled.
    pub(crate) fn taken(&self) -> Option<(String, String)> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// The path the admin is mounted at, without a trailing slash (`/admin`).
#[derive(Clone, Debug)]
pub(crate) struct Base(pub(crate) String);

/// Hands the site's path to the handlers as [`Base`].
pub(crate) async fn base_path(
    State(admin): State<Admin>,
    mut request: Request,
    next: Next,
) -> Response {
    request.extensions_mut().insert(Base(admin.path.clone()));
    next.run(request).await
}

/// The full path and query of the request (for `next=`).
fn original_path(parts: &Parts) -> String {
    parts.extensions.get::<OriginalUri>().map_or_else(
        || parts.uri.to_string(),
        |uri| {
            uri.path_and_query()
                .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
        },
    )
}

/// The URL of the login page, coming back to `next` afterwards.
pub(crate) fn login_url(base: &str, next: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{base}/login/?next={next}")
}

/// A request's base path, session and CSRF token (logged in or not).
pub(crate) struct Visitor {
    pub(crate) admin: Admin,
    pub(crate) base: String,
    pub(crate) session: Session,
    pub(crate) csrf: String,
    pub(crate) theme: &'static str,
}

/// The cookie the header's theme switch sets.
const THEME_COOKIE: &str = "admin_theme";

/// The theme chosen with the header's switch: `light`, `dark`, or empty
/// for the system's preference (anything else in the cookie is ignored).
fn theme(parts: &Parts) -> &'static str {
    match crate::csrf::cookie(&parts.headers, THEME_COOKIE).as_deref() {
        Some("light") => "light",
        Some("dark") => "dark",
        _ => "",
    }
}

impl FromRequestParts<Admin> for Visitor {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, admin: &Admin) -> Result<Self, AdminError> {
        let base = parts
            .extensions
            .get::<Base>()
            .map(|b| b.0.clone())
            .unwrap_or_default();
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AdminError::Internal("the session layer is missing".into()))?;
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        Ok(Visitor {
            admin: admin.clone(),
            base,
            session,
            csrf,
            theme: theme(parts),
        })
    }
}

impl Visitor {
    /// The page frame for someone not logged in.
    pub(crate) async fn layout(&self, title: impl Into<String>) -> Result<Layout, AdminError> {
        let messages = messages::take(&self.session).await?;
        let mut layout = Layout::new(
            &self.admin,
            &self.base,
            title.into(),
            None,
            &self.csrf,
            messages,
        );
        layout.theme = self.theme;
        Ok(layout)
    }
}

/// A logged-in, active staff user and their permissions. Extracting it
/// from a request without such a session redirects to the login page.
pub(crate) struct Staff {
    pub(crate) admin: Admin,
    pub(crate) base: String,
    pub(crate) session: Session,
    pub(crate) csrf: String,
    pub(crate) theme: &'static str,
    pub(crate) user: User,
    pub(crate) perms: Granted,
}

/// Why a request is not a staff request.
pub(crate) enum NotStaff {
    Login(String),
    Error(AdminError),
}

impl IntoResponse for NotStaff {
    fn into_response(self) -> Response {
        match self {
            NotStaff::Login(url) => Redirect::to(&url).into_response(),
            NotStaff::Error(error) => error.into_response(),
        }
    }
}

impl From<AdminError> for NotStaff {
    fn from(error: AdminError) -> NotStaff {
        NotStaff::Error(error)
    }
}

impl FromRequestParts<Admin> for Staff {
    type Rejection = NotStaff;

    async fn from_request_parts(parts: &mut Parts, admin: &Admin) -> Result<Self, NotStaff> {
        let visitor = Visitor::from_request_parts(parts, admin).await?;
        let to_login = || NotStaff::Login(login_url(&visitor.base, &original_path(parts)));
        // Read by the session store with the session; one statement
        // otherwise (a write since, or the time to live passed).
        let access = admin
            .kept
            .access
            .logged_in(&admin.db, &visitor.session, &admin.secret_key)
            .await
            .map_err(AdminError::from)?;
        match access {
            Some(Access { user, granted }) if user.is_staff => {
                if let Some(frame) = parts.extensions.get::<ErrorFrame>() {
                    frame.fill(display_name(&user), visitor.csrf.clone());
                }
                Ok(Staff {
                    admin: visitor.admin,
                    base: visitor.base,
                    session: visitor.session,
                    csrf: visitor.csrf,
                    theme: visitor.theme,
                    user,
                    perms: granted,
                })
            }
            None => Err(to_login()),
            // Logged in, but not staff: the session ends, as Django's.
            Some(_) => {
                session_auth::logout(&visitor.session)
                    .await
                    .map_err(AdminError::from)?;
                Err(to_login())
            }
        }
    }
}

impl Staff {
    /// The shown model at `/{app}/{model}/`, or 404.
    pub(crate) fn model(&self, app: &str, model: &str) -> Result<AdminModel, AdminError> {
        self.admin
            .model(app, model)
            .cloned()
            .ok_or_else(|| AdminError::NotFound(format!("No model {app}.{model} in the admin.")))
    }

    /// The user's permissions on `model`, or 403 when `allowed` says no.
    pub(crate) fn require(
        &self,
        model: &AdminModel,
        allowed: impl Fn(ModelPerms) -> bool,
    ) -> Result<ModelPerms, AdminError> {
        let perms = model.perms(&self.perms);
        if allowed(perms) {
            Ok(perms)
        } else {
            Err(AdminError::Forbidden)
        }
    }

    /// The page frame, with the messages queued for this page.
    pub(crate) async fn layout(
        &self,
        title: impl Into<String>,
        crumbs: Vec<Crumb>,
    ) -> Result<Layout, AdminError> {
        let messages: Vec<Message> = messages::take(&self.session).await?;
        let name = display_name(&self.user);
        let mut layout = Layout::new(
            &self.admin,
            &self.base,
            title.into(),
            Some(name),
            &self.csrf,
            messages,
        );
        layout.crumbs = crumbs;
        layout.theme = self.theme;
        Ok(layout)
    }

    /// The URL of a model's pages: `/admin/blog/article/`.
    pub(crate) fn model_url(&self, model: &AdminModel) -> String {
        format!(
            "{}/{}/{}/",
            self.base, model.schema.app_label, model.model_name
        )
    }
}

/// How the header greets a user: their first name, else their username.
fn display_name(user: &User) -> String {
    if user.first_name.is_empty() {
        user.username.clone()
    } else {
        user.first_name.clone()
    }
}
