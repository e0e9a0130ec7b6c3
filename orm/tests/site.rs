//! A site's router as `runserver` serves it: the project's pages beside
//! the admin, the `Host` check and compression.

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::{header, Request, StatusCode};
use orm::{Db, Settings, Site};
use tower::ServiceExt as _;

const KEY: &str = "site-tests-secret-key-0123456789abcdef";

fn router(allowed_hosts: &[&str]) -> Router {
    let db = Db::open("sqlite://:memory:").expect("an in-memory database");
    let mut settings = Settings::for_tests(KEY);
    settings.allowed_hosts = allowed_hosts.iter().map(|h| h.to_string()).collect();
    Site::new("test")
        .pages(|_db| Router::new().route("/page", get(|| async { "word ".repeat(400) })))
        .router(db, &settings)
}

async fn get_with(app: &Router, host: &str, accept_encoding: &str) -> http::Response<Body> {
    let mut request = Request::get("/page").header(header::HOST, host);
    if !accept_encoding.is_empty() {
        request = request.header(header::ACCEPT_ENCODING, accept_encoding);
    }
    app.clone()
        .oneshot(request.body(Body::empty()).expect("a request"))
        .await
        .expect("the router answers")
}

#[tokio::test]
async fn only_allowed_hosts_are_served() {
    let app = router(&["example.com", ".example.org"]);
    for host in ["example.com", "example.com:8000", "www.example.org"] {
        assert_eq!(
            get_with(&app, host, "").await.status(),
            StatusCode::OK,
            "{host}"
        );
    }
    for host in ["evil.com", "example.com.evil.com", "localhost", ""] {
        let response = get_with(&app, host, "").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{host}");
    }
    // The admin is behind the same check.
    let response = app
        .clone()
        .oneshot(
            Request::get("/admin/login/")
                .header(header::HOST, "evil.com")
                .body(Body::empty())
                .expect("a request"),
        )
        .await
        .expect("the router answers");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn pages_are_compressed_when_the_client_accepts_it() {
    let app = router(&["*"]);
    let plain = get_with(&app, "example.com", "").await;
    assert_eq!(plain.headers().get(header::CONTENT_ENCODING), None);
    for (accepted, encoding) in [("gzip", "gzip"), ("br", "br"), ("gzip, br", "br")] {
        let response = get_with(&app, "example.com", accepted).await;
        assert_eq!(response.status(), StatusCode::OK);
        let got = response
            .headers()
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok());
        assert_eq!(got, Some(encoding), "Accept-Encoding: {accepted}");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        assert!(body.len() < 400, "{} bytes for 2,000", body.len());
    }
}
