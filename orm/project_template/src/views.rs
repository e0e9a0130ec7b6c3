//! The project's own pages.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use orm::prelude::*;

use crate::models::Note;

/// `/`: the ten newest notes.
pub fn router(db: Db) -> Router {
    Router::new().route("/", get(home)).with_state(db)
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    notes: Vec<Note>,
}

async fn home(State(db): State<Db>) -> Response {
    let notes = db
        .run(|conn| Note::objects().limit(10).all(conn))
        .await
        .unwrap_or_default();
    match (Home { notes }).render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
