//! The admin's user forms, on every backend: which usernames they accept
//! (the same rules as `createsuperuser`).

use http::StatusCode;
use orm_core::auth::User;
use orm_core::prelude::*;
use tests::admin_app::{each_app, AdminApp, Client, Page, Role};

const USERS: &str = "/admin/auth/user/";
const ADD: &str = "/admin/auth/user/add/";
const INVALID: &str = "Enter a valid username. This value may contain only letters, numbers, \
                       and @/./+/-/_ characters.";
const TAKEN: &str = "A user with that username already exists.";

fn change_url(id: i64) -> String {
    format!("{USERS}{id}/change/")
}

/// A user form that keeps every flag off; `extra` replaces or adds fields
/// (a name given twice is sent twice, for many-to-many choices).
fn user_form(username: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("username", username),
        ("first_name", ""),
        ("last_name", ""),
        ("email", ""),
        ("is_active", "on"),
        ("_save", "Save"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let replaced: Vec<&str> = extra.iter().map(|(k, _)| *k).collect();
    form.retain(|(k, _)| !replaced.contains(&k.as_str()));
    form.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    form
}

async fn submit(client: &mut Client, path: &str, form: &[(String, String)]) -> Page {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.post_form(path, &fields).await
}

fn load(app: &AdminApp, id: i64) -> User {
    User::objects()
        .filter(User::ID.eq(id))
        .get(&mut app.conn())
        .unwrap()
}

fn usernames(app: &AdminApp) -> Vec<String> {
    User::objects()
        .order_by([User::ID.asc()])
        .all(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect()
}

// ---------------------------------------------------------------------------
// Usernames
// ---------------------------------------------------------------------------

/// Usernames that look like another, hide characters, or are not names.
fn bad_usernames() -> Vec<&'static str> {
    vec![
        "boss\u{200b}",
        "adm\u{202e}nimda",
        "<script>alert(1)</script>",
        "tab\tname",
        "new\nline",
        "two words",
        "soft\u{ad}hyphen",
        "hangul\u{3164}filler",
        "\u{ffa0}",
        "bell\u{7}",
        "nbsp\u{a0}name",
        "bo\u{feff}ss",
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_add_form_refuses_invisible_and_unsafe_usernames() {
    each_app(|app| async move {
        let kind = app.kind;
        let before = usernames(&app);
        let mut client = app.logged_in(Role::Superuser).await;
        for username in bad_usernames() {
            let page = submit(&mut client, ADD, &user_form(username, &[])).await;
            let what = format!("{kind}: add {username:?}");
            page.expect(StatusCode::OK, &what);
            assert_eq!(page.field_errors("username"), [INVALID], "{what}");
            assert_eq!(
                page.input_value("username").as_deref(),
                Some(username),
                "{what}: the typed value is kept"
            );
        }
        assert_eq!(usernames(&app), before, "{kind}: nobody added");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_change_form_refuses_invisible_and_unsafe_usernames() {
    each_app(|app| async move {
        let kind = app.kind;
        let other = app.user("other");
        let mut client = app.logged_in(Role::Superuser).await;
        for username in bad_usernames() {
            let page = submit(
                &mut client,
                &change_url(other.id),
                &user_form(username, &[]),
            )
            .await;
            let what = format!("{kind}: rename to {username:?}");
            page.expect(StatusCode::OK, &what);
            assert_eq!(page.field_errors("username"), [INVALID], "{what}");
            assert_eq!(page.input_value("username").as_deref(), Some(username));
        }
        assert_eq!(load(&app, other.id).username, "other", "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn usernames_are_saved_in_nfkc() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        for (typed, saved) in [
            ("\u{ff42}\u{ff4f}\u{ff42}", "bob"),
            ("\u{fb01}le", "file"),
            ("Jose\u{301}", "Jos\u{e9}"),
        ] {
            submit(&mut client, ADD, &user_form(typed, &[]))
                .await
                .expect(StatusCode::SEE_OTHER, &format!("{kind}: add {typed:?}"));
            assert!(
                usernames(&app).contains(&saved.to_owned()),
                "{kind}: {typed:?} saved as {saved:?}: {:?}",
                usernames(&app)
            );
        }
        // Normalised first, then compared: the full-width name is taken.
        let page = submit(&mut client, ADD, &user_form("\u{ff22}OB", &[])).await;
        page.expect(StatusCode::OK, &format!("{kind}: BOB"));
        assert_eq!(page.field_errors("username"), [TAKEN], "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_username_differing_only_in_case_is_taken() {
    each_app(|app| async move {
        let kind = app.kind;
        let boss = app.user("boss");
        let other = app.user("other");
        let mut client = app.logged_in(Role::Superuser).await;
        for name in ["Boss", "BOSS", "boss"] {
            let page = submit(&mut client, ADD, &user_form(name, &[])).await;
            page.expect(StatusCode::OK, &format!("{kind}: add {name}"));
            assert_eq!(page.field_errors("username"), [TAKEN], "{kind}: {name}");
            assert_eq!(page.input_value("username").as_deref(), Some(name));

            let page = submit(&mut client, &change_url(other.id), &user_form(name, &[])).await;
            page.expect(StatusCode::OK, &format!("{kind}: rename to {name}"));
            assert_eq!(page.field_errors("username"), [TAKEN], "{kind}: {name}");
        }
        // A user may change the case of their own name.
        submit(&mut client, &change_url(boss.id), &user_form("Boss", &[]))
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: own name"));
        assert_eq!(load(&app, boss.id).username, "Boss", "{kind}");
        assert_eq!(load(&app, other.id).username, "other", "{kind}");
        assert_eq!(
            usernames(&app)
                .iter()
                .filter(|u| u.eq_ignore_ascii_case("boss"))
                .count(),
            1,
            "{kind}"
        );
    })
    .await;
}
