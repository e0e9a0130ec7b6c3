//! The blog's public pages.

use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use orm_core::Db;

/// `/`: the published articles.
pub(crate) fn router(_db: Db) -> Router {
    Router::new().route("/", get(|| async { Redirect::to("/admin/") }))
}
