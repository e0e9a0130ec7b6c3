//! The site answers on a fresh database with every migration applied.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt as _;

#[tokio::test]
async fn the_home_page_and_the_admin_login_answer() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("test.sqlite3").display());
    let db = orm::Db::open(&url).expect("the test database");
    let site = __project__::site();
    site.project()
        .migrate(&db, None, None, &mut std::io::sink())
        .expect("the migrations apply");
    let settings = orm::Settings::for_tests("a-secret-key-for-the-tests-0123456789");
    let app = site.router(db, &settings);
    for path in ["/", "/admin/login/"] {
        let request = Request::get(path).body(Body::empty()).expect("a request");
        let response = app.clone().oneshot(request).await.expect("an answer");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}
