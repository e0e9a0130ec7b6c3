//! Log in and log out.

use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use http::{Extensions, HeaderMap, StatusCode};
use orm_contrib::auth::authenticate;
use serde::Deserialize;

use crate::context::Visitor;
use crate::csrf::RotateCsrfToken;
use crate::error::AdminError;
use crate::form::FormData;
use crate::login_throttle::Verdict;
use crate::safe_next::safe_next;
use crate::templates::{render, LoggedOutTemplate, LoginTemplate};
use orm_contrib::auth::session as session_auth;

const WRONG: &str = "Please enter the correct username and password for a staff account. \
    Note that both fields may be case-sensitive.";
const THROTTLED: &str = "Too many failed login attempts. Please wait a few minutes and try again.";

#[derive(Deserialize)]
pub(crate) struct NextParam {
    next: Option<String>,
}

/// `GET /login/`.
pub(crate) async fn page(
    visitor: Visitor,
    Query(query): Query<NextParam>,
) -> Result<Response, AdminError> {
    let next = query.next.unwrap_or_default();
    let layout = visitor.layout("Log in").await?;
    render(&LoginTemplate {
        layout,
        username: String::new(),
        error: None,
        next,
    })
}

/// `POST /login/`.
pub(crate) async fn submit(
    visitor: Visitor,
    extensions: Extensions,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AdminError> {
    let username = form.text("username").trim().to_owned();
    let password = form.text("password").to_owned();
    let next = form.text("next").to_owned();
    let admin = visitor.admin.clone();
    let address = admin.client_info(&extensions, &headers).address;
    let again = |error: &'static str, status: StatusCode| {
        let visitor = &visitor;
        let username = username.clone();
        let next = next.clone();
        async move {
            let layout = visitor.layout("Log in").await?;
            let mut response = render(&LoginTemplate {
                layout,
                username,
                error: Some(error.to_owned()),
                next,
            })?;
            *response.status_mut() = status;
            Ok::<Response, AdminError>(response)
        }
    };
    match admin.throttle.verdict(&username, address) {
        Verdict::Refuse => {
            tracing::warn!("login throttled");
            return again(THROTTLED, StatusCode::TOO_MANY_REQUESTS).await;
        }
        Verdict::Try { wait } => tokio::time::sleep(wait).await,
    }
    let (name, secret) = (username.clone(), password);
    // No username holds NUL (forms refuse it) and PostgreSQL refuses it in
    // a query: such a login is just wrong.
    let user = if name.contains('\0') {
        None
    } else {
        admin
            .db
            .run(move |conn| authenticate(conn, &name, &secret))
            .await?
    };
    let Some(user) = user.filter(|u| u.is_staff) else {
        admin.throttle.failed(&username, address);
        return again(WRONG, StatusCode::OK).await;
    };
    admin.throttle.succeeded(&username, address);
    session_auth::login(&visitor.session, &admin.secret_key, &user).await?;
    let fallback = format!("{}/", visitor.base);
    let target = safe_next(Some(next.as_str()).filter(|n| !n.is_empty()), &fallback).to_owned();
    let mut response = Redirect::to(&target).into_response();
    response.extensions_mut().insert(RotateCsrfToken::new());
    Ok(response)
}

/// `POST /logout/`.
pub(crate) async fn logout(visitor: Visitor) -> Result<Response, AdminError> {
    session_auth::logout(&visitor.session).await?;
    let layout = visitor.layout("Logged out").await?;
    let mut response = render(&LoggedOutTemplate { layout })?;
    response.extensions_mut().insert(RotateCsrfToken::new());
    Ok(response)
}
