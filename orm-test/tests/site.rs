//! The helpers against a small site of their own: a model in the admin,
//! a list page, a form that redirects, on every configured database.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use axum::{Form, Router};
use http::StatusCode;
use orm::prelude::*;
use orm_test::{each_database, Client, TestSite, PASSWORD};

/// A note with a title.
#[derive(Model, Debug, Clone)]
#[model(app_label = "memos")]
#[admin(list_display = ["title"])]
pub struct Memo {
    /// The key.
    pub id: i64,
    /// What it says.
    #[field(max_length = 200)]
    pub title: String,
}

#[derive(serde::Deserialize)]
struct NewMemo {
    title: String,
}

async fn list(State(db): State<Db>) -> Result<Html<String>, StatusCode> {
    let memos = db
        .run(|conn| Memo::objects().order_by([Memo::ID.asc()]).all(conn))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let items: String = memos
        .iter()
        .map(|memo| format!("<li>{}</li>", memo.title))
        .collect();
    Ok(Html(format!("<ul>{items}</ul>")))
}

async fn create(State(db): State<Db>, Form(form): Form<NewMemo>) -> impl IntoResponse {
    let mut memo = Memo {
        id: 0,
        title: form.title,
    };
    let saved = db.run(move |conn| memo.save(conn)).await;
    match saved {
        Ok(()) => Redirect::to("/").into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn site() -> orm::Site {
    orm::Site::new("memos")
        .migrations(orm::embed_migrations!("memos", "tests/migrations"))
        .model::<Memo>()
        .pages(|db| {
            Router::new()
                .route("/", get(list))
                .route("/memos/", axum::routing::post(create))
                .route("/moved/", get(|| async { Redirect::permanent("/") }))
                .with_state(db)
        })
}

#[tokio::test]
async fn each_database_gives_a_migrated_site_and_counts_its_queries() {
    each_database(&site(), |site| async move {
        let mut conn = site.conn();
        Memo {
            id: 0,
            title: "first".into(),
        }
        .save(&mut conn)
        .expect("save a memo");
        drop(conn);
        let mut client = site.client();
        let page = site.assert_num_queries(1, client.get("/")).await;
        page.expect(StatusCode::OK, &format!("{}: the list", site.kind));
        assert!(page.contains("<li>first</li>"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn redirects_are_followed_when_asked() {
    each_database(&site(), |site| async move {
        let mut client = site.client();
        let page = client.post_form("/memos/", &[("title", "second")]).await;
        page.expect_redirect("/", "a saved memo leads home");
        let page = client
            .post("/memos/")
            .field("title", "third")
            .follow_redirects()
            .send()
            .await;
        page.expect(StatusCode::OK, "the list after the form");
        assert_eq!(
            page.redirect_chain,
            vec![("/".to_owned(), StatusCode::SEE_OTHER)]
        );
        assert!(
            page.contains("<li>second</li><li>third</li>"),
            "{}",
            page.body
        );
        let page = client
            .request(http::Method::GET, "/moved/")
            .follow_redirects()
            .send()
            .await;
        assert_eq!(
            page.redirect_chain,
            vec![("/".to_owned(), StatusCode::PERMANENT_REDIRECT)]
        );
    })
    .await;
}

#[tokio::test]
async fn force_login_opens_the_admin_and_login_checks_the_password() {
    each_database(&site(), |site| async move {
        let admin = site.create_superuser("boss");
        let mut visitor = site.client();
        let page = visitor.get("/admin/memos/memo/").await;
        assert!(
            page.status.is_redirection(),
            "{}: a visitor is sent to log in",
            site.kind
        );
        let page = visitor
            .request(http::Method::GET, "/admin/memos/memo/")
            .follow_redirects()
            .send()
            .await;
        page.expect(StatusCode::OK, "the login page");
        assert!(page.redirect_chain[0].0.starts_with("/admin/login/"));

        let mut boss = site.client();
        boss.force_login(&admin).await;
        let page = boss.get("/admin/memos/memo/").await;
        page.expect(StatusCode::OK, &format!("{}: the changelist", site.kind));

        let member = site.create_user("member");
        let mut wrong = site.client();
        let page = wrong.login(&member.username, "not the password").await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "a wrong password shows the form again"
        );
        let mut staff_only = site.client();
        let page = staff_only.login(&member.username, PASSWORD).await;
        assert_eq!(page.status, StatusCode::OK, "the admin is for staff only");
        let page = staff_only.login("boss", PASSWORD).await;
        page.expect(StatusCode::SEE_OTHER, "the superuser logs in");
    })
    .await;
}

#[tokio::test]
#[should_panic(expected = "expected 5 queries, 1 ran")]
async fn assert_num_queries_fails_on_another_count() {
    let site = TestSite::new(&site(), orm::db::BackendKind::Sqlite, None);
    let mut client: Client = site.client();
    site.assert_num_queries(5, client.get("/")).await;
}
