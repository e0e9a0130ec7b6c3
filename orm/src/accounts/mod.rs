//! Accounts on a project's own pages, Django's `django.contrib.auth` views
//! and mixins: who is logged in ([`CurrentUser`]), pages only for users
//! ([`LoginRequired`]) or for users holding a permission
//! ([`PermissionRequired`]), and the pages to log in, log out, change
//! one's password and reset a forgotten one by email, under `/accounts/`.
//!
//! A [`Site`](crate::Site) serves them beside the project's pages, with
//! sessions, CSRF protection and messages for every page; the pages'
//! HTML comes from [`AccountPages`], which a project may override page by
//! page: `Site::accounts(|a| a.pages(MyPages))` (see
//! [`Site::accounts`](crate::Site::accounts)).
//!
//! | path | page |
//! |---|---|
//! | `/accounts/login/` | log in (`?next=` comes back) |
//! | `/accounts/logout/` | log out (POST) |
//! | `/accounts/password_change/` | change one's password, then `done/` |
//! | `/accounts/password_reset/` | ask for a link by email, then `done/` |
//! | `/accounts/reset/{uid}/{token}/` | the emailed link: choose a new password |
//! | `/accounts/reset/done/` | the new password is set |
//!
//! Reset links are signed with the site's secret key over the user's
//! password hash and last login: each works once, and for three days
//! ([`Accounts::reset_timeout`]).

mod forms;
mod pages;
mod tokens;
mod user;
mod views;

use std::sync::Arc;

use admin::form_body::UploadLimits;
use admin::login_throttle::LoginThrottle;
use admin::TrustedProxies;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use http::request::Parts;
use http::StatusCode;
use orm_contrib::auth::KeptAccess;
use orm_core::Db;

pub use forms::{LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm};
pub use pages::{
    AccountPages, AccountUrls, DefaultPages, FormPage, LoginPage, Page, ResetConfirmPage,
    ResetEmail,
};
pub use user::{
    CanAdd, CanChange, CanDelete, CanView, CurrentUser, LoginRequired, Permission,
    PermissionRequired, Refused,
};

use crate::mail::Mailer;

/// Why an account page or extractor failed: a 500 (or a 503 while the
/// database is unreachable), logged, never shown in detail.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The site's layers are missing before the handler.
    #[error("{0} is missing: serve the page through orm::Site or Accounts::layer")]
    Missing(&'static str),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] orm_core::Error),
    /// The session store failed.
    #[error(transparent)]
    Session(#[from] tower_sessions::session::Error),
    /// A template failed.
    #[error(transparent)]
    Render(#[from] askama::Error),
    /// The session's user could not be read.
    #[error(transparent)]
    SessionAccess(#[from] orm_contrib::auth::SessionAccessError),
    /// Hashing the new password failed.
    #[error(transparent)]
    Password(#[from] orm_contrib::auth::PasswordError),
}

impl IntoResponse for AccountsError {
    fn into_response(self) -> Response {
        let unavailable = matches!(
            &self,
            AccountsError::Database(e)
                | AccountsError::SessionAccess(orm_contrib::auth::SessionAccessError::Database(e))
                if e.is_unavailable()
        );
        if unavailable {
            tracing::warn!(error = %self, "account page: database unavailable");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(http::header::RETRY_AFTER, "5")],
                "The database cannot be reached right now. Please try again in a few moments.",
            )
                .into_response();
        }
        tracing::error!(error = %self, "account page failed");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side. It has been logged.",
        )
            .into_response()
    }
}

/// The account pages' settings and what they share: the database, the
/// secret key, the mailer and the pages' HTML.
#[derive(Clone)]
pub struct Accounts(Arc<Inner>);

#[derive(Clone)]
struct Inner {
    db: Db,
    secret_key: Vec<u8>,
    access: KeptAccess,
    path: String,
    login_redirect: String,
    mailer: Option<Mailer>,
    reset_timeout: chrono::Duration,
    pages: Arc<dyn AccountPages>,
    throttle: Arc<LoginThrottle>,
    secure_cookies: bool,
    trusted_proxies: TrustedProxies,
    upload_limits: UploadLimits,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts")
            .field("path", &self.0.path)
            .field("login_redirect", &self.0.login_redirect)
            .finish_non_exhaustive()
    }
}

impl Accounts {
    /// The account pages on `db`, signing with `secret_key`, at
    /// `/accounts/`, back to `/` after logging in, sending no email until
    /// given a [`mailer`](Accounts::mailer).
    pub fn new(db: Db, secret_key: impl AsRef<[u8]>) -> Accounts {
        Accounts(Arc::new(Inner {
            access: KeptAccess::new(&db),
            db,
            secret_key: secret_key.as_ref().to_vec(),
            path: "/accounts".to_owned(),
            login_redirect: "/".to_owned(),
            mailer: None,
            reset_timeout: chrono::Duration::days(3),
            pages: Arc::new(DefaultPages),
            throttle: Arc::new(LoginThrottle::default()),
            secure_cookies: false,
            trusted_proxies: TrustedProxies::default(),
            upload_limits: UploadLimits::default(),
        }))
    }

    fn with(mut self, change: impl FnOnce(&mut Inner)) -> Accounts {
        change(Arc::make_mut(&mut self.0));
        self
    }

    /// Where the pages are (default `/accounts`; no trailing slash).
    pub fn path(self, path: &str) -> Accounts {
        let path = path.trim_end_matches('/').to_owned();
        self.with(|inner| inner.path = path)
    }

    /// Where logging in leads without a `next` (Django's
    /// `LOGIN_REDIRECT_URL`; default `/`).
    pub fn login_redirect(self, url: &str) -> Accounts {
        let url = url.to_owned();
        self.with(|inner| inner.login_redirect = url)
    }

    /// The mailer sending reset links.
    pub fn mailer(self, mailer: Mailer) -> Accounts {
        self.with(|inner| inner.mailer = Some(mailer))
    }

    /// How long a reset link works (Django's `PASSWORD_RESET_TIMEOUT`;
    /// default three days).
    pub fn reset_timeout(self, timeout: chrono::Duration) -> Accounts {
        self.with(|inner| inner.reset_timeout = timeout)
    }

    /// The pages' HTML.
    pub fn pages(self, pages: impl AccountPages) -> Accounts {
        let pages: Arc<dyn AccountPages> = Arc::new(pages);
        self.with(|inner| inner.pages = pages)
    }

    /// Cookies marked `Secure`, and requests taken as HTTPS unless a
    /// trusted proxy says otherwise.
    pub fn secure_cookies(self, secure: bool) -> Accounts {
        self.with(|inner| inner.secure_cookies = secure)
    }

    /// The proxies whose `Forwarded` headers name the client.
    pub fn trusted_proxies(self, proxies: TrustedProxies) -> Accounts {
        self.with(|inner| inner.trusted_proxies = proxies)
    }

    /// How large the forms of the pages under [`layer`](Accounts::layer)
    /// and their files may be.
    pub fn upload_limits(self, limits: UploadLimits) -> Accounts {
        self.with(|inner| inner.upload_limits = limits)
    }

    /// The login page's URL, coming back to `next` afterwards.
    pub fn login_url(&self, next: &str) -> String {
        let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("{}/login/?next={next}", self.0.path)
    }

    /// The paths of the pages.
    pub fn urls(&self) -> AccountUrls {
        let at = |page: &str| format!("{}/{page}/", self.0.path);
        AccountUrls {
            login: at("login"),
            logout: at("logout"),
            password_change: at("password_change"),
            password_reset: at("password_reset"),
        }
    }

    /// The account pages' routes (put [`layer`](Accounts::layer) around
    /// them, and the project's pages, as the site does).
    pub fn routes(&self) -> Router {
        let at = |page: &str| format!("{}{page}", self.0.path);
        Router::new()
            .route(&at("/login/"), get(views::login_page).post(views::login))
            .route(&at("/logout/"), post(views::logout))
            .route(
                &at("/password_change/"),
                get(views::password_change_page).post(views::password_change),
            )
            .route(
                &at("/password_change/done/"),
                get(views::password_change_done),
            )
            .route(
                &at("/password_reset/"),
                get(views::password_reset_page).post(views::password_reset),
            )
            .route(
                &at("/password_reset/done/"),
                get(views::password_reset_done),
            )
            .route(&at("/reset/{uid}/{token}/"), get(views::reset_link))
            .route(
                &at("/reset/{uid}/set-password/"),
                get(views::set_password_page).post(views::set_password),
            )
            .route(&at("/reset/done/"), get(views::reset_complete))
    }

    /// What the pages under it need: sessions (in the database), CSRF
    /// protection, and these settings for the extractors.
    pub fn layer(&self, router: Router) -> Router {
        router
            .layer(Extension(self.clone()))
            .layer(
                admin::csrf::CsrfLayer::new(self.0.secure_cookies, self.0.trusted_proxies.clone())
                    .upload_limits(self.0.upload_limits),
            )
            .layer(admin::session_layer(
                self.0.db.clone(),
                self.0.access.clone(),
                self.0.secure_cookies,
            ))
    }

    /// The settings a request's pages were served with.
    pub(crate) fn of(parts: &Parts) -> Result<Accounts, AccountsError> {
        parts
            .extensions
            .get::<Accounts>()
            .cloned()
            .ok_or(AccountsError::Missing("the accounts layer"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Accounts {
    type Rejection = AccountsError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AccountsError> {
        Accounts::of(parts)
    }
}
