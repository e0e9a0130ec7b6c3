//! The admin's user forms, on every backend: which usernames they accept
//! (the same rules as `createsuperuser`), and what staff who may change
//! users but are not superusers may do (never raise anyone's rights, never
//! touch a superuser).

use http::StatusCode;
use orm_contrib::auth::{Group, Permission, User};
use orm_core::db::BackendKind;
use orm_core::prelude::*;
use tests::admin_app::{each_app, AdminApp, Client, Page, Role, PASSWORD};

const USERS: &str = "/admin/auth/user/";
const ADD: &str = "/admin/auth/user/add/";
const INVALID: &str = "Enter a valid username. This value may contain only letters, numbers, \
                       and @/./+/-/_ characters.";
const TAKEN: &str = "A user with that username already exists.";

fn change_url(id: i64) -> String {
    format!("{USERS}{id}/change/")
}

fn password_url(id: i64) -> String {
    format!("{USERS}{id}/password/")
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

/// Permission labels given to `user` directly, sorted.
fn direct_permissions(app: &AdminApp, user: &User) -> Vec<String> {
    let mut conn = app.conn();
    let mut labels: Vec<String> = user
        .user_permissions()
        .all(&mut conn)
        .unwrap()
        .into_iter()
        .map(|p| format!("{}.{}", p.app_label, p.codename))
        .collect();
    labels.sort();
    labels
}

fn group_names(app: &AdminApp, user: &User) -> Vec<String> {
    user.groups()
        .all(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect()
}

/// A staff user who may view, add and change users, but is no superuser,
/// logged in.
async fn user_manager(app: &AdminApp) -> (User, Client) {
    let clerk = app.user("clerk");
    User::objects()
        .filter(User::ID.eq(clerk.id))
        .update(&mut app.conn(), vec![User::IS_STAFF.set(true)])
        .unwrap();
    app.grant(
        clerk.id,
        &["auth.view_user", "auth.add_user", "auth.change_user"],
    );
    let mut client = app.client();
    client.login("clerk", PASSWORD).await.expect(
        StatusCode::SEE_OTHER,
        &format!("{}: clerk logs in", app.kind),
    );
    (load(app, clerk.id), client)
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
        // Normalised first, then measured: each ligature is three letters.
        let ligatures = "\u{fb03}".repeat(60);
        let page = submit(&mut client, ADD, &user_form(&ligatures, &[])).await;
        page.expect(StatusCode::OK, &format!("{kind}: 180 letters"));
        assert_eq!(
            page.field_errors("username"),
            ["Ensure this value has at most 150 characters (it has 180)."],
            "{kind}"
        );
        assert_eq!(page.input_value("username"), Some(ligatures), "{kind}");
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
        // Beyond ASCII, on the backends whose LOWER() folds every letter
        // (SQLite's folds ASCII only).
        if kind != BackendKind::Sqlite {
            app.user("\u{c5}sa");
            let page = submit(&mut client, ADD, &user_form("\u{e5}SA", &[])).await;
            page.expect(StatusCode::OK, &format!("{kind}: add \u{e5}SA"));
            assert_eq!(page.field_errors("username"), [TAKEN], "{kind}");
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

// ---------------------------------------------------------------------------
// Staff who may change users, but are not superusers
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_user_manager_cannot_make_himself_superuser() {
    each_app(|app| async move {
        let kind = app.kind;
        let (clerk, mut client) = user_manager(&app).await;
        let page = client.get(&change_url(clerk.id)).await;
        page.expect(StatusCode::OK, &format!("{kind}: own change form"));
        for flag in ["is_superuser", "is_staff", "groups", "user_permissions"] {
            assert!(
                !page.contains(&format!("name=\"{flag}\"")),
                "{kind}: {flag} is read-only"
            );
        }
        let form = user_form(
            "clerk",
            &[
                ("is_staff", "on"),
                ("is_superuser", "on"),
                ("first_name", "Clerk"),
            ],
        );
        submit(&mut client, &change_url(clerk.id), &form)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: save"));
        let after = load(&app, clerk.id);
        assert!(!after.is_superuser, "{kind}: still no superuser");
        assert!(after.is_staff, "{kind}: unchanged");
        assert_eq!(after.first_name, "Clerk", "{kind}: other fields saved");
        client
            .get("/admin/press/story/")
            .await
            .expect(StatusCode::FORBIDDEN, &format!("{kind}: no new rights"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_manager_cannot_grant_himself_permissions_or_groups() {
    each_app(|app| async move {
        let kind = app.kind;
        let (clerk, mut client) = user_manager(&app).await;
        let mut everyone = Group::new("everything");
        everyone.save(&mut app.conn()).unwrap();
        let all: Vec<String> = Permission::objects()
            .all(&mut app.conn())
            .unwrap()
            .into_iter()
            .map(|p| p.id.to_string())
            .collect();
        let before = direct_permissions(&app, &clerk);
        let group = everyone.id.to_string();
        let mut extra: Vec<(&str, &str)> = all
            .iter()
            .map(|id| ("user_permissions", id.as_str()))
            .collect();
        extra.push(("groups", &group));
        submit(
            &mut client,
            &change_url(clerk.id),
            &user_form("clerk", &extra),
        )
        .await
        .expect(StatusCode::SEE_OTHER, &format!("{kind}: save"));
        assert_eq!(direct_permissions(&app, &clerk), before, "{kind}");
        assert!(group_names(&app, &clerk).is_empty(), "{kind}");

        // Nor through a new user's form.
        let form = user_form(
            "helper",
            &[
                ("is_staff", "on"),
                ("is_superuser", "on"),
                ("groups", &group),
                ("user_permissions", &all[0]),
            ],
        );
        submit(&mut client, ADD, &form)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: add"));
        let helper = User::objects()
            .filter(User::USERNAME.eq("helper"))
            .get(&mut app.conn())
            .unwrap();
        assert!(!helper.is_staff && !helper.is_superuser, "{kind}");
        assert!(direct_permissions(&app, &helper).is_empty(), "{kind}");
        assert!(group_names(&app, &helper).is_empty(), "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_manager_cannot_set_is_staff_on_another_user() {
    each_app(|app| async move {
        let kind = app.kind;
        let (_, mut client) = user_manager(&app).await;
        let other = app.user("other");
        let form = user_form("other", &[("is_staff", "on"), ("last_name", "Other")]);
        submit(&mut client, &change_url(other.id), &form)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: save"));
        let after = load(&app, other.id);
        assert!(!after.is_staff, "{kind}: is_staff ignored");
        assert_eq!(after.last_name, "Other", "{kind}");
        // Taking the flag away is ignored too.
        let staff = app.user_id(Role::Staff);
        submit(&mut client, &change_url(staff), &user_form("staff", &[]))
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: save staff"));
        assert!(load(&app, staff).is_staff, "{kind}: still staff");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_manager_cannot_set_a_superusers_password() {
    each_app(|app| async move {
        let kind = app.kind;
        let (_, mut client) = user_manager(&app).await;
        let root = app.user_id(Role::Superuser);
        let hash = load(&app, root).password;
        client
            .get(&password_url(root))
            .await
            .expect(StatusCode::FORBIDDEN, &format!("{kind}: GET"));
        let page = client
            .post_form(
                &password_url(root),
                &[
                    ("password1", "Taken-over-Pass-77"),
                    ("password2", "Taken-over-Pass-77"),
                ],
            )
            .await;
        page.expect(StatusCode::FORBIDDEN, &format!("{kind}: POST"));
        assert_eq!(load(&app, root).password, hash, "{kind}: unchanged");
        // Another user's password is theirs to set.
        let other = app.user("other");
        client
            .post_form(
                &password_url(other.id),
                &[
                    ("password1", "Fresh-start-Pass-77"),
                    ("password2", "Fresh-start-Pass-77"),
                ],
            )
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: other"));
        assert!(load(&app, other.id).check_password("Fresh-start-Pass-77"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_manager_cannot_strip_a_superusers_flag() {
    each_app(|app| async move {
        let kind = app.kind;
        let (_, mut client) = user_manager(&app).await;
        let root = app.user_id(Role::Superuser);
        let page = submit(&mut client, &change_url(root), &user_form("root", &[])).await;
        page.expect(StatusCode::FORBIDDEN, &format!("{kind}: strip"));
        let after = load(&app, root);
        assert!(after.is_superuser && after.is_staff, "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_manager_cannot_edit_a_superuser_at_all() {
    each_app(|app| async move {
        let kind = app.kind;
        let (_, mut client) = user_manager(&app).await;
        let root = app.user_id(Role::Superuser);
        let page = client.get(&change_url(root)).await;
        page.expect(StatusCode::OK, &format!("{kind}: shown"));
        assert!(!page.has_button("_save"), "{kind}: but read-only");
        assert!(!page.contains("name=\"username\""), "{kind}: no inputs");
        assert!(
            !page.contains(&password_url(root)),
            "{kind}: no password link"
        );
        let form = user_form(
            "root",
            &[
                ("is_staff", "on"),
                ("is_superuser", "on"),
                ("email", "mine@example.com"),
            ],
        );
        let page = submit(&mut client, &change_url(root), &form).await;
        page.expect(StatusCode::FORBIDDEN, &format!("{kind}: edit"));
        let after = load(&app, root);
        assert_eq!(after.email, "root@example.com", "{kind}");
        assert_eq!(after.username, "root", "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_manager_cannot_delete_a_superuser() {
    each_app(|app| async move {
        let kind = app.kind;
        let (clerk, mut client) = user_manager(&app).await;
        app.grant(clerk.id, &["auth.delete_user"]);
        let root = app.user_id(Role::Superuser);
        let member = app.user_id(Role::Member);
        let delete = format!("{USERS}{root}/delete/");
        let page = client.get(&delete).await;
        page.expect(StatusCode::OK, &format!("{kind}: confirmation page"));
        assert!(
            page.contains("Only a superuser may delete a superuser"),
            "{kind}: the page says why"
        );
        client
            .post_form(&delete, &[("post", "yes")])
            .await
            .expect(StatusCode::CONFLICT, &format!("{kind}: delete"));
        // The bulk action, with an ordinary user beside the superuser.
        let (root_text, member_text) = (root.to_string(), member.to_string());
        let bulk = [
            ("action", "delete_selected"),
            ("_selected_action", root_text.as_str()),
            ("_selected_action", member_text.as_str()),
            ("post", "yes"),
        ];
        client.post_form(USERS, &bulk).await;
        let left = User::objects()
            .filter(User::ID.is_in([root, member]))
            .count(&mut app.conn())
            .unwrap();
        assert_eq!(left, 2, "{kind}: nobody deleted");
        // An ordinary user can still be deleted.
        client
            .post_form(&format!("{USERS}{member}/delete/"), &[("post", "yes")])
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: member deleted"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_superuser_may_still_change_every_right() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let other = app.user("other");
        let mut editors = Group::new("editors");
        editors.save(&mut app.conn()).unwrap();
        let permission = Permission::objects()
            .filter(Permission::CODENAME.eq("change_user"))
            .get(&mut app.conn())
            .unwrap();
        let page = client.get(&change_url(other.id)).await;
        for flag in ["is_superuser", "is_staff", "groups", "user_permissions"] {
            assert!(
                page.contains(&format!("name=\"{flag}\"")),
                "{kind}: {flag} editable"
            );
        }
        let (group, perm) = (editors.id.to_string(), permission.id.to_string());
        let form = user_form(
            "other",
            &[
                ("is_staff", "on"),
                ("is_superuser", "on"),
                ("groups", &group),
                ("user_permissions", &perm),
            ],
        );
        submit(&mut client, &change_url(other.id), &form)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: promote"));
        let after = load(&app, other.id);
        assert!(after.is_staff && after.is_superuser, "{kind}");
        assert_eq!(direct_permissions(&app, &after), ["auth.change_user"]);
        assert_eq!(group_names(&app, &after), ["editors"], "{kind}");

        // Another superuser: strip the flag, set the password, edit.
        client
            .post_form(
                &password_url(other.id),
                &[
                    ("password1", "Fresh-start-Pass-77"),
                    ("password2", "Fresh-start-Pass-77"),
                ],
            )
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: password"));
        submit(
            &mut client,
            &change_url(other.id),
            &user_form("other", &[("email", "o@example.com")]),
        )
        .await
        .expect(StatusCode::SEE_OTHER, &format!("{kind}: demote"));
        let after = load(&app, other.id);
        assert!(!after.is_staff && !after.is_superuser, "{kind}");
        assert_eq!(after.email, "o@example.com", "{kind}");
        assert!(after.check_password("Fresh-start-Pass-77"), "{kind}");
        assert!(direct_permissions(&app, &after).is_empty(), "{kind}");
    })
    .await;
}
