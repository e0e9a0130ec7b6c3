//! The bad-input matrix of the admin's forms, on every backend: for each
//! field kind, values that are empty, too long, of the wrong type, out of
//! range, with NUL bytes or surrounding spaces; bodies that are not UTF-8
//! or repeat a field; two admins adding the same unique slug at once, or
//! saving the same object from forms opened together; and
//! logins whose timing must not tell whether a username exists.
//!
//! What must hold: the form comes back (200) with a message beside the
//! field and the typed value in place, or the request is refused with a
//! 4xx; never a 5xx; and the database is unchanged (read back).

use std::time::{Duration, Instant};

use http::StatusCode;
use orm_core::prelude::*;
use orm_core::Value;
use tests::admin_app::{each_app, next_number, AdminApp, Client, Role};
use tests::admin_models::{Gadget, Story};

const GADGETS: &str = "/admin/press/gadget/";
const STORIES: &str = "/admin/press/story/";

/// Every field of a valid gadget, as the form sends it.
fn gadget_form(owner: i64) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Widget".into()),
        ("notes", "Notes".into()),
        ("email", "ann@example.com".into()),
        ("website", "https://example.com/x".into()),
        ("code", "w-1".into()),
        ("flag", "on".into()),
        ("small", "7".into()),
        ("count", "8".into()),
        ("big", "9".into()),
        ("ratio", "0.5".into()),
        ("price", "12.50".into()),
        ("day", "2024-02-29".into()),
        ("time", "23:59:30".into()),
        ("at", "2024-02-29T12:34:56".into()),
        ("uuid", "67e55044-10b1-426f-9247-bb680e5fe0c8".into()),
        ("data", "{\"a\": 1}".into()),
        ("status", "review".into()),
        ("maybe_count", String::new()),
        ("maybe_day", String::new()),
        ("owner", owner.to_string()),
    ]
}

/// For each field, values the form must refuse.
fn bad_values() -> Vec<(&'static str, Vec<String>)> {
    let long = |n: usize| "x".repeat(n);
    vec![
        (
            "name",
            vec![
                String::new(),
                "   ".into(),
                long(51),
                "a\0b".into(),
                "é".repeat(51),
            ],
        ),
        (
            "email",
            vec!["not-an-email".into(), "a@".into(), "a\0@b.c".into()],
        ),
        (
            "website",
            vec!["not a url".into(), "javascript:alert(1)".into()],
        ),
        (
            "code",
            vec![
                "has space".into(),
                "bad/slug".into(),
                long(51),
                String::new(),
            ],
        ),
        (
            "small",
            vec![
                "32768".into(),
                "-32769".into(),
                "abc".into(),
                "1.5".into(),
                String::new(),
                "\0".into(),
            ],
        ),
        (
            "count",
            vec!["2147483648".into(), "1e3".into(), "0x10".into()],
        ),
        (
            "big",
            vec!["9223372036854775808".into(), "--1".into(), "١٢".into()],
        ),
        (
            "ratio",
            vec!["abc".into(), "NaN".into(), "inf".into(), "1e999".into()],
        ),
        (
            "price",
            vec![
                "1234567.89".into(),
                "1.234".into(),
                "abc".into(),
                "NaN".into(),
            ],
        ),
        (
            "day",
            vec![
                "2024-02-30".into(),
                "yesterday".into(),
                String::new(),
                "99999-01-01".into(),
            ],
        ),
        (
            "time",
            vec!["25:00".into(), "12:60:00".into(), "noon".into()],
        ),
        (
            "at",
            vec![
                "2024-13-01T00:00".into(),
                "not a date".into(),
                String::new(),
            ],
        ),
        (
            "uuid",
            vec![
                "not-a-uuid".into(),
                "67e55044-10b1-426f-9247-bb680e5fe0c".into(),
            ],
        ),
        ("data", vec!["{not json".into(), "[1, 2".into()]),
        ("status", vec!["published-ish".into(), String::new()]),
        ("maybe_count", vec!["abc".into(), "99999999999".into()]),
        ("owner", vec!["999999999".into(), "abc".into(), "-1".into()]),
    ]
}

/// Fields shown as inputs or textareas, whose typed text comes back as is.
fn keeps_text(field: &str) -> bool {
    !matches!(field, "status" | "owner" | "flag")
}

fn with(form: &[(&'static str, String)], field: &str, value: &str) -> Vec<(&'static str, String)> {
    form.iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == field {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

/// The form's fields but `left_out`, urlencoded, each after a `&`: the
/// rest of a body written by hand.
fn encoded_without(form: &[(&'static str, String)], left_out: &str) -> String {
    form.iter()
        .filter(|(k, _)| *k != left_out)
        .map(|(k, v)| {
            let v: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
            format!("&{k}={v}")
        })
        .collect()
}

async fn submit(
    client: &mut Client,
    path: &str,
    form: &[(&'static str, String)],
) -> tests::admin_app::Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post_form(path, &pairs).await
}

/// Every gadget, each as its field values, to compare before and after.
fn gadgets(app: &AdminApp) -> Vec<Vec<Value>> {
    Gadget::objects()
        .order_by([Gadget::ID.asc()])
        .all(&mut app.conn())
        .unwrap()
        .iter()
        .map(Model::values)
        .collect()
}

/// The form refused `value` for `field`: re-rendered with a message
/// beside the field and the value kept, or a 4xx.
fn assert_refused(page: &tests::admin_app::Page, field: &str, value: &str, what: &str) {
    assert!(
        !page.status.is_server_error() && !page.status.is_redirection(),
        "{what}: {} (must be refused)\n{}",
        page.status,
        page.text()
    );
    if page.status != StatusCode::OK {
        assert!(page.status.is_client_error(), "{what}: {}", page.status);
        return;
    }
    assert!(
        !page.field_errors(field).is_empty(),
        "{what}: no message beside the field\n{}",
        page.text()
    );
    if keeps_text(field) && !value.contains('\0') {
        let shown = page.input_value(field).unwrap_or_default();
        assert!(
            shown == value || shown == value.trim(),
            "{what}: the typed value is not kept: {shown:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_kind_refuses_bad_values_on_add_and_change() {
    each_app(|app| async move {
        let kind = app.kind;
        let owner = app.user_id(Role::Editor);
        let mut client = app.logged_in(Role::Superuser).await;
        let add = format!("{GADGETS}add/");
        let valid = gadget_form(owner);

        // One valid gadget to change.
        let page = submit(&mut client, &add, &valid).await;
        assert!(
            page.status.is_redirection(),
            "{kind}: {}\n{}",
            page.status,
            page.text()
        );
        let before = gadgets(&app);
        assert_eq!(before.len(), 1, "{kind}");
        let id = before[0][0].to_string();
        let change = format!("{GADGETS}{id}/change/");

        let mut tried = 0;
        for (field, values) in bad_values() {
            for value in values {
                for path in [&add, &change] {
                    let what = format!("{kind}: {path} {field}={value:?}");
                    let page = submit(&mut client, path, &with(&valid, field, &value)).await;
                    assert_refused(&page, field, &value, &what);
                    tried += 1;
                }
            }
        }
        assert_eq!(
            gadgets(&app),
            before,
            "{kind}: nothing written by {tried} bad forms"
        );
        println!("{kind}: {tried} bad forms refused, database unchanged");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_that_are_not_utf8_or_repeat_fields_are_refused_or_read_once() {
    each_app(|app| async move {
        let kind = app.kind;
        let owner = app.user_id(Role::Editor);
        let mut client = app.logged_in(Role::Superuser).await;
        let token = client.cookie("csrftoken").unwrap();
        let add = format!("{GADGETS}add/");
        let encoded = encoded_without(&gadget_form(owner), "name");

        // Bytes that are not UTF-8, raw and percent-encoded.
        for name in [&b"W\xffdget"[..], b"W%FFdget", b"%C3%28", b"%00"] {
            let mut body = format!("csrfmiddlewaretoken={token}{encoded}&name=").into_bytes();
            body.extend_from_slice(name);
            let page = client.post(&add).body(body).send().await;
            let what = format!("{kind}: name bytes {:?}", String::from_utf8_lossy(name));
            assert!(
                page.status == StatusCode::OK || page.status.is_client_error(),
                "{what}: {}\n{}",
                page.status,
                page.text()
            );
            if page.status == StatusCode::OK {
                assert!(!page.field_errors("name").is_empty(), "{what}: message");
            }
        }
        assert!(gadgets(&app).is_empty(), "{kind}: nothing written");

        // A field sent twice: never a 5xx; what is saved is one of the two.
        let body = format!("csrfmiddlewaretoken={token}{encoded}&name=First&name=Second");
        let page = client.post(&add).body(body.into_bytes()).send().await;
        assert!(
            !page.status.is_server_error(),
            "{kind}: duplicated field: {}",
            page.status
        );
        for gadget in Gadget::objects().all(&mut app.conn()).unwrap() {
            assert!(
                gadget.name == "First" || gadget.name == "Second",
                "{kind}: {:?}",
                gadget.name
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_admins_adding_the_same_slug_at_once_get_one_success_and_one_form_error() {
    each_app(|app| async move {
        let kind = app.kind;
        let author = app.user_id(Role::Superuser);
        let mut first = app.logged_in(Role::Superuser).await;
        let mut second = app.logged_in(Role::Superuser).await;
        let add = format!("{STORIES}add/");
        for round in 0..5 {
            let slug = format!("same-{}", next_number());
            let form = |title: &str| -> Vec<(&'static str, String)> {
                vec![
                    ("title", title.to_owned()),
                    ("slug", slug.clone()),
                    ("author", author.to_string()),
                    ("status", "draft".to_owned()),
                    ("body", "Text".to_owned()),
                ]
            };
            let (one, two) = (form("One"), form("Two"));
            let (a, b) = tokio::join!(
                submit(&mut first, &add, &one),
                submit(&mut second, &add, &two)
            );
            let what = format!("{kind}: round {round}");
            let saved = [&a, &b]
                .iter()
                .filter(|p| p.status.is_redirection())
                .count();
            assert_eq!(saved, 1, "{what}: {} and {}", a.status, b.status);
            let refused = if a.status.is_redirection() { &b } else { &a };
            refused.expect(StatusCode::OK, &what);
            assert!(
                !refused.field_errors("slug").is_empty(),
                "{what}: the error is on the slug\n{}",
                refused.text()
            );
            assert_eq!(
                refused.input_value("slug").as_deref(),
                Some(slug.as_str()),
                "{what}: value kept"
            );
            let rows = Story::objects()
                .filter(Story::SLUG.eq(slug.clone()))
                .count(&mut app.conn())
                .unwrap();
            assert_eq!(rows, 1, "{what}");
        }
    })
    .await;
}

/// How long a failed login for `username` takes, from a fresh client.
async fn failed_login(app: &AdminApp, username: &str) -> Duration {
    let mut client = app.client();
    client.get("/admin/login/").await;
    let started = Instant::now();
    let page = client.login(username, "wrong password 123").await;
    let took = started.elapsed();
    page.expect(StatusCode::OK, &format!("{}: failed login", app.kind));
    took
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_login_takes_as_long_for_unknown_and_known_usernames() {
    each_app(|app| async move {
        let kind = app.kind;
        // Known and unknown names take turns, so that other work on the
        // machine weighs on both alike; each known user fails at most
        // twice, under the throttle (five failures).
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        for i in 0..9 {
            let role = Role::ALL[i % Role::ALL.len()];
            known.push(failed_login(&app, role.username()).await);
            unknown.push(failed_login(&app, &format!("nobody{}", next_number())).await);
        }
        let (known, unknown) = (median(known), median(unknown));
        let ratio = known.as_secs_f64() / unknown.as_secs_f64();
        println!("{kind}: failed login, known user {known:?}, unknown user {unknown:?}");
        assert!(
            (0.5..2.0).contains(&ratio),
            "{kind}: known {known:?} against unknown {unknown:?}: the timing tells"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_admin_saving_an_old_form_does_not_overwrite_the_first() {
    each_app(|app| async move {
        let kind = app.kind;
        let author = app.user_id(Role::Superuser);
        let story = app.story("Original", author);
        let change = format!("{STORIES}{}/change/", story.id);
        let mut first = app.logged_in(Role::Superuser).await;
        let mut second = app.logged_in(Role::Superuser).await;
        let form_of = |page: &tests::admin_app::Page, title: &str| -> Vec<(&'static str, String)> {
            vec![
                ("title", title.to_owned()),
                ("slug", story.slug.clone()),
                ("author", author.to_string()),
                ("status", "draft".to_owned()),
                ("body", "Text".to_owned()),
                ("_version", page.input_value("_version").unwrap_or_default()),
            ]
        };
        // Both open the form; the first saves, then the second.
        let (one, two) = (first.get(&change).await, second.get(&change).await);
        assert!(
            one.input_value("_version").is_some(),
            "{kind}: version sent"
        );
        let saved = submit(&mut first, &change, &form_of(&one, "First's title")).await;
        assert!(saved.status.is_redirection(), "{kind}: {}", saved.status);
        let late = submit(&mut second, &change, &form_of(&two, "Second's title")).await;
        late.expect(StatusCode::OK, &format!("{kind}: the late save is refused"));
        assert!(
            late.contains("changed by someone else"),
            "{kind}: says why\n{}",
            late.text()
        );
        assert_eq!(
            late.input_value("title").as_deref(),
            Some("Second's title"),
            "{kind}: the late values are kept"
        );
        assert_eq!(
            app.stories()[0].title,
            "First's title",
            "{kind}: not overwritten"
        );
        // Saving again from the refreshed form is a deliberate overwrite.
        let again = submit(&mut second, &change, &form_of(&late, "Second's title")).await;
        assert!(again.status.is_redirection(), "{kind}: {}", again.status);
        assert_eq!(app.stories()[0].title, "Second's title", "{kind}");
    })
    .await;
}

/// A project's own page adding gadgets through `CreateView` and changing
/// them through `UpdateView`: the same form engine as the admin's, behind
/// the site's CSRF layer.
mod own_pages {
    use axum::extract::{Path, State};
    use axum::response::{Html, IntoResponse, Redirect, Response};
    use axum::routing::get;
    use axum::Router;
    use orm::forms::{as_html, ModelForm};
    use orm::views::{CreateView, Edited, Submitted, UpdateView};
    use orm_core::prelude::*;
    use tests::admin_models::Gadget;

    fn shown(edited: orm::Result<Edited<Gadget>>) -> Response {
        match edited {
            Ok(Edited::Show(form)) => {
                Html(format!("<form>{}</form>", as_html(&form))).into_response()
            }
            Ok(Edited::Done(gadget)) => {
                Redirect::to(&format!("/gadgets/{}/", gadget.id)).into_response()
            }
            Err(error) => {
                (http::StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
            }
        }
    }

    async fn add(State(db): State<Db>, submitted: Submitted) -> Response {
        shown(CreateView::new(ModelForm::new()).run(&db, submitted).await)
    }

    async fn change(State(db): State<Db>, Path(id): Path<i64>, submitted: Submitted) -> Response {
        let found = db
            .run(move |conn| Gadget::objects().filter(Gadget::ID.eq(id)).get(conn))
            .await;
        match found {
            Ok(gadget) => shown(
                UpdateView::new(ModelForm::new())
                    .run(&db, gadget, submitted)
                    .await,
            ),
            Err(error) => (http::StatusCode::NOT_FOUND, error.to_string()).into_response(),
        }
    }

    pub(super) fn site() -> orm::Site {
        orm::Site::new("own_pages").pages(|db| {
            Router::new()
                .route("/gadgets/new/", get(add).post(add))
                .route("/gadgets/{id}/", get(change).post(change))
                .with_state(db)
        })
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_projects_own_forms_refuse_the_same_bad_values() {
    orm_test::each_database(&own_pages::site(), |site| async move {
        let kind = site.kind;
        orm_core::create_tables(&mut site.conn(), &[Gadget::schema()]).unwrap();
        let owner = site.create_user("owner").id;
        let mut client = site.client();
        let add = "/gadgets/new/";
        let valid = gadget_form(owner);
        let page = submit(&mut client, add, &valid).await;
        assert!(
            page.status.is_redirection(),
            "{kind}: {}\n{}",
            page.status,
            page.text()
        );
        let change = page.location().to_owned();
        let read = || {
            Gadget::objects()
                .order_by([Gadget::ID.asc()])
                .all(&mut site.conn())
                .unwrap()
                .iter()
                .map(Model::values)
                .collect::<Vec<_>>()
        };
        let before = read();
        let mut tried = 0;
        for (field, values) in bad_values() {
            for value in values {
                for path in [add, change.as_str()] {
                    let what = format!("{kind}: own page {path} {field}={value:?}");
                    let page = submit(&mut client, path, &with(&valid, field, &value)).await;
                    assert_refused(&page, field, &value, &what);
                    tried += 1;
                }
            }
        }
        let token = client.cookie("csrftoken").unwrap();
        let encoded = encoded_without(&valid, "name");
        for name in [
            &b"W\xffdget"[..],
            b"W%FFdget",
            b"%C3%28",
            b"First&name=Second",
        ] {
            let mut body = format!("csrfmiddlewaretoken={token}{encoded}&name=").into_bytes();
            body.extend_from_slice(name);
            let page = client.post(add).body(body).send().await;
            let what = format!(
                "{kind}: own page, name bytes {:?}",
                String::from_utf8_lossy(name)
            );
            assert_eq!(page.status, StatusCode::OK, "{what}");
            assert!(!page.field_errors("name").is_empty(), "{what}: message");
            tried += 1;
        }
        let huge = vec![b'x'; 10 * 1024 * 1024];
        let page = client.post(add).body(huge).send().await;
        assert!(
            page.status.is_client_error(),
            "{kind}: a 10 MB body: {}",
            page.status
        );
        assert_eq!(
            read(),
            before,
            "{kind}: nothing written by {tried} bad forms"
        );
        println!("{kind}: own pages refused {tried} bad forms, database unchanged");
    })
    .await;
}
