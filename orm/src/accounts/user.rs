//! Who is asking: [`CurrentUser`] (a user or nobody), [`LoginRequired`]
//! and [`PermissionRequired`], extractors for a project's own handlers
//! (Django's `request.user`, `LoginRequiredMixin` and
//! `PermissionRequiredMixin`).

use axum::extract::{FromRequestParts, OriginalUri};
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use http::StatusCode;
use orm_contrib::auth::{Access, User};
use orm_core::Model;
use std::marker::PhantomData;
use tower_sessions::Session;

use super::{Accounts, AccountsError};

/// The user of a request, or `None` for a visitor who is not logged in
/// (Django's `AnonymousUser`). A session whose user was deactivated, or
/// whose password changed since, counts as nobody's.
///
/// ```no_run
/// use orm::accounts::CurrentUser;
///
/// async fn greeting(user: CurrentUser) -> String {
///     match user.user() {
///         Some(user) => format!("Hello, {}.", user.username),
///         None => "Hello, stranger.".to_owned(),
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Option<Access>);

impl CurrentUser {
    /// The logged-in user.
    pub fn user(&self) -> Option<&User> {
        self.0.as_ref().map(|access| &access.user)
    }

    /// Whether someone is logged in.
    pub fn is_authenticated(&self) -> bool {
        self.0.is_some()
    }

    /// Whether the user holds `permission` (`blog.change_article`): an
    /// active superuser holds every one, nobody holds none.
    pub fn has_perm(&self, permission: &str) -> bool {
        self.0
            .as_ref()
            .is_some_and(|access| access.granted.has(permission))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AccountsError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AccountsError> {
        let accounts = Accounts::of(parts)?;
        let session = session_of(parts)?;
        Ok(CurrentUser(logged_in(&accounts, &session).await?))
    }
}

/// The session layer's session of a request.
pub(crate) fn session_of(parts: &Parts) -> Result<Session, AccountsError> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or(AccountsError::Missing("the session layer"))
}

/// The active user logged in on `session`, with their permissions.
pub(crate) async fn logged_in(
    accounts: &Accounts,
    session: &Session,
) -> Result<Option<Access>, AccountsError> {
    let inner = &accounts.0;
    Ok(inner
        .access
        .logged_in(&inner.db, session, &inner.secret_key)
        .await?)
}

/// A logged-in, active user: a handler taking it is only run for one; a
/// visitor who is not logged in is sent to the login page, which brings
/// them back (Django's `LoginRequiredMixin`).
///
/// ```no_run
/// use orm::accounts::LoginRequired;
///
/// async fn profile(LoginRequired(access): LoginRequired) -> String {
///     format!("Your name: {}", access.user.username)
/// }
/// ```
#[derive(Debug, Clone)]
pub struct LoginRequired(pub Access);

/// Why a request is not served: the login page, or 403.
#[derive(Debug)]
pub enum Refused {
    /// Not logged in: to the login page, then back.
    Login(String),
    /// Logged in without the permission.
    Forbidden,
    /// The site is missing a layer, or the database failed.
    Error(AccountsError),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Login(url) => Redirect::to(&url).into_response(),
            Refused::Forbidden => (
                StatusCode::FORBIDDEN,
                "403 Forbidden: you do not have permission to see this page.",
            )
                .into_response(),
            Refused::Error(error) => error.into_response(),
        }
    }
}

impl From<AccountsError> for Refused {
    fn from(error: AccountsError) -> Refused {
        Refused::Error(error)
    }
}

/// The path and query of the request, to come back to after logging in.
fn here(parts: &Parts) -> String {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |OriginalUri(uri)| uri);
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for LoginRequired {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refused> {
        let accounts = Accounts::of(parts)?;
        match CurrentUser::from_request_parts(parts, state).await?.0 {
            Some(access) => Ok(LoginRequired(access)),
            None => Err(Refused::Login(accounts.login_url(&here(parts)))),
        }
    }
}

/// A permission a handler asks for with [`PermissionRequired`]: one of a
/// model's ([`CanAdd`], [`CanChange`], [`CanDelete`], [`CanView`]), or a
/// project's own:
///
/// ```
/// use orm::accounts::Permission;
///
/// pub struct CanPublish;
///
/// impl Permission for CanPublish {
///     fn label() -> String {
///         "blog.publish_article".to_owned()
///     }
/// }
/// ```
pub trait Permission {
    /// `app_label.codename`.
    fn label() -> String;
}

macro_rules! model_permission {
    ($name:ident, $action:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug)]
        pub struct $name<M>(PhantomData<fn() -> M>);

        impl<M: Model> Permission for $name<M> {
            fn label() -> String {
                let schema = M::schema();
                format!("{}.{}_{}", schema.app_label, $action, schema.model_name())
            }
        }
    };
}

model_permission!(CanAdd, "add", "Adding objects of model `M`.");
model_permission!(CanChange, "change", "Changing objects of model `M`.");
model_permission!(CanDelete, "delete", "Deleting objects of model `M`.");
model_permission!(CanView, "view", "Viewing objects of model `M`.");

/// A logged-in, active user holding permission `P`: a visitor who is not
/// logged in is sent to the login page, a user without it gets a 403
/// (Django's `PermissionRequiredMixin`).
///
/// ```no_run
/// use orm::accounts::{CanChange, PermissionRequired};
/// # use orm::prelude::*;
/// # #[derive(Model, Debug, Clone)]
/// # pub struct Article { pub id: i64 }
///
/// async fn edit(user: PermissionRequired<CanChange<Article>>) -> String {
///     format!("{} may edit articles", user.0.user.username)
/// }
/// ```
#[derive(Debug)]
pub struct PermissionRequired<P>(pub Access, PhantomData<fn() -> P>);

impl<P: Permission, S: Send + Sync> FromRequestParts<S> for PermissionRequired<P> {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refused> {
        let LoginRequired(access) = LoginRequired::from_request_parts(parts, state).await?;
        if access.granted.has(&P::label()) {
            Ok(PermissionRequired(access, PhantomData))
        } else {
            Err(Refused::Forbidden)
        }
    }
}
