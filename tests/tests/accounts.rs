//! Accounts on a project's own pages, on every backend: the extractors
//! (`CurrentUser`, `LoginRequired` with its redirect and safe `next`,
//! `PermissionRequired`), the login and logout pages, the password change,
//! the password reset by email end to end (link, new password, the link
//! used up), CSRF on the project's routes and the messages framework.

use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use orm::accounts::{CanChange, CurrentUser, LoginRequired, PermissionRequired};
use orm::auth::{Permission, User};
use orm::mail::{Mailer, Outbox};
use orm::messages::Messages;
use orm::prelude::*;
use orm::Site;
use orm_test::{each_database, TestSite, PASSWORD};

async fn whoami(user: CurrentUser) -> String {
    user.user()
        .map_or_else(|| "nobody".to_owned(), |u| format!("user {}", u.username))
}

async fn private(LoginRequired(access): LoginRequired) -> String {
    format!("private page of {}", access.user.username)
}

async fn editors(user: PermissionRequired<CanChange<User>>) -> String {
    format!("editor {}", user.0.user.username)
}

async fn note(messages: Messages) -> Result<&'static str, orm::admin::AdminError> {
    messages.success("Your note was kept.").await?;
    Ok("noted")
}

async fn shown(messages: Messages) -> Result<Html<String>, orm::admin::AdminError> {
    let texts: Vec<String> = messages
        .take()
        .await?
        .into_iter()
        .map(|m| format!("<li class=\"{}\">{}</li>", m.class(), m.text))
        .collect();
    Ok(Html(format!(
        "<ul class=\"messagelist\">{}</ul>",
        texts.concat()
    )))
}

fn site(mailer: Mailer) -> Site {
    Site::new("accounts_test")
        .pages(|_db| {
            Router::new()
                .route("/whoami/", get(whoami))
                .route("/private/", get(private))
                .route("/editors/", get(editors))
                .route("/note/", post(note))
                .route("/messages/", get(shown))
        })
        .accounts(move |accounts| accounts.mailer(mailer.clone()))
}

fn memory() -> (Mailer, Outbox) {
    Mailer::memory("site@example.com")
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_for_users_only_send_others_to_the_login_page() {
    let (mailer, _) = memory();
    each_database(&site(mailer), |site: TestSite| async move {
        let kind = site.kind;
        let mut client = site.client();
        assert_eq!(client.get("/whoami/").await.body, "nobody", "{kind}");
        client
            .get("/private/?a=1")
            .await
            .expect_redirect("/accounts/login/?next=%2Fprivate%2F%3Fa%3D1", "anonymous");
        client
            .get("/editors/")
            .await
            .expect_redirect("/accounts/login/?next=%2Feditors%2F", "anonymous");

        let ada = site.create_user("ada");
        let page = client.get("/accounts/login/?next=/private/").await;
        page.expect(StatusCode::OK, "the login page");
        assert!(page.contains(r#"name="csrfmiddlewaretoken""#), "{kind}");
        assert_eq!(page.input_value("next").as_deref(), Some("/private/"));

        let page = client
            .post_form(
                "/accounts/login/",
                &[
                    ("username", "ada"),
                    ("password", "wrong"),
                    ("next", "/private/"),
                ],
            )
            .await;
        page.expect(StatusCode::OK, "a wrong password");
        assert_eq!(page.non_field_errors().len(), 1, "{kind}: {}", page.body);
        assert_eq!(page.input_value("username").as_deref(), Some("ada"), "kept");
        assert_eq!(
            page.input_value("password").as_deref(),
            Some(""),
            "never echoed"
        );

        let page = client
            .post_form("/accounts/login/", &[("username", ""), ("password", "")])
            .await;
        assert_eq!(page.field_errors("username"), ["This field is required."]);

        let page = client
            .post_form(
                "/accounts/login/",
                &[
                    ("username", "ada"),
                    ("password", PASSWORD),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        page.expect_redirect("/", "an unsafe next goes home");
        assert_eq!(client.get("/whoami/").await.body, "user ada", "{kind}");
        client
            .get("/private/")
            .await
            .expect(StatusCode::OK, "logged in");
        client
            .get("/editors/")
            .await
            .expect(StatusCode::FORBIDDEN, "without the permission");
        let last_login = User::objects()
            .filter(User::ID.eq(ada.id))
            .get(&mut site.conn())
            .unwrap()
            .last_login;
        assert!(last_login.is_some(), "{kind}: last_login set");

        let change = Permission::objects()
            .filter(Permission::CODENAME.eq("change_user"))
            .get(&mut site.conn())
            .unwrap();
        ada.user_permissions()
            .add(&mut site.conn(), &[change.id])
            .unwrap();
        let page = client.get("/editors/").await;
        page.expect(StatusCode::OK, "with the permission");
        assert_eq!(page.body, "editor ada");

        let page = client.post_form("/accounts/logout/", &[]).await;
        page.expect(StatusCode::OK, "logged out");
        assert!(page.contains("Log in again"), "{kind}");
        assert_eq!(client.get("/whoami/").await.body, "nobody", "{kind}");
        client
            .get("/accounts/logout/")
            .await
            .expect(StatusCode::METHOD_NOT_ALLOWED, "logging out is a POST");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_projects_routes_have_csrf_and_messages() {
    let (mailer, _) = memory();
    each_database(&site(mailer), |site: TestSite| async move {
        let kind = site.kind;
        let mut client = site.client();
        client
            .post("/note/")
            .without_token()
            .send()
            .await
            .expect(StatusCode::FORBIDDEN, "a POST without the token");
        client
            .post("/note/")
            .origin(Some("http://evil.example"))
            .send()
            .await
            .expect(StatusCode::FORBIDDEN, "a POST from another site");
        let page = client.post_form("/note/", &[]).await;
        page.expect(StatusCode::OK, "a POST with the token");
        let page = client.get("/messages/").await;
        assert!(
            page.contains(r#"<li class="success">Your note was kept.</li>"#),
            "{kind}: {}",
            page.body
        );
        let page = client.get("/messages/").await;
        assert!(!page.contains("Your note"), "{kind}: shown once");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_change_checks_the_old_password_and_keeps_the_session() {
    let (mailer, _) = memory();
    each_database(&site(mailer), |site: TestSite| async move {
        let kind = site.kind;
        let mut client = site.client();
        client
            .get("/accounts/password_change/")
            .await
            .expect_redirect(
                "/accounts/login/?next=%2Faccounts%2Fpassword_change%2F",
                "anonymous",
            );
        let ada = site.create_user("ada");
        client.force_login(&ada).await;
        let page = client.get("/accounts/password_change/").await;
        page.expect(StatusCode::OK, "the form");
        let page = client
            .post_form(
                "/accounts/password_change/",
                &[
                    ("old_password", "wrong"),
                    ("new_password1", "a-New-passphrase-77"),
                    ("new_password2", "another-one"),
                ],
            )
            .await;
        page.expect(StatusCode::OK, "refused");
        assert_eq!(page.field_errors("old_password").len(), 1, "{kind}");
        assert_eq!(
            page.field_errors("new_password2"),
            ["The two password fields didn’t match."]
        );
        let page = client
            .post_form(
                "/accounts/password_change/",
                &[
                    ("old_password", PASSWORD),
                    ("new_password1", "a-New-passphrase-77"),
                    ("new_password2", "a-New-passphrase-77"),
                ],
            )
            .await;
        page.expect_redirect("/accounts/password_change/done/", "changed");
        assert_eq!(
            client.get("/whoami/").await.body,
            "user ada",
            "{kind}: still in"
        );
        let user = User::objects()
            .filter(User::ID.eq(ada.id))
            .get(&mut site.conn())
            .unwrap();
        assert!(user.check_password("a-New-passphrase-77"), "{kind}");
    })
    .await;
}

/// The link of the only email in the outbox, as a path.
fn link_in(outbox: &Outbox) -> String {
    let messages = outbox.messages();
    assert_eq!(messages.len(), 1, "one email: {messages:?}");
    let body = &messages[0].body;
    let start = body.find("http://testserver/").expect("a link") + "http://testserver".len();
    let end = body[start..]
        .find(char::is_whitespace)
        .map_or(body.len(), |n| start + n);
    body[start..end].to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_password_is_reset_by_email_once() {
    let (mailer, outbox) = memory();
    each_database(&site(mailer), |site: TestSite| {
        let outbox = outbox.clone();
        async move {
            let kind = site.kind;
            outbox.clear();
            let ada = site.create_user("ada");
            let mut client = site.client();
            let page = client
                .post_form("/accounts/password_reset/", &[("email", "not an address")])
                .await;
            assert_eq!(page.field_errors("email"), ["Enter a valid email address."]);
            let page = client
                .post_form(
                    "/accounts/password_reset/",
                    &[("email", "nobody@example.com")],
                )
                .await;
            page.expect_redirect("/accounts/password_reset/done/", "an unknown address");
            assert!(outbox.messages().is_empty(), "{kind}: no email");

            let page = client
                .post_form(
                    "/accounts/password_reset/",
                    &[("email", &ada.email.to_uppercase())],
                )
                .await;
            page.expect_redirect("/accounts/password_reset/done/", "a known address");
            let link = link_in(&outbox);
            assert_eq!(outbox.messages()[0].to, std::slice::from_ref(&ada.email));

            let mut stranger = site.client();
            let page = stranger.get(&link).await;
            assert!(page.status.is_redirection(), "{kind}: {}", page.status);
            let form = page.location().to_owned();
            assert!(form.ends_with("/set-password/"), "{kind}: {form}");
            let page = stranger.get(&form).await;
            page.expect(StatusCode::OK, "the form");
            assert!(!page.contains("link was invalid"), "{kind}");
            assert!(
                !page.body.contains(link.rsplit('/').nth(1).unwrap_or("-")),
                "{kind}: the token is not in the page"
            );
            let page = stranger
                .post_form(
                    &form,
                    &[("new_password1", "short"), ("new_password2", "short")],
                )
                .await;
            page.expect(StatusCode::OK, "a weak password");
            assert!(!page.field_errors("new_password2").is_empty(), "{kind}");
            let page = stranger
                .post_form(
                    &form,
                    &[
                        ("new_password1", "Fresh-passphrase-2026"),
                        ("new_password2", "Fresh-passphrase-2026"),
                    ],
                )
                .await;
            page.expect_redirect("/accounts/reset/done/", "set");
            let user = User::objects()
                .filter(User::ID.eq(ada.id))
                .get(&mut site.conn())
                .unwrap();
            assert!(user.check_password("Fresh-passphrase-2026"), "{kind}");

            let mut again = site.client();
            let page = again.get(&link).await;
            page.expect(StatusCode::OK, "a used link");
            assert!(page.contains("link was invalid"), "{kind}: {}", page.body);
            let forged = link.replace("/reset/", "/reset/x");
            let page = again.get(&forged).await;
            assert!(page.contains("link was invalid"), "{kind}: {forged}");
        }
    })
    .await;
}
