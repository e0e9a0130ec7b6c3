//! The account pages' handlers.

use admin::csrf::{CsrfToken, RotateCsrfToken};
use admin::login_throttle::Verdict;
use admin::safe_next::safe_next;
use admin::ClientInfo;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::request::Parts;
use http::StatusCode;
use orm_contrib::auth::password::{acheck_password, amake_password};
use orm_contrib::auth::session as session_auth;
use orm_contrib::auth::{authenticate, is_usable, password_help_texts, Access, User};
use orm_core::forms::{Form, FormData};
use orm_core::Model;
use serde::Deserialize;
use tower_sessions::Session;

use super::forms::{
    check_new_password, LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm,
};
use super::pages::{FormPage, LoginPage, Page, ResetConfirmPage, ResetEmail};
use super::tokens::{check_token, decode_uid, encode_uid, make_token};
use super::user::{logged_in, session_of, Refused};
use super::{Accounts, AccountsError};

/// Django's message for a wrong login.
const WRONG: &str =
    "Please enter a correct username and password. Note that both fields may be case-sensitive.";
const THROTTLED: &str = "Too many failed login attempts. Please wait a few minutes and try again.";
/// The session key keeping a reset link's token once its page is open.
const RESET_TOKEN: &str = "_password_reset_token";

/// What every account page starts from.
pub(super) struct Visit {
    accounts: Accounts,
    session: Session,
    csrf: CsrfToken,
    access: Option<Access>,
    client: ClientInfo,
    host: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = AccountsError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AccountsError> {
        let accounts = Accounts::of(parts)?;
        let session = session_of(parts)?;
        let csrf = CsrfToken::from_request_parts(parts, state)
            .await
            .map_err(|_| AccountsError::Missing("the CSRF layer"))?;
        let access = logged_in(&accounts, &session).await?;
        let client = ClientInfo::of(
            &parts.extensions,
            &parts.headers,
            &accounts.0.trusted_proxies,
            accounts.0.secure_cookies,
        );
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_owned();
        Ok(Visit {
            accounts,
            session,
            csrf,
            access,
            client,
            host,
        })
    }
}

impl Visit {
    fn page(&self, title: &str) -> Page {
        Page {
            title: title.to_owned(),
            csrf_input: self.csrf.input(),
            username: self.access.as_ref().map(|a| a.user.username.clone()),
            urls: self.accounts.urls(),
        }
    }

    /// The logged-in user, or the login page coming back to `here`.
    fn require_user(&self, here: &str) -> Result<User, Refused> {
        match &self.access {
            Some(access) => Ok(access.user.clone()),
            None => Err(Refused::Login(self.accounts.login_url(here))),
        }
    }

    fn at(&self, page: &str) -> String {
        format!("{}{page}", self.accounts.0.path)
    }
}

fn html(body: Result<String, askama::Error>) -> Result<Response, AccountsError> {
    Ok(Html(body?).into_response())
}

fn with_status(
    response: Result<Response, AccountsError>,
    status: StatusCode,
) -> Result<Response, AccountsError> {
    let mut response = response?;
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Deserialize)]
pub(super) struct Next {
    next: Option<String>,
}

/// `GET login/`.
pub(super) async fn login_page(
    visit: Visit,
    Query(query): Query<Next>,
) -> Result<Response, AccountsError> {
    let page = LoginPage {
        page: visit.page("Log in"),
        form: LoginForm::empty().password(&["password"]),
        next: query.next.unwrap_or_default(),
    };
    html(visit.accounts.0.pages.login(&page))
}

/// `POST login/`: throttled as the admin's login is.
pub(super) async fn login(visit: Visit, body: Bytes) -> Result<Response, AccountsError> {
    let data = FormData::parse(&body);
    let next = data.text("next").to_owned();
    let mut form = LoginForm::bind(&data).password(&["password"]);
    let accounts = visit.accounts.clone();
    let address = visit.client.address;
    let username = form.text("username").trim().to_owned();
    let password = form.text("password").to_owned();
    let mut status = StatusCode::OK;
    let mut user = None;
    if form.is_valid() {
        match accounts.0.throttle.verdict(&username, address) {
            Verdict::Refuse => {
                tracing::warn!("login throttled");
                form.add_error(None, THROTTLED);
                status = StatusCode::TOO_MANY_REQUESTS;
            }
            Verdict::Try { wait } => {
                tokio::time::sleep(wait).await;
                let name = username.clone();
                let found = accounts
                    .0
                    .db
                    .run(move |conn| authenticate(conn, &name, &password))
                    .await?;
                match found.filter(|u| u.is_active) {
                    Some(found) => user = Some(found),
                    None => {
                        accounts.0.throttle.failed(&username, address);
                        form.add_error(None, WRONG);
                    }
                }
            }
        }
    }
    let Some(user) = user else {
        let page = LoginPage {
            page: visit.page("Log in"),
            form,
            next,
        };
        return with_status(html(accounts.0.pages.login(&page)), status);
    };
    accounts.0.throttle.succeeded(&username, address);
    session_auth::login(&visit.session, &accounts.0.secret_key, &user).await?;
    let id = user.id;
    accounts
        .0
        .db
        .run(move |conn| {
            User::objects()
                .filter(User::ID.eq(id))
                .update(conn, vec![User::LAST_LOGIN.set(Some(chrono::Utc::now()))])
        })
        .await?;
    let fallback = accounts.0.login_redirect.clone();
    let target = safe_next(Some(next.as_str()).filter(|n| !n.is_empty()), &fallback);
    let mut response = Redirect::to(target).into_response();
    response.extensions_mut().insert(RotateCsrfToken::new());
    Ok(response)
}

/// `POST logout/`.
pub(super) async fn logout(visit: Visit) -> Result<Response, AccountsError> {
    session_auth::logout(&visit.session).await?;
    let mut page = visit.page("Logged out");
    page.username = None;
    let mut response = html(visit.accounts.0.pages.logged_out(&page))?;
    response.extensions_mut().insert(RotateCsrfToken::new());
    Ok(response)
}

fn change_page(
    visit: &Visit,
    form: orm_core::forms::BoundForm<PasswordChangeForm>,
) -> Result<Response, AccountsError> {
    let page = FormPage {
        page: visit.page("Password change"),
        form: form.password(&["old_password", "new_password1", "new_password2"]),
        help: password_help_texts(),
    };
    html(visit.accounts.0.pages.password_change(&page))
}

/// `GET password_change/`.
pub(super) async fn password_change_page(visit: Visit) -> Result<Response, Refused> {
    visit.require_user(&visit.at("/password_change/"))?;
    Ok(change_page(&visit, PasswordChangeForm::empty())?)
}

/// `POST password_change/`: the old password is a guess like a login's,
/// throttled the same way.
pub(super) async fn password_change(visit: Visit, body: Bytes) -> Result<Response, Refused> {
    let user = visit.require_user(&visit.at("/password_change/"))?;
    let data = FormData::parse(&body);
    let mut form = PasswordChangeForm::bind(&data);
    let throttle = &visit.accounts.0.throttle;
    let address = visit.client.address;
    if form.errors().get("old_password").is_empty() {
        match throttle.verdict(&user.username, address) {
            Verdict::Refuse => {
                form.add_error(
                    Some("old_password"),
                    "Too many wrong old passwords. Please wait a few minutes and try again.",
                );
                return Ok(with_status(
                    change_page(&visit, form),
                    StatusCode::TOO_MANY_REQUESTS,
                )?);
            }
            Verdict::Try { wait } => {
                tokio::time::sleep(wait).await;
                let old = form.text("old_password").to_owned();
                if acheck_password(old, user.password.clone()).await {
                    throttle.succeeded(&user.username, address);
                } else {
                    throttle.failed(&user.username, address);
                    form.add_error(
                        Some("old_password"),
                        "Your old password was entered incorrectly. Please enter it again.",
                    );
                }
            }
        }
    }
    check_new_password(&mut form, &user);
    if !form.is_valid() {
        return Ok(change_page(&visit, form)?);
    }
    let new = form.text("new_password1").to_owned();
    let user = save_password(&visit.accounts, user, new).await?;
    session_auth::update_hash(&visit.session, &visit.accounts.0.secret_key, &user)
        .await
        .map_err(AccountsError::from)?;
    Ok(Redirect::to(&visit.at("/password_change/done/")).into_response())
}

/// Hashes and saves a user's new password.
async fn save_password(
    accounts: &Accounts,
    mut user: User,
    new: String,
) -> Result<User, AccountsError> {
    let hash = amake_password(new).await?;
    user.password = hash.clone();
    let id = user.id;
    accounts
        .0
        .db
        .run(move |conn| User::store_password(conn, id, &hash))
        .await?;
    Ok(user)
}

/// `GET password_change/done/`.
pub(super) async fn password_change_done(visit: Visit) -> Result<Response, Refused> {
    visit.require_user(&visit.at("/password_change/done/"))?;
    let page = visit.page("Password change successful");
    Ok(html(visit.accounts.0.pages.password_change_done(&page))?)
}

/// `GET password_reset/`.
pub(super) async fn password_reset_page(visit: Visit) -> Result<Response, AccountsError> {
    let page = FormPage {
        page: visit.page("Password reset"),
        form: PasswordResetForm::empty(),
        help: Vec::new(),
    };
    html(visit.accounts.0.pages.password_reset(&page))
}

/// `POST password_reset/`: a link to every active user with that address
/// and a usable password; the same answer whether there is one or not.
pub(super) async fn password_reset(visit: Visit, body: Bytes) -> Result<Response, AccountsError> {
    let data = FormData::parse(&body);
    let form = PasswordResetForm::bind(&data);
    let email = match form.into_valid() {
        Ok(PasswordResetForm { email }) => email,
        Err(form) => {
            let page = FormPage {
                page: visit.page("Password reset"),
                form,
                help: Vec::new(),
            };
            return html(visit.accounts.0.pages.password_reset(&page));
        }
    };
    let accounts = visit.accounts.clone();
    let users = accounts
        .0
        .db
        .run(move |conn| {
            User::objects()
                .filter(User::EMAIL.iexact(email.trim()) & User::IS_ACTIVE.eq(true))
                .all(conn)
        })
        .await?;
    let scheme = match visit.client.scheme {
        admin::Scheme::Https => "https",
        admin::Scheme::Http => "http",
    };
    for user in users.into_iter().filter(|u| is_usable(&u.password)) {
        let token = make_token(&accounts.0.secret_key, &user, chrono::Utc::now());
        let url = format!(
            "{scheme}://{}{}",
            visit.host,
            visit.at(&format!("/reset/{}/{token}/", encode_uid(user.id)))
        );
        let email = accounts.0.pages.password_reset_email(&ResetEmail {
            to: user.email.clone(),
            username: user.username.clone(),
            url,
            domain: visit.host.clone(),
        });
        let Some(mailer) = accounts.0.mailer.clone() else {
            tracing::warn!("a password reset was asked for, but the site has no mailer");
            continue;
        };
        if let Err(error) = mailer.send_async(email).await {
            tracing::error!(%error, "the password reset email failed");
        }
    }
    Ok(Redirect::to(&visit.at("/password_reset/done/")).into_response())
}

/// `GET password_reset/done/`.
pub(super) async fn password_reset_done(visit: Visit) -> Result<Response, AccountsError> {
    let page = visit.page("Password reset sent");
    html(visit.accounts.0.pages.password_reset_done(&page))
}

/// The user of a reset link, when its token is valid for them.
async fn reset_user(visit: &Visit, uid: &str, token: &str) -> Result<Option<User>, AccountsError> {
    let Some(id) = decode_uid(uid) else {
        return Ok(None);
    };
    let user = visit
        .accounts
        .0
        .db
        .run(move |conn| User::objects().filter(User::ID.eq(id)).first(conn))
        .await?;
    let accounts = &visit.accounts.0;
    Ok(user.filter(|user| {
        user.is_active
            && check_token(
                &accounts.secret_key,
                user,
                token,
                chrono::Utc::now(),
                accounts.reset_timeout,
            )
    }))
}

fn invalid_link(visit: &Visit) -> Result<Response, AccountsError> {
    let page = ResetConfirmPage {
        page: visit.page("Password reset unsuccessful"),
        form: None,
        help: Vec::new(),
    };
    html(visit.accounts.0.pages.password_reset_confirm(&page))
}

/// `GET reset/{uid}/{token}/`: a valid link keeps its token in the session
/// and goes on to a page without it in the address (so that the token
/// does not leak through the `Referer` of the page's links).
pub(super) async fn reset_link(
    visit: Visit,
    Path((uid, token)): Path<(String, String)>,
) -> Result<Response, AccountsError> {
    if reset_user(&visit, &uid, &token).await?.is_none() {
        return invalid_link(&visit);
    }
    visit.session.insert(RESET_TOKEN, token).await?;
    Ok(Redirect::to(&visit.at(&format!("/reset/{uid}/set-password/"))).into_response())
}

async fn session_reset_user(visit: &Visit, uid: &str) -> Result<Option<User>, AccountsError> {
    let Some(token) = visit.session.get::<String>(RESET_TOKEN).await? else {
        return Ok(None);
    };
    reset_user(visit, uid, &token).await
}

fn set_password_page_with(
    visit: &Visit,
    form: orm_core::forms::BoundForm<SetPasswordForm>,
) -> Result<Response, AccountsError> {
    let page = ResetConfirmPage {
        page: visit.page("Enter new password"),
        form: Some(form.password(&["new_password1", "new_password2"])),
        help: password_help_texts(),
    };
    html(visit.accounts.0.pages.password_reset_confirm(&page))
}

/// `GET reset/{uid}/set-password/`.
pub(super) async fn set_password_page(
    visit: Visit,
    Path(uid): Path<String>,
) -> Result<Response, AccountsError> {
    if session_reset_user(&visit, &uid).await?.is_none() {
        return invalid_link(&visit);
    }
    set_password_page_with(&visit, SetPasswordForm::empty())
}

/// `POST reset/{uid}/set-password/`: the new password, which makes the
/// link stop working.
pub(super) async fn set_password(
    visit: Visit,
    Path(uid): Path<String>,
    body: Bytes,
) -> Result<Response, AccountsError> {
    let Some(user) = session_reset_user(&visit, &uid).await? else {
        return invalid_link(&visit);
    };
    let data = FormData::parse(&body);
    let mut form = SetPasswordForm::bind(&data);
    check_new_password(&mut form, &user);
    if !form.is_valid() {
        return set_password_page_with(&visit, form);
    }
    let new = form.text("new_password1").to_owned();
    save_password(&visit.accounts, user, new).await?;
    visit.session.remove_value(RESET_TOKEN).await?;
    Ok(Redirect::to(&visit.at("/reset/done/")).into_response())
}

/// `GET reset/done/`.
pub(super) async fn reset_complete(visit: Visit) -> Result<Response, AccountsError> {
    let page = visit.page("Password reset complete");
    html(visit.accounts.0.pages.password_reset_complete(&page))
}
