//! Database-backed sessions on every backend: the tower-sessions store
//! (create, load, save, expiry, delete, purge, id collisions) and an axum
//! app using it (cookie flags, a counter across requests, `cycle_id`).

use std::collections::HashMap;
use std::str::FromStr;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::{header, Request, StatusCode};
use orm_contrib::sessions::{DbSessionStore, Session};
use orm_core::db::BackendKind;
use orm_core::prelude::*;
use tests::backends::{configured, fresh, TestDb};
use tower::ServiceExt;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};
use tower_sessions::SessionManagerLayer;

/// A fresh database with the session table, per configured backend.
fn databases() -> Vec<(BackendKind, TestDb)> {
    configured()
        .into_iter()
        .map(|(kind, url)| (kind, fresh(kind, url.as_deref(), &[Session::schema()])))
        .collect()
}

fn record(user: i64, expires_in: Duration) -> Record {
    let mut data = HashMap::new();
    data.insert("user_id".to_owned(), serde_json::json!(user));
    Record {
        id: Id::default(),
        data,
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

async fn rows(db: &Db) -> Vec<Session> {
    db.run(|conn| Session::objects().all(conn)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_load_save_delete() {
    for (kind, test_db) in databases() {
        let store = DbSessionStore::new(test_db.db.clone());
        let mut session = record(1, Duration::hours(1));
        store.create(&mut session).await.unwrap();

        let loaded = store.load(&session.id).await.unwrap();
        assert_eq!(loaded.as_ref(), Some(&session), "{kind}");
        let stored = rows(&test_db.db).await;
        assert_eq!(stored.len(), 1, "{kind}");
        assert_eq!(stored[0].session_key, session.id.to_string(), "{kind}");
        let json: serde_json::Value = serde_json::from_str(&stored[0].session_data).unwrap();
        assert_eq!(json["data"]["user_id"], 1, "{kind}");
        let drift = stored[0].expire_date.timestamp() - session.expiry_date.unix_timestamp();
        assert!(drift.abs() <= 1, "{kind}: expire_date off by {drift}s");

        session
            .data
            .insert("user_id".to_owned(), serde_json::json!(2));
        session.expiry_date += Duration::hours(1);
        store.save(&session).await.unwrap();
        assert_eq!(
            store.load(&session.id).await.unwrap(),
            Some(session.clone()),
            "{kind}"
        );
        assert_eq!(rows(&test_db.db).await.len(), 1, "{kind}: updated in place");

        // Saving a session whose row is gone writes it again.
        let other = record(3, Duration::hours(1));
        store.save(&other).await.unwrap();
        assert_eq!(store.load(&other.id).await.unwrap(), Some(other), "{kind}");

        store.delete(&session.id).await.unwrap();
        assert_eq!(store.load(&session.id).await.unwrap(), None, "{kind}");
        store.delete(&session.id).await.unwrap();
        assert_eq!(rows(&test_db.db).await.len(), 1, "{kind}");
        assert_eq!(store.load(&Id::default()).await.unwrap(), None, "{kind}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_sessions_do_not_load_and_are_removed() {
    for (kind, test_db) in databases() {
        let store = DbSessionStore::new(test_db.db.clone());
        let mut expired = record(1, Duration::hours(-1));
        store.create(&mut expired).await.unwrap();
        let mut live = record(2, Duration::hours(1));
        store.create(&mut live).await.unwrap();
        assert_eq!(rows(&test_db.db).await.len(), 2, "{kind}");

        assert_eq!(store.load(&expired.id).await.unwrap(), None, "{kind}");
        let left = rows(&test_db.db).await;
        assert_eq!(left.len(), 1, "{kind}: the expired row is deleted");
        assert_eq!(left[0].session_key, live.id.to_string(), "{kind}");

        // A session saved with a past expiry (it expired while in use).
        let mut ended = live.clone();
        ended.expiry_date = OffsetDateTime::now_utc() - Duration::seconds(1);
        store.save(&ended).await.unwrap();
        assert_eq!(store.load(&live.id).await.unwrap(), None, "{kind}");
        assert!(rows(&test_db.db).await.is_empty(), "{kind}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_expired_purges_only_expired_rows() {
    for (kind, test_db) in databases() {
        let store = DbSessionStore::new(test_db.db.clone());
        let mut live = record(1, Duration::hours(1));
        store.create(&mut live).await.unwrap();
        for user in 2..5 {
            let mut old = record(user, Duration::minutes(-user));
            store.create(&mut old).await.unwrap();
        }
        assert_eq!(rows(&test_db.db).await.len(), 4, "{kind}");
        store.delete_expired().await.unwrap();
        let left = rows(&test_db.db).await;
        assert_eq!(left.len(), 1, "{kind}");
        assert_eq!(left[0].session_key, live.id.to_string(), "{kind}");
        assert_eq!(store.load(&live.id).await.unwrap(), Some(live), "{kind}");
        store.delete_expired().await.unwrap();
        assert_eq!(rows(&test_db.db).await.len(), 1, "{kind}: nothing more");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn create_retries_with_a_new_id_on_collision() {
    for (kind, test_db) in databases() {
        let store = DbSessionStore::new(test_db.db.clone());
        let mut first = record(1, Duration::hours(1));
        store.create(&mut first).await.unwrap();
        let taken = first.id;

        let mut second = record(2, Duration::hours(1));
        second.id = taken;
        store.create(&mut second).await.unwrap();
        assert_ne!(second.id, taken, "{kind}: a fresh id");
        assert_eq!(
            store.load(&taken).await.unwrap(),
            Some(first.clone()),
            "{kind}: the first session is untouched"
        );
        assert_eq!(
            store.load(&second.id).await.unwrap(),
            Some(second.clone()),
            "{kind}"
        );

        // An expired session's id is taken too, until it is purged.
        let mut stale = record(3, Duration::hours(-1));
        store.create(&mut stale).await.unwrap();
        let mut third = record(4, Duration::hours(1));
        third.id = stale.id;
        store.create(&mut third).await.unwrap();
        assert_ne!(third.id, stale.id, "{kind}");
        assert_eq!(rows(&test_db.db).await.len(), 4, "{kind}");
    }
}

async fn count(session: tower_sessions::Session) -> String {
    let n: i64 = session.get("n").await.unwrap().unwrap_or(0) + 1;
    session.insert("n", n).await.unwrap();
    n.to_string()
}

async fn login(session: tower_sessions::Session) -> String {
    session.cycle_id().await.unwrap();
    let n: i64 = session.get("n").await.unwrap().unwrap_or(0);
    n.to_string()
}

fn app(store: DbSessionStore) -> Router {
    Router::new()
        .route("/", get(count))
        .route("/login", get(login))
        .layer(
            SessionManagerLayer::new(store)
                .with_secure(false)
                .with_same_site(SameSite::Lax)
                .with_http_only(true),
        )
}

/// The body and the `Set-Cookie` header of `GET path` with `cookie`.
async fn get_page(app: &Router, path: &str, cookie: Option<&str>) -> (String, Option<String>) {
    let mut request = Request::builder().uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (String::from_utf8(body.to_vec()).unwrap(), set_cookie)
}

/// `name=value` of a `Set-Cookie` header, and the session id it holds.
fn cookie_pair(set_cookie: &str) -> (String, Id) {
    let pair = set_cookie.split(';').next().unwrap().trim().to_owned();
    let value = pair.split_once('=').unwrap().1;
    (pair.clone(), Id::from_str(value).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn axum_app_keeps_a_counter_and_cycles_the_id() {
    for (kind, test_db) in databases() {
        let store = DbSessionStore::new(test_db.db.clone());
        let app = app(store.clone());

        let (body, set_cookie) = get_page(&app, "/", None).await;
        assert_eq!(body, "1", "{kind}");
        let set_cookie = set_cookie.expect("a session cookie");
        let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
        assert!(attributes.contains(&"HttpOnly"), "{kind}: {set_cookie}");
        assert!(attributes.contains(&"SameSite=Lax"), "{kind}: {set_cookie}");
        assert!(!attributes.contains(&"Secure"), "{kind}: {set_cookie}");
        let (cookie, id) = cookie_pair(&set_cookie);
        assert!(store.load(&id).await.unwrap().is_some(), "{kind}");

        let (body, _) = get_page(&app, "/", Some(&cookie)).await;
        assert_eq!(body, "2", "{kind}: the counter survives");

        let (body, set_cookie) = get_page(&app, "/login", Some(&cookie)).await;
        assert_eq!(body, "2", "{kind}: cycle_id keeps the data");
        let (new_cookie, new_id) = cookie_pair(&set_cookie.expect("a new session cookie"));
        assert_ne!(new_id, id, "{kind}: a new id");
        assert_eq!(store.load(&id).await.unwrap(), None, "{kind}: old id gone");
        let record = store.load(&new_id).await.unwrap().expect("the new session");
        assert_eq!(record.data["n"], 2, "{kind}");
        assert_eq!(rows(&test_db.db).await.len(), 1, "{kind}");

        let (body, _) = get_page(&app, "/", Some(&new_cookie)).await;
        assert_eq!(body, "3", "{kind}: the new cookie carries on");
        let (body, _) = get_page(&app, "/", Some(&cookie)).await;
        assert_eq!(body, "1", "{kind}: the old cookie starts afresh");
    }
}
