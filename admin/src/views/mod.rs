//! The admin's routes.

mod autocomplete;
mod change_form;
mod changelist;
mod delete;
mod history;
mod index;
mod login;
mod password;
mod user_password;

use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use axum::{middleware, Router};
use http::Method;

use crate::context::{NotStaff, Staff};
use crate::error::AdminError;
use crate::site::Admin;
use crate::{assets, context, csrf, headers};

pub(crate) fn router(admin: Admin) -> Router {
    let sessions = crate::session_layer::session_layer(
        admin.db.clone(),
        admin.kept.access.clone(),
        admin.secure_cookies,
    );
    let at = |path: &str| format!("{}{path}", admin.path);
    let mut router = Router::new()
        .route(&at("/"), get(index::index))
        .route(&at("/login/"), get(login::page).post(login::submit))
        .route(&at("/logout/"), post(login::logout))
        .route(
            &at("/password_change/"),
            get(password::page).post(password::submit),
        )
        .route(&at("/password_change/done/"), get(password::done))
        .route(&at("/autocomplete/"), get(autocomplete::search))
        .route(&at("/static/{file}"), get(assets::serve))
        .route(
            &at("/auth/user/{id}/password/"),
            get(user_password::show).post(user_password::submit),
        )
        .route(&at("/{app}/"), get(index::app_index))
        .route(
            &at("/{app}/{model}/"),
            get(changelist::page).post(changelist::action),
        )
        .route(
            &at("/{app}/{model}/add/"),
            get(change_form::add_page).post(change_form::add_submit),
        )
        .route(
            &at("/{app}/{model}/{id}/"),
            get(change_form::object_redirect),
        )
        .route(
            &at("/{app}/{model}/{id}/change/"),
            get(change_form::change_page).post(change_form::change_submit),
        )
        .route(
            &at("/{app}/{model}/{id}/delete/"),
            get(delete::page).post(delete::submit),
        )
        .route(&at("/{app}/{model}/{id}/history/"), get(history::page))
        // Paths without their final slash, and unknown object pages.
        .route(&at("/{app}"), any(fallback))
        .route(&at("/{app}/{model}"), any(fallback))
        .route(&at("/{app}/{model}/{id}"), any(fallback))
        .route(&at("/{app}/{model}/{id}/{page}"), any(fallback))
        .route(&at("/{app}/{model}/{id}/{page}/"), any(fallback))
        // Anything deeper under the admin.
        .route(&at("/{app}/{model}/{id}/{page}/{*rest}"), any(fallback));
    if !admin.path.is_empty() {
        router = router.route(&admin.path, any(fallback));
    }
    let mut router = router
        .layer(
            csrf::CsrfLayer::new(admin.secure_cookies, admin.trusted_proxies.clone())
                .upload_limits(admin.upload_limits),
        )
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            admin.clone(),
            headers::error_pages,
        ))
        .layer(middleware::from_fn_with_state(
            admin.clone(),
            context::base_path,
        ))
        .layer(DefaultBodyLimit::max(csrf::MAX_BODY));
    for layer in headers::layers() {
        router = router.layer(layer);
    }
    router.with_state(admin)
}

/// A path under the admin without its final slash is redirected to it
/// (Django's `APPEND_SLASH`); anything else is a 404 page.
async fn fallback(
    method: Method,
    OriginalUri(uri): OriginalUri,
    // Read for the 404 page's header (the user's links), when logged in.
    _staff: Result<Staff, NotStaff>,
) -> Response {
    let path = uri.path();
    if method == Method::GET && !path.ends_with('/') && !path.contains("//") {
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        return Redirect::permanent(&format!("{path}/{query}")).into_response();
    }
    AdminError::NotFound("The page you asked for does not exist.".into()).into_response()
}
