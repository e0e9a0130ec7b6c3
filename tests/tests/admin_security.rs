//! The admin's security rules over HTTP, on every backend: every route
//! needs a staff login and the right permission, login and logout, the
//! login throttle, CSRF, security headers, escaping, hostile query strings,
//! oversized bodies and a database that does not answer.

use std::time::Duration;

use http::{header, Method, StatusCode};
use orm_contrib::auth::User;
use orm_contrib::sessions::Session;
use orm_core::db::PoolOptions;
use orm_core::prelude::*;
use tests::admin_app::{each_app, AdminApp, Client, Page, Role, PASSWORD};
use tests::admin_models::{Comment, Note, Story};

const STORIES: &str = "/admin/press/story/";
const WRONG_LOGIN: &str = "Please enter the correct username and password for a staff account.";
const XSS: &str = "<script>alert(1)</script>";

/// Where an anonymous request for `path` is sent.
fn login_url(path: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
    format!("/admin/login/?next={next}")
}

/// The admin's GET pages that need a login, with `id` an existing story.
fn protected_pages(id: i64, user: i64) -> Vec<String> {
    let story = format!("{STORIES}{id}/");
    vec![
        "/admin/".into(),
        "/admin/press/".into(),
        "/admin/auth/".into(),
        STORIES.into(),
        format!("{STORIES}?q=first&o=1&p=1"),
        format!("{STORIES}add/"),
        story.clone(),
        format!("{story}change/"),
        format!("{story}delete/"),
        format!("{story}history/"),
        "/admin/auth/user/".into(),
        format!("/admin/auth/user/{user}/change/"),
        format!("/admin/auth/user/{user}/password/"),
        "/admin/auth/group/add/".into(),
        "/admin/password_change/".into(),
        "/admin/password_change/done/".into(),
        "/admin/autocomplete/?app_label=press&model_name=gadget&field_name=owner&term=r".into(),
        "/admin/nope/".into(),
        "/admin/press/nope/".into(),
    ]
}

/// The admin's POST targets that need a login (and a permission), with a
/// form that would change something.
fn protected_posts(id: i64, user: i64) -> Vec<(String, Vec<(&'static str, String)>)> {
    let story = format!("{STORIES}{id}/");
    let id = id.to_string();
    vec![
        (
            STORIES.into(),
            vec![
                ("action", "delete_selected".into()),
                ("_selected_action", id.clone()),
                ("post", "yes".into()),
            ],
        ),
        (
            STORIES.into(),
            vec![("action", "publish".into()), ("_selected_action", id)],
        ),
        (format!("{STORIES}add/"), story_form("Added", "added", user)),
        (
            format!("{story}change/"),
            story_form("Changed", "changed", user),
        ),
        (format!("{story}delete/"), vec![("post", "yes".into())]),
        (
            format!("/admin/auth/user/{user}/password/"),
            vec![
                ("password1", "An0ther-secret-pass".into()),
                ("password2", "An0ther-secret-pass".into()),
            ],
        ),
    ]
}

/// A valid story form.
fn story_form(title: &str, slug: &str, author: i64) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.into()),
        ("slug", slug.into()),
        ("author", author.to_string()),
        ("body", "A body.".into()),
        ("status", "draft".into()),
        ("_save", "Save".into()),
    ]
}

async fn post(client: &mut Client, path: &str, form: &[(&'static str, String)]) -> Page {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post_form(path, &fields).await
}

/// The stories' titles and flags, to check nothing changed.
fn snapshot(app: &AdminApp) -> Vec<(i64, String, String, bool)> {
    app.stories()
        .into_iter()
        .map(|s| (s.id, s.title, s.slug, s.is_published))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_redirects_to_login_without_a_session() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("First", root);
        let before = snapshot(&app);
        let mut client = app.client();
        for path in protected_pages(story.id, root) {
            let page = client.get(&path).await;
            page.expect(StatusCode::SEE_OTHER, &format!("{kind}: GET {path}"))
                .expect_redirect(&login_url(&path), &format!("{kind}: GET {path}"))
                .assert_security_headers(&format!("{kind}: GET {path}"));
        }
        let password_change = (
            "/admin/password_change/".to_owned(),
            vec![
                ("old_password", PASSWORD.to_owned()),
                ("new_password1", "An0ther-secret-pass".to_owned()),
                ("new_password2", "An0ther-secret-pass".to_owned()),
            ],
        );
        for (path, form) in protected_posts(story.id, root)
            .into_iter()
            .chain([password_change])
        {
            let page = post(&mut client, &path, &form).await;
            page.expect_redirect(&login_url(&path), &format!("{kind}: POST {path}"));
        }
        assert_eq!(snapshot(&app), before, "{kind}: nothing changed");
        assert_eq!(client.cookie("sessionid"), None, "{kind}: no session made");
        // The login page and the stylesheet are open to everyone.
        client
            .get("/admin/login/")
            .await
            .expect(StatusCode::OK, &format!("{kind}: login page"));
        client
            .get("/admin/static/admin.css")
            .await
            .expect(StatusCode::OK, &format!("{kind}: stylesheet"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_without_permissions_gets_403_everywhere() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("First", root);
        let before = snapshot(&app);
        let mut client = app.logged_in(Role::Staff).await;
        let index = client.get("/admin/").await;
        index.expect(StatusCode::OK, &format!("{kind}: index"));
        assert!(
            index
                .text()
                .contains("You don’t have permission to view or edit anything."),
            "{kind}"
        );
        assert!(!index.contains(STORIES) && !index.contains("/admin/auth/user/"));
        let open = [
            "/admin/".to_owned(),
            "/admin/auth/".to_owned(),
            "/admin/password_change/".to_owned(),
            "/admin/password_change/done/".to_owned(),
            "/admin/nope/".to_owned(),
            "/admin/press/".to_owned(),
            "/admin/press/nope/".to_owned(),
            // Django's short object URL only redirects to the change page.
            format!("{STORIES}{}/", story.id),
        ];
        for path in protected_pages(story.id, root) {
            let page = client.get(&path).await;
            if open.contains(&path) {
                assert_ne!(page.status, StatusCode::FORBIDDEN, "{kind}: {path}");
                continue;
            }
            let what = format!("{kind}: GET {path}");
            page.expect(StatusCode::FORBIDDEN, &what)
                .assert_security_headers(&what);
            assert!(page.text().contains("You do not have permission"), "{what}");
        }
        for (path, form) in protected_posts(story.id, root) {
            let page = post(&mut client, &path, &form).await;
            page.expect(StatusCode::FORBIDDEN, &format!("{kind}: POST {path}"));
        }
        assert_eq!(snapshot(&app), before, "{kind}: nothing changed");
        // An app the user may see nothing of does not exist for them.
        client
            .get("/admin/press/")
            .await
            .expect(StatusCode::NOT_FOUND, &format!("{kind}: app index"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn view_only_staff_sees_but_cannot_change() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Viewed", root);
        let before = snapshot(&app);
        let mut client = app.logged_in(Role::Viewer).await;

        let list = client.get(STORIES).await;
        list.expect(StatusCode::OK, &format!("{kind}: changelist"));
        assert_eq!(list.row_ids(STORIES), [story.id], "{kind}");
        assert!(list.text().contains("Select story to view"), "{kind}");
        assert!(
            !list.contains(&format!("{STORIES}add/")),
            "{kind}: no add link"
        );
        // Reading rows out is viewing them: only the exports are offered.
        assert!(
            !list.contains("delete_selected"),
            "{kind}: no delete action"
        );
        assert!(
            !list.contains("value=\"publish\""),
            "{kind}: no change action"
        );
        assert!(list.contains("value=\"export_csv\""), "{kind}: the exports");
        let id = story.id.to_string();
        let export = client
            .post_form(
                STORIES,
                &[("action", "export_csv"), ("_selected_action", id.as_str())],
            )
            .await;
        assert_eq!(export.status, StatusCode::OK, "{kind}: a view may export");
        assert!(export.body.contains("Viewed"), "{kind}");

        let change_url = format!("{STORIES}{}/change/", story.id);
        let form = client.get(&change_url).await;
        form.expect(StatusCode::OK, &format!("{kind}: change page"));
        assert!(form.text().contains("View story"), "{kind}");
        assert!(!form.has_button("_save"), "{kind}: no Save button");
        assert!(!form.has_button("_continue"), "{kind}");
        assert!(!form.contains("name=\"title\""), "{kind}: no inputs");
        assert!(form.text().contains("Viewed"), "{kind}: values shown");
        assert!(!form.contains("/delete/\""), "{kind}: no delete link");

        client
            .get(&format!("{STORIES}{}/history/", story.id))
            .await
            .expect(StatusCode::OK, &format!("{kind}: history"));
        for (path, form) in protected_posts(story.id, root) {
            let page = post(&mut client, &path, &form).await;
            page.expect(StatusCode::FORBIDDEN, &format!("{kind}: POST {path}"));
        }
        for path in [
            format!("{STORIES}add/"),
            format!("{STORIES}{}/delete/", story.id),
            "/admin/auth/user/".into(),
        ] {
            client
                .get(&path)
                .await
                .expect(StatusCode::FORBIDDEN, &format!("{kind}: GET {path}"));
        }
        assert_eq!(snapshot(&app), before, "{kind}: nothing changed");

        // The editor may change, and run the action, but not add or delete.
        let mut editor = app.logged_in(Role::Editor).await;
        let form = editor.get(&change_url).await;
        assert!(form.has_button("_save"), "{kind}: the editor may save");
        assert!(!form.has_button("_addanother"), "{kind}: but not add");
        post(
            &mut editor,
            &change_url,
            &story_form("Edited", "edited", root),
        )
        .await
        .expect_redirect(STORIES, &format!("{kind}: editor saves"));
        let page = editor
            .post_form(
                STORIES,
                &[
                    ("action", "delete_selected"),
                    ("_selected_action", &story.id.to_string()),
                ],
            )
            .await;
        page.expect(StatusCode::FORBIDDEN, &format!("{kind}: editor deletes"));
        editor
            .get(&format!("{STORIES}add/"))
            .await
            .expect(StatusCode::FORBIDDEN, &format!("{kind}: editor adds"));
        assert_eq!(app.stories()[0].title, "Edited", "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn index_lists_only_permitted_models() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut root = app.logged_in(Role::Superuser).await;
        let index = root.get("/admin/").await;
        for url in [
            STORIES,
            "/admin/press/comment/",
            "/admin/press/note/",
            "/admin/press/gadget/",
            "/admin/auth/user/",
            "/admin/auth/group/",
        ] {
            assert!(index.contains(&format!("href=\"{url}\"")), "{kind}: {url}");
        }
        let mut viewer = app.logged_in(Role::Viewer).await;
        let index = viewer.get("/admin/").await;
        index.expect(StatusCode::OK, &format!("{kind}: viewer index"));
        assert!(index.contains(&format!("href=\"{STORIES}\"")), "{kind}");
        assert!(!index.contains(&format!("{STORIES}add/")), "{kind}");
        for hidden in [
            "/admin/press/comment/",
            "/admin/press/gadget/",
            "/admin/auth/user/",
            "/admin/auth/group/",
            "/admin/auth/",
        ] {
            assert!(!index.contains(hidden), "{kind}: {hidden} is hidden");
        }
        let app_index = viewer.get("/admin/press/").await;
        app_index.expect(StatusCode::OK, &format!("{kind}: app index"));
        assert!(!app_index.contains("/admin/press/comment/"), "{kind}");
        viewer
            .get("/admin/auth/")
            .await
            .expect(StatusCode::NOT_FOUND, &format!("{kind}: auth app"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_apps_models_and_objects_are_404_pages() {
    each_app(|app| async move {
        let kind = app.kind;
        let story = app.story("Here", app.user_id(Role::Superuser));
        let mut client = app.logged_in(Role::Superuser).await;
        for path in [
            "/admin/nope/".to_owned(),
            "/admin/press/nope/".into(),
            "/admin/press/nope/add/".into(),
            "/admin/press/nope/1/change/".into(),
            format!("{STORIES}999999/change/"),
            format!("{STORIES}999999/delete/"),
            format!("{STORIES}999999/history/"),
            format!("{STORIES}abc/change/"),
            format!("{STORIES}abc/history/"),
            format!("{STORIES}{}/nope/", story.id),
            format!("{STORIES}{}/change/nope/", story.id),
            "/admin/static/nope.css".into(),
            "/admin/auth/user/999999/password/".into(),
        ] {
            let what = format!("{kind}: {path}");
            let page = client.get(&path).await;
            page.expect(StatusCode::NOT_FOUND, &what)
                .assert_security_headers(&what);
            // The page keeps the header's links and a breadcrumb home.
            if !path.contains("/static/") {
                assert!(
                    page.contains("Welcome, <strong>root</strong>")
                        && page.contains("/admin/logout/")
                        && page.contains(r#"<nav class="breadcrumbs""#),
                    "{what}: the navigation is kept\n{}",
                    page.body
                );
            }
        }
        let mut anonymous = app.client();
        let page = anonymous.get("/admin/press/story/1/nope/").await;
        assert!(
            page.status == StatusCode::NOT_FOUND && !page.contains("Welcome,"),
            "{kind}: an anonymous 404 names nobody: {}",
            page.status
        );
        let page = client.get(&format!("{STORIES}999999/change/")).await;
        assert!(
            page.text()
                .contains("Story with ID “999999” doesn’t exist. Perhaps it was deleted?"),
            "{kind}: {}",
            page.text()
        );
        // A path without its final slash gets it.
        client
            .get("/admin/press/story?q=x")
            .await
            .expect_redirect("/admin/press/story/?q=x", &format!("{kind}: slash"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn login_refuses_wrong_passwords_non_staff_and_inactive_users() {
    each_app(|app| async move {
        let kind = app.kind;
        for (username, password) in [
            ("root", "wrong password"),
            ("nobody", PASSWORD),
            ("member", PASSWORD),
            ("inactive", PASSWORD),
            ("ROOT", PASSWORD),
        ] {
            let what = format!("{kind}: {username}");
            let mut client = app.client();
            let page = client.login(username, password).await;
            page.expect(StatusCode::OK, &what)
                .assert_security_headers(&what);
            assert!(page.text().contains(WRONG_LOGIN), "{what}");
            assert_eq!(page.input_value("username").as_deref(), Some(username));
            assert!(
                !page.contains(password),
                "{what}: the password is not shown"
            );
            assert_eq!(client.cookie("sessionid"), None, "{what}");
            client
                .get("/admin/")
                .await
                .expect(StatusCode::SEE_OTHER, &what);
        }
        // A user who stops being staff (or active) is logged out.
        let mut client = app.logged_in(Role::Editor).await;
        client
            .get(STORIES)
            .await
            .expect(StatusCode::OK, &kind.to_string());
        User::objects()
            .filter(User::ID.eq(app.user_id(Role::Editor)))
            .update(&mut app.conn(), vec![User::IS_STAFF.set(false)])
            .unwrap();
        client
            .get(STORIES)
            .await
            .expect_redirect(&login_url(STORIES), &format!("{kind}: no longer staff"));
        // Changing the password elsewhere ends the session too.
        let mut client = app.logged_in(Role::Viewer).await;
        User::objects()
            .filter(User::ID.eq(app.user_id(Role::Viewer)))
            .update(
                &mut app.conn(),
                vec![User::PASSWORD.set(orm_contrib::auth::make_unusable_password())],
            )
            .unwrap();
        client
            .get(STORIES)
            .await
            .expect_redirect(&login_url(STORIES), &format!("{kind}: new password"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn login_next_stays_on_the_site() {
    each_app(|app| async move {
        let kind = app.kind;
        for (next, target) in [
            ("http://evil.com", "/admin/"),
            ("//evil.com", "/admin/"),
            ("/\\evil.com", "/admin/"),
            ("https:evil.com", "/admin/"),
            ("javascript:alert(1)", "/admin/"),
            ("/admin/press/story/?q=a&o=1", "/admin/press/story/?q=a&o=1"),
        ] {
            let mut client = app.client();
            let page = client
                .post("/admin/login/")
                .fields(&[("username", "root"), ("password", PASSWORD), ("next", next)])
                .send()
                .await;
            page.expect_redirect(target, &format!("{kind}: next={next}"));
        }
        // The login page keeps `next` in its form, escaped.
        let mut client = app.client();
        let page = client
            .get("/admin/login/?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            .await;
        assert!(!page.contains("<script>alert(1)"), "{kind}");
        assert_eq!(
            page.input_value("next").as_deref(),
            Some("\"><script>alert(1)</script>"),
            "{kind}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn login_gives_a_new_session_id() {
    each_app(|app| async move {
        let kind = app.kind;
        // A session id planted before login is not the one logged in.
        let mut client = app.client();
        client.set_cookie("sessionid", "planted-by-an-attacker");
        client
            .login("root", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: login"));
        let first = client.cookie("sessionid").expect("a session");
        assert_ne!(first, "planted-by-an-attacker", "{kind}");
        let csrf_after_login = client.cookie("csrftoken");

        // Logging in again (as someone else) cycles the id.
        client
            .login("editor", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: second login"));
        let second = client.cookie("sessionid").expect("a session");
        assert_ne!(first, second, "{kind}: the session id changed");
        assert_ne!(
            client.cookie("csrftoken"),
            csrf_after_login,
            "{kind}: so did the CSRF token"
        );
        let index = client.get("/admin/").await;
        assert!(index.text().contains("Welcome, editor"), "{kind}");

        let mut old = app.client();
        old.set_cookie("sessionid", &first);
        old.get("/admin/")
            .await
            .expect_redirect(&login_url("/admin/"), &format!("{kind}: old id"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_is_a_post_and_ends_the_session() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let session = client.cookie("sessionid").expect("a session");

        let page = client.get("/admin/logout/").await;
        page.expect(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("{kind}: GET logout"),
        )
        .assert_security_headers(&format!("{kind}: 405"));
        let page = client.post("/admin/logout/").without_token().send().await;
        page.expect(
            StatusCode::FORBIDDEN,
            &format!("{kind}: logout without token"),
        );
        client
            .get("/admin/")
            .await
            .expect(StatusCode::OK, &format!("{kind}: still logged in"));

        let page = client.logout().await;
        page.expect(StatusCode::OK, &format!("{kind}: logout"));
        assert!(page.text().contains("Logged out"), "{kind}");
        assert_eq!(client.cookie("sessionid"), None, "{kind}: cookie removed");
        client
            .get("/admin/")
            .await
            .expect_redirect(&login_url("/admin/"), &format!("{kind}: logged out"));
        let rows = Session::objects()
            .filter(Session::SESSION_KEY.eq(session.clone()))
            .count(&mut app.conn())
            .unwrap();
        assert_eq!(rows, 0, "{kind}: the session row is gone");
        let mut replay = app.client();
        replay.set_cookie("sessionid", &session);
        replay
            .get("/admin/")
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: replayed id"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn login_is_throttled_after_five_failures() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.client();
        for attempt in 1..=5 {
            let page = client.login("root", "not the password").await;
            page.expect(StatusCode::OK, &format!("{kind}: failure {attempt}"));
            assert!(page.text().contains(WRONG_LOGIN), "{kind}");
        }
        for username in ["root", "Root"] {
            let page = client.login(username, PASSWORD).await;
            let what = format!("{kind}: {username} after five failures");
            page.expect(StatusCode::TOO_MANY_REQUESTS, &what)
                .assert_security_headers(&what);
            assert!(
                page.text().contains("Too many failed login attempts"),
                "{what}"
            );
            assert_eq!(client.cookie("sessionid"), None, "{what}");
        }
        // Other users are not locked out.
        client
            .login("editor", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: editor"));

        // Twenty failures from one address lock the address.
        let mut attacker = app.client();
        attacker.address = "10.0.0.66:5000".parse().unwrap();
        for i in 0..20 {
            attacker.login(&format!("guess{i}"), "guess").await;
        }
        attacker
            .login("viewer", PASSWORD)
            .await
            .expect(StatusCode::TOO_MANY_REQUESTS, &format!("{kind}: address"));
        let mut neighbour = app.client();
        neighbour.address = "10.0.0.67:5000".parse().unwrap();
        neighbour
            .login("viewer", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: other address"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn csrf_refuses_forged_posts() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Original", root);
        let change = format!("{STORIES}{}/change/", story.id);
        let form = story_form("Forged", "forged", root);
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut client = app.logged_in(Role::Superuser).await;
        let token = client.cookie("csrftoken").expect("a CSRF cookie");
        let other_token = format!("{:x>43}", "other");

        let attempts: Vec<(&str, Page)> = vec![
            ("wrong token", {
                client
                    .post(&change)
                    .fields(&fields)
                    .token(&other_token)
                    .send()
                    .await
            }),
            ("malformed token", {
                client.post(&change).fields(&fields).token("x").send().await
            }),
            ("no token", {
                client
                    .post(&change)
                    .fields(&fields)
                    .without_token()
                    .send()
                    .await
            }),
            ("foreign origin", {
                let request = client.post(&change).fields(&fields);
                request.origin(Some("http://evil.com")).send().await
            }),
            ("null origin", {
                let request = client.post(&change).fields(&fields);
                request.origin(Some("null")).send().await
            }),
            ("look-alike origin", {
                let request = client.post(&change).fields(&fields);
                request
                    .origin(Some("http://testserver.evil.com"))
                    .send()
                    .await
            }),
            ("foreign referer", {
                let request = client.post(&change).fields(&fields).origin(None);
                request
                    .header(header::REFERER, "http://evil.com/admin/")
                    .send()
                    .await
            }),
            ("no cookie", {
                client.remove_cookie("csrftoken");
                let page = client
                    .post(&change)
                    .fields(&fields)
                    .token(&token)
                    .send()
                    .await;
                client.set_cookie("csrftoken", &token);
                page
            }),
        ];
        for (what, page) in attempts {
            let what = format!("{kind}: {what}");
            page.expect(StatusCode::FORBIDDEN, &what)
                .assert_security_headers(&what);
            assert!(page.text().contains("CSRF verification failed"), "{what}");
        }
        assert_eq!(app.stories()[0].title, "Original", "{kind}: unchanged");

        // A delete and a bulk delete from another site change nothing either.
        let delete = format!("{STORIES}{}/delete/", story.id);
        client
            .post(&delete)
            .field("post", "yes")
            .origin(Some("http://evil.com"))
            .send()
            .await
            .expect(StatusCode::FORBIDDEN, &format!("{kind}: delete"));
        let id = story.id.to_string();
        client
            .post(STORIES)
            .fields(&[
                ("action", "delete_selected"),
                ("_selected_action", &id),
                ("post", "yes"),
            ])
            .without_token()
            .send()
            .await
            .expect(StatusCode::FORBIDDEN, &format!("{kind}: bulk delete"));
        // Logging in is protected too.
        let mut stranger = app.client();
        stranger
            .post("/admin/login/")
            .fields(&[("username", "root"), ("password", PASSWORD)])
            .without_token()
            .send()
            .await
            .expect(StatusCode::FORBIDDEN, &format!("{kind}: login"));
        assert_eq!(stranger.cookie("sessionid"), None, "{kind}");
        assert_eq!(app.stories().len(), 1, "{kind}: not deleted");

        // The site's own requests pass: the form field, or the header; a
        // request without Origin but with the site's Referer.
        client
            .post(&change)
            .fields(&fields)
            .origin(None)
            .header(header::REFERER, &format!("http://testserver{change}"))
            .send()
            .await
            .expect_redirect(STORIES, &format!("{kind}: same-site referer"));
        let header_form = story_form("By header", "by-header", root);
        let header_fields: Vec<(&str, &str)> =
            header_form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        client
            .post(&change)
            .fields(&header_fields)
            .without_token()
            .header(http::HeaderName::from_static("x-csrftoken"), &token)
            .send()
            .await
            .expect_redirect(STORIES, &format!("{kind}: X-CSRFToken"));
        assert_eq!(app.stories()[0].title, "By header", "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn csrf_cookie_is_set_and_used_by_the_forms() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.client();
        client.remove_cookie("csrftoken");
        let page = client.get("/admin/login/").await;
        let set_cookie: Vec<&str> = page
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let csrf = set_cookie
            .iter()
            .find(|c| c.starts_with("csrftoken="))
            .unwrap_or_else(|| panic!("{kind}: no CSRF cookie in {set_cookie:?}"));
        assert!(
            csrf.contains("SameSite=Lax") && csrf.contains("Path=/"),
            "{csrf}"
        );
        let token = client.cookie("csrftoken").expect("the cookie is kept");
        assert_eq!(
            page.input_value("csrfmiddlewaretoken").as_deref(),
            Some(token.as_str()),
            "{kind}: the form repeats the cookie"
        );
        // A second page does not set it again.
        let again = client.get("/admin/login/").await;
        assert!(again.header("set-cookie").is_none(), "{kind}");

        let page = client.login("root", PASSWORD).await;
        page.expect(StatusCode::SEE_OTHER, &format!("{kind}: login"));
        let session = page
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("sessionid="))
            .expect("a session cookie")
            .to_owned();
        assert!(session.contains("HttpOnly"), "{kind}: {session}");
        assert!(session.contains("SameSite=Lax"), "{kind}: {session}");
        let rotated = client.cookie("csrftoken").expect("a token");
        assert_ne!(rotated, token, "{kind}: the token is rotated at login");
        let index = client.get("/admin/").await;
        assert_eq!(
            index.input_value("csrfmiddlewaretoken").as_deref(),
            Some(rotated.as_str()),
            "{kind}: forms carry the new token"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn security_headers_on_pages_errors_and_redirects() {
    each_app(|app| async move {
        let kind = app.kind;
        let story = app.story("Headers", app.user_id(Role::Superuser));
        let mut anonymous = app.client();
        let mut root = app.logged_in(Role::Superuser).await;
        let mut staff = app.logged_in(Role::Staff).await;
        let checks: Vec<(&str, Page)> = vec![
            ("login page", anonymous.get("/admin/login/").await),
            ("redirect to login", anonymous.get(STORIES).await),
            ("index", root.get("/admin/").await),
            ("changelist", root.get(STORIES).await),
            (
                "change form",
                root.get(&format!("{STORIES}{}/change/", story.id)).await,
            ),
            ("404", root.get("/admin/press/nope/").await),
            ("403", staff.get(STORIES).await),
            ("slash redirect", root.get("/admin/press/story").await),
            ("405", root.request(Method::PUT, STORIES).send().await),
            ("stylesheet", root.get("/admin/static/admin.css").await),
        ];
        for (what, page) in checks {
            page.assert_security_headers(&format!("{kind}: {what}"));
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn titles_are_escaped_on_every_page() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        User::objects()
            .filter(User::ID.eq(root))
            .update(&mut app.conn(), vec![User::FIRST_NAME.set(XSS)])
            .unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        let form = story_form(XSS, "xss", root);
        let added = post(&mut client, &format!("{STORIES}add/"), &form).await;
        added.expect_redirect(STORIES, &format!("{kind}: add"));
        let id = app.stories()[0].id;
        {
            let mut conn = app.conn();
            let story = ForeignKey::<Story>::new(id);
            let mut comment = Comment {
                id: 0,
                story: story.clone(),
                text: XSS.into(),
            };
            comment.save(&mut conn).unwrap();
        }
        let change = format!("{STORIES}{id}/change/");
        let changed = post(&mut client, &change, &story_form(XSS, "xss", root)).await;
        changed.expect_redirect(STORIES, &format!("{kind}: change"));

        let search = format!(
            "{STORIES}?q={}",
            form_urlencoded::byte_serialize(XSS.as_bytes()).collect::<String>()
        );
        let mut pages = vec![
            (
                "changelist with the success message",
                client.get(STORIES).await,
            ),
            ("search", client.get(&search).await),
            ("change form", client.get(&change).await),
            (
                "history",
                client.get(&format!("{STORIES}{id}/history/")).await,
            ),
            (
                "delete",
                client.get(&format!("{STORIES}{id}/delete/")).await,
            ),
            ("comments", client.get("/admin/press/comment/").await),
            ("index with recent actions", client.get("/admin/").await),
        ];
        let id_text = id.to_string();
        pages.push((
            "bulk delete",
            client
                .post_form(
                    STORIES,
                    &[
                        ("action", "delete_selected"),
                        ("_selected_action", &id_text),
                    ],
                )
                .await,
        ));
        {
            let mut note = Note {
                id: 0,
                story: ForeignKey::new(id),
                text: XSS.into(),
            };
            note.save(&mut app.conn()).unwrap();
        }
        pages.push((
            "delete blocked by a note",
            client.get(&format!("{STORIES}{id}/delete/")).await,
        ));
        for (what, page) in &pages {
            let what = format!("{kind}: {what}");
            page.expect(StatusCode::OK, &what);
            assert!(
                !page.contains("<script>alert(1)"),
                "{what}: unescaped\n{}",
                page.body
            );
            assert!(page.text().contains(XSS), "{what}: shown, escaped");
        }
        assert!(
            pages[0].1.messages().iter().any(|m| m.contains(XSS)),
            "{kind}"
        );
        assert_eq!(
            pages[2].1.input_value("title").as_deref(),
            Some(XSS),
            "{kind}"
        );
        // The login form keeps what was typed, in an attribute.
        let mut anonymous = app.client();
        let page = anonymous.login(XSS, "x").await;
        assert!(!page.contains("<script>alert(1)"), "{kind}: login error");
        assert_eq!(page.input_value("username").as_deref(), Some(XSS), "{kind}");
    })
    .await;
}

/// Query strings and ids an attacker might try.
fn hostile_urls(id: i64) -> Vec<String> {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut urls = Vec::new();
    for (key, value) in [
        ("q", "' OR 1=1 --"),
        ("q", "\"; DROP TABLE press_story; --"),
        ("q", "%"),
        ("q", "_"),
        ("q", "\\"),
        ("q", "a\0b"),
        ("q", &"x".repeat(5000)),
        ("o", "1;DROP TABLE press_story"),
        ("o", "-0"),
        ("o", "999.-999"),
        ("o", "1.1.1.-1"),
        ("o", "abc"),
        ("o", "5"),
        ("p", "-1"),
        ("p", "0"),
        ("p", "abc"),
        ("p", "99999999999999999999"),
        ("p", "1 OR 1=1"),
        ("is_published__exact", "1' OR '1'='1"),
        ("is_published__exact", "maybe"),
        ("is_published__isnull", "perhaps"),
        ("status__exact", "' OR 1=1 --"),
        ("author__id__exact", "1 OR 1=1"),
        ("author__id__exact", "abc"),
        ("author__id__exact", "99999999999999999999999"),
        ("author__isnull", "True"),
        ("published_at__gte", "2020-13-45"),
        ("published_at__lt", "'; DROP TABLE press_story; --"),
        ("published_at__year", "abc"),
        ("published_at__year", "-5"),
        ("published_at__year", "99999"),
    ] {
        urls.push(format!("{STORIES}?{key}={}", encode(value)));
    }
    urls.push(format!(
        "{STORIES}?published_at__year=2024&published_at__month=13&published_at__day=40"
    ));
    urls.push(format!(
        "{STORIES}?published_at__month=2&published_at__day=30"
    ));
    urls.push(format!(
        "{STORIES}?status__exact=draft&status__exact=review"
    ));
    for bad_id in [
        encode("1' OR '1'='1"),
        encode("1;DROP TABLE press_story"),
        "-1".into(),
        "0".into(),
        "99999999999999999999".into(),
        "%00".into(),
        "1%2F2".into(),
        "%E2%80%AE".into(),
        "1e3".into(),
        format!("{id}.0"),
    ] {
        for page in ["change", "delete", "history"] {
            urls.push(format!("{STORIES}{bad_id}/{page}/"));
        }
    }
    urls
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_query_strings_and_ids_never_fail() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Alpha", root);
        app.story("Beta", root);
        let before = snapshot(&app);
        let mut client = app.logged_in(Role::Superuser).await;
        for url in hostile_urls(story.id) {
            let page = client.get(&url).await;
            assert!(
                matches!(page.status, StatusCode::OK | StatusCode::NOT_FOUND),
                "{kind}: {url} gave {}\n{}",
                page.status,
                page.text()
            );
        }
        // Posting to a hostile id changes nothing and never fails.
        for bad_id in ["1' OR '1'='1", "0", "-1"] {
            let path = format!(
                "{STORIES}{}/change/",
                form_urlencoded::byte_serialize(bad_id.as_bytes()).collect::<String>()
            );
            let page = post(&mut client, &path, &story_form("X", "x", root)).await;
            assert!(
                page.status.is_redirection() || page.status == StatusCode::NOT_FOUND,
                "{kind}: {path}: {}",
                page.status
            );
        }
        assert_eq!(snapshot(&app), before, "{kind}: rows unchanged");
        // NUL, which PostgreSQL refuses in a query, in the login form and
        // the autocomplete.
        let mut anonymous = app.client();
        let page = anonymous.login("root\0", PASSWORD).await;
        page.expect(StatusCode::OK, &format!("{kind}: NUL username"));
        assert!(page.text().contains(WRONG_LOGIN), "{kind}");
        let page = client
            .get("/admin/autocomplete/?app_label=press&model_name=gadget&field_name=owner&term=a%00b")
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: autocomplete"));
        assert!(page.contains("\"results\""), "{kind}: {}", page.body);
        // Text that looks like SQL is saved as text.
        let sql = "'); DROP TABLE press_story; --";
        let change = format!("{STORIES}{}/change/", story.id);
        post(&mut client, &change, &story_form(sql, "alpha", root))
            .await
            .expect_redirect(STORIES, &format!("{kind}: save"));
        let titles: Vec<String> = app.stories().into_iter().map(|s| s.title).collect();
        assert_eq!(titles, [sql, "Beta"], "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_query_parameters_are_ignored() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let ids: Vec<i64> = ["One", "Two"].iter().map(|t| app.story(t, root).id).collect();
        let mut client = app.logged_in(Role::Superuser).await;
        let plain = client.get(STORIES).await;
        let odd = client
            .get(&format!(
                "{STORIES}?evil=1&title__contains=One&_popup=1&id__gt=0&author__username=root&o=1&zz=%3Cb%3E"
            ))
            .await;
        odd.expect(StatusCode::OK, &format!("{kind}: unknown parameters"));
        let mut sorted = ids.clone();
        sorted.sort_by_key(|id| if *id == ids[0] { 0 } else { 1 });
        assert_eq!(odd.row_ids(STORIES), sorted, "{kind}: only o=1 applies");
        assert_eq!(plain.row_ids(STORIES).len(), 2, "{kind}");
        for dropped in ["evil", "title__contains", "_popup", "id__gt", "zz="] {
            assert!(!odd.contains(dropped), "{kind}: {dropped} is not echoed");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_are_refused_with_413() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Small", root);
        let mut client = app.logged_in(Role::Superuser).await;
        let token = client.cookie("csrftoken").unwrap();
        let change = format!("{STORIES}{}/change/", story.id);
        for size in [3 * 1024 * 1024, 10 * 1024 * 1024] {
            let mut body = format!(
                "csrfmiddlewaretoken={token}&title=Huge&slug=huge&author={root}&status=draft&body="
            )
            .into_bytes();
            body.resize(size, b'a');
            let page = client.post(&change).body(body).send().await;
            let what = format!("{kind}: {size} bytes");
            page.expect(StatusCode::PAYLOAD_TOO_LARGE, &what)
                .assert_security_headers(&what);
        }
        assert_eq!(app.stories()[0].title, "Small", "{kind}: unchanged");
        // Without a session the body is refused all the same.
        let mut anonymous = app.client();
        let page = anonymous
            .post("/admin/login/")
            .body(vec![b'a'; 10 * 1024 * 1024])
            .send()
            .await;
        page.expect(StatusCode::PAYLOAD_TOO_LARGE, &format!("{kind}: login"));
        assert_eq!(anonymous.cookie("sessionid"), None, "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn database_down_gives_a_503_page() {
    each_app(|app| async move {
        let kind = app.kind;
        let logged_in = app.logged_in(Role::Superuser).await;
        // A second admin over a pool of one connection, which we hold.
        let (router, db) = app.router_with_pool(PoolOptions {
            max_size: 1,
            connection_timeout: Duration::from_millis(300),
            ..PoolOptions::default()
        });
        let mut client = app.client_of(router, &logged_in);
        let held = db.conn().unwrap();
        for page in [
            client.get("/admin/").await,
            client.get(STORIES).await,
            client.login("root", PASSWORD).await,
        ] {
            let what = format!("{kind}: database busy");
            page.expect(StatusCode::SERVICE_UNAVAILABLE, &what)
                .assert_security_headers(&what);
            assert_eq!(page.header("retry-after"), Some("5"), "{what}");
            assert!(
                page.text()
                    .contains("The database cannot be reached right now."),
                "{what}: {}",
                page.text()
            );
        }
        drop(held);
        client
            .get("/admin/")
            .await
            .expect(StatusCode::OK, &format!("{kind}: back"));
    })
    .await;
}
