//! The blog's app served in the test process: a fresh database of one
//! backend with the blog's migrations applied, and requests sent straight
//! to the router.

use axum::body::Body;
use http::{Request, StatusCode};
use orm::db::{BackendKind, PoolOptions};
use tests::backends::{fresh_with, TestDb};
use tower::ServiceExt as _;

/// A new database on `kind` (dropped with the guard), migrated like the
/// blog's own `migrate`.
pub(crate) fn migrated(kind: BackendKind, url: Option<&str>, options: PoolOptions) -> TestDb {
    blog::link_models();
    let test_db = fresh_with(kind, url, &[], options);
    blog::migrate(&test_db.db, &mut std::io::sink()).expect("the blog's migrations apply");
    test_db
}

/// `GET path` on `app`: the status and the body as text.
pub(crate) async fn get(app: &axum::Router, path: &str) -> (StatusCode, String) {
    let request = Request::get(path)
        .body(Body::empty())
        .expect("a GET request");
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the whole body");
    (status, String::from_utf8_lossy(&body).into_owned())
}
