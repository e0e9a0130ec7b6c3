//! The stylesheet and script, compiled into the binary and served with a
//! content hash in their URL so browsers cache them for good.

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const CSS: &str = include_str!("../static/admin.css");
const JS: &str = include_str!("../static/admin.js");

/// `admin.css?v=<hash>` and `admin.js?v=<hash>`, relative to the static path.
pub(crate) static CSS_NAME: LazyLock<String> = LazyLock::new(|| versioned("admin.css", CSS));
pub(crate) static JS_NAME: LazyLock<String> = LazyLock::new(|| versioned("admin.js", JS));

fn versioned(name: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{name}?v={short}")
}

/// `GET /static/{file}`.
pub(crate) async fn serve(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "admin.css" => (CSS, "text/css; charset=utf-8"),
        "admin.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        body,
    )
        .into_response()
}
