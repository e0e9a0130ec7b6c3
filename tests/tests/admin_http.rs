//! The admin's pages over HTTP, on every backend: the add and change forms
//! (errors beside their fields, kept values, save buttons), history,
//! deleting one object or a selection, actions, and the changelist's
//! search, filters, sorting, pagination and date drill-down.

use std::collections::BTreeSet;

use http::StatusCode;
use orm_core::prelude::*;
use tests::admin_app::{each_app, unescape, AdminApp, Client, Page, Role, PASSWORD};
use tests::admin_models::{Comment, Gadget, Note, Story, StoryStatus};

const STORIES: &str = "/admin/press/story/";
const ADD: &str = "/admin/press/story/add/";
const INVALID_CHOICE: &str =
    "Select a valid choice. That choice is not one of the available choices.";

fn change_url(id: i64) -> String {
    format!("{STORIES}{id}/change/")
}

/// A story form; `extra` replaces or adds fields.
fn story_form(author: i64, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("title", "A title"),
        ("slug", "a-title"),
        ("body", "A body."),
        ("status", "draft"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    form.push(("author".into(), author.to_string()));
    for (name, value) in extra {
        form.retain(|(k, _)| k != name);
        form.push(((*name).to_owned(), (*value).to_owned()));
    }
    form
}

async fn submit(client: &mut Client, path: &str, form: &[(String, String)]) -> Page {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.post_form(path, &fields).await
}

fn count<M: Model>(app: &AdminApp) -> i64 {
    M::objects().count(&mut app.conn()).unwrap()
}

fn titles(app: &AdminApp, ids: &[i64]) -> Vec<String> {
    let stories = app.stories();
    ids.iter()
        .map(|id| {
            stories
                .iter()
                .find(|s| s.id == *id)
                .map(|s| s.title.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// The titles listed on a changelist page, in order.
async fn listed(app: &AdminApp, client: &mut Client, query: &str) -> Vec<String> {
    let page = client.get(&format!("{STORIES}{query}")).await;
    page.expect(StatusCode::OK, &format!("{}: {query}", app.kind));
    titles(app, &page.row_ids(STORIES))
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, month, day)
        .unwrap()
        .and_hms_opt(10, 30, 0)
        .unwrap()
        .and_utc()
}

#[tokio::test(flavor = "multi_thread")]
async fn add_form_errors_sit_beside_their_fields_and_keep_the_values() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let form = client.get(ADD).await;
        form.expect(StatusCode::OK, &format!("{kind}: add form"));
        assert!(form.has_button("_save") && form.has_button("_addanother"));
        assert!(
            form.contains("data-prepopulate-from=\"id_title\""),
            "{kind}: the slug follows the title"
        );
        // A choices field with a default offers no empty choice, which it
        // would refuse (Django's `include_blank`).
        assert_eq!(
            form.input_value("status").as_deref(),
            Some("draft"),
            "{kind}"
        );
        let status = form
            .body
            .split("name=\"status\"")
            .nth(1)
            .unwrap_or_default();
        let status = status.split("</select>").next().unwrap_or_default();
        assert!(!status.contains("---------"), "{kind}: {status}");

        let title = "  Ünïcödé ✓ 日本 «quotes» & <b>  ";
        let body = "  indented\n  and kept  ";
        let page = submit(
            &mut client,
            ADD,
            &[
                ("title".into(), title.into()),
                ("slug".into(), "not a slug!".into()),
                ("author".into(), String::new()),
                ("body".into(), String::new()),
                ("status".into(), "bogus".into()),
                ("is_published".into(), "on".into()),
                ("_save".into(), String::new()),
            ],
        )
        .await;
        page.expect(StatusCode::OK, &format!("{kind}: invalid add"));
        assert!(
            page.text().contains("Please correct the errors below."),
            "{kind}"
        );
        assert_eq!(
            page.field_errors("slug"),
            ["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."],
            "{kind}"
        );
        assert_eq!(page.field_errors("author"), ["This field is required."]);
        assert_eq!(page.field_errors("body"), ["This field is required."]);
        assert_eq!(
            page.field_errors("status"),
            ["Select a valid choice. bogus is not one of the available choices."]
        );
        assert!(
            page.field_errors("title").is_empty(),
            "{kind}: title is fine"
        );
        assert_eq!(page.input_value("title").as_deref(), Some(title), "{kind}");
        assert_eq!(page.input_value("slug").as_deref(), Some("not a slug!"));
        assert!(
            page.contains("name=\"is_published\" id=\"id_is_published\" checked"),
            "{kind}: the checkbox stays checked"
        );

        let page = submit(
            &mut client,
            ADD,
            &story_form(
                app.user_id(Role::Superuser),
                &[("title", &"x".repeat(201)), ("body", body)],
            ),
        )
        .await;
        page.expect(StatusCode::OK, &format!("{kind}: long title"));
        assert_eq!(
            page.field_errors("title"),
            ["Ensure this value has at most 200 characters (it has 201)."]
        );
        assert_eq!(page.input_value("body").as_deref(), Some(body), "{kind}");
        let page = submit(
            &mut client,
            ADD,
            &story_form(app.user_id(Role::Superuser), &[("title", "   ")]),
        )
        .await;
        assert_eq!(page.field_errors("title"), ["This field is required."]);
        assert_eq!(count::<Story>(&app), 0, "{kind}: nothing saved");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn char_fields_are_stripped_text_fields_are_not() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let body = "  indented\n  second line  ";
        let form = story_form(
            app.user_id(Role::Superuser),
            &[
                ("title", "  Padded ünïcödé title  "),
                ("slug", " padded "),
                ("body", body),
            ],
        );
        submit(&mut client, ADD, &form)
            .await
            .expect_redirect(STORIES, &format!("{kind}: add"));
        let story = &app.stories()[0];
        assert_eq!(story.title, "Padded ünïcödé title", "{kind}");
        assert_eq!(story.slug, "padded", "{kind}");
        assert_eq!(story.body, body, "{kind}: text is kept as typed");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_slug_is_an_error_on_the_slug() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let mut taken = Story::new("Taken", "taken", root);
        taken.save(&mut app.conn()).unwrap();
        let other = app.story("Other", root);
        let mut client = app.logged_in(Role::Superuser).await;
        let expected = ["Story with this Slug already exists."];

        let form = story_form(root, &[("title", "Copy"), ("slug", "taken")]);
        let page = submit(&mut client, ADD, &form).await;
        page.expect(StatusCode::OK, &format!("{kind}: add"));
        assert_eq!(page.field_errors("slug"), expected, "{kind}: add");
        assert_eq!(page.input_value("title").as_deref(), Some("Copy"));

        let page = submit(&mut client, &change_url(other.id), &form).await;
        page.expect(StatusCode::OK, &format!("{kind}: change"));
        assert_eq!(page.field_errors("slug"), expected, "{kind}: change");
        assert_eq!(count::<Story>(&app), 2, "{kind}");
        assert_eq!(app.stories()[1].slug, other.slug, "{kind}: unchanged");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_key_to_a_missing_row_is_an_invalid_choice() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        for author in ["999999", "-1"] {
            let page = submit(&mut client, ADD, &story_form(0, &[("author", author)])).await;
            page.expect(StatusCode::OK, &format!("{kind}: author {author}"));
            assert_eq!(page.field_errors("author"), [INVALID_CHOICE], "{kind}");
        }
        let page = submit(&mut client, ADD, &story_form(0, &[("author", "abc")])).await;
        page.expect(StatusCode::OK, &format!("{kind}: author abc"));
        assert_eq!(page.field_errors("author").len(), 1, "{kind}");
        assert_eq!(count::<Story>(&app), 0, "{kind}");
        // The select lists every user.
        let form = client.get(ADD).await;
        for role in Role::ALL {
            let option = format!("<option value=\"{}\"", app.user_id(role));
            assert!(form.contains(&option), "{kind}: {role:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn editing_an_object_deleted_meanwhile_recreates_nothing() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Short-lived", root);
        let mut client = app.logged_in(Role::Superuser).await;
        client
            .get(&change_url(story.id))
            .await
            .expect(StatusCode::OK, &format!("{kind}: change form"));
        story.delete(&mut app.conn()).unwrap();

        let form = story_form(root, &[("title", "Resurrected")]);
        let page = submit(&mut client, &change_url(story.id), &form).await;
        page.expect_redirect(STORIES, &format!("{kind}: save"));
        let list = client.get(STORIES).await;
        let messages = list.messages();
        assert!(
            messages.iter().any(|m| m.contains(&format!(
                "The story with ID “{}” doesn’t exist. Perhaps it was deleted?",
                story.id
            ))),
            "{kind}: {messages:?}"
        );
        assert_eq!(count::<Story>(&app), 0, "{kind}: not recreated");
        let page = client
            .post_form(
                &format!("{STORIES}{}/delete/", story.id),
                &[("post", "yes")],
            )
            .await;
        page.expect(StatusCode::NOT_FOUND, &format!("{kind}: delete"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn save_buttons_redirect_with_a_message() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let mut client = app.logged_in(Role::Superuser).await;
        let cases = [
            (
                "_save",
                "One",
                None,
                "The story “One” was added successfully.",
            ),
            (
                "_continue",
                "Two",
                Some("change"),
                "The story “Two” was added successfully. You may edit it again below.",
            ),
            (
                "_addanother",
                "Three",
                Some("add"),
                "The story “Three” was added successfully. You may add another story below.",
            ),
        ];
        for (button, title, target, message) in cases {
            let slug = title.to_lowercase();
            let form = story_form(root, &[("title", title), ("slug", &slug), (button, "")]);
            let page = submit(&mut client, ADD, &form).await;
            let id = app.stories().last().unwrap().id;
            let expected = match target {
                None => STORIES.to_owned(),
                Some("change") => change_url(id),
                Some(_) => ADD.to_owned(),
            };
            page.expect_redirect(&expected, &format!("{kind}: add {button}"));
            let next = client.get(&expected).await;
            assert_eq!(next.messages(), [message], "{kind}: {button}");
        }
        let id = app.stories()[0].id;
        for (button, expected, message) in [
            (
                "_save",
                STORIES.to_owned(),
                "The story “Uno” was changed successfully.",
            ),
            (
                "_continue",
                change_url(id),
                "The story “Uno” was changed successfully. You may edit it again below.",
            ),
            (
                "_addanother",
                ADD.to_owned(),
                "The story “Uno” was changed successfully. You may add another story below.",
            ),
        ] {
            let form = story_form(root, &[("title", "Uno"), ("slug", "one"), (button, "")]);
            let page = submit(&mut client, &change_url(id), &form).await;
            page.expect_redirect(&expected, &format!("{kind}: change {button}"));
            let next = client.get(&expected).await;
            assert_eq!(next.messages(), [message], "{kind}: {button}");
        }
        assert_eq!(count::<Story>(&app), 3, "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn history_lists_additions_and_changed_fields() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let mut client = app.logged_in(Role::Superuser).await;
        submit(&mut client, ADD, &story_form(root, &[]))
            .await
            .expect_redirect(STORIES, &format!("{kind}: add"));
        let id = app.stories()[0].id;
        let changed = story_form(root, &[("title", "New title"), ("body", "New body.")]);
        submit(&mut client, &change_url(id), &changed)
            .await
            .expect_redirect(STORIES, &format!("{kind}: change"));
        submit(&mut client, &change_url(id), &changed)
            .await
            .expect_redirect(STORIES, &format!("{kind}: unchanged"));
        let published = story_form(
            root,
            &[
                ("title", "New title"),
                ("body", "New body."),
                ("is_published", "on"),
                ("status", "published"),
            ],
        );
        submit(&mut client, &change_url(id), &published)
            .await
            .expect_redirect(STORIES, &format!("{kind}: publish"));

        let page = client.get(&format!("{STORIES}{id}/history/")).await;
        page.expect(StatusCode::OK, &format!("{kind}: history"));
        let text = page.text();
        let entries = [
            "root Added.",
            "root Changed title and body.",
            "root No fields changed.",
            "root Changed is published and status.",
        ];
        let mut from = 0;
        for entry in entries {
            let found = text[from..].find(entry);
            assert!(found.is_some(), "{kind}: {entry:?} in order in {text}");
            from += found.unwrap_or(0) + entry.len();
        }
        assert!(text.contains("Change history: New title"), "{kind}");
        // Recent actions on the index.
        let index = client.get("/admin/").await;
        assert!(index.text().contains("New title"), "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_lists_the_cascade_then_deletes() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let doomed = app.story("Doomed", root);
        let kept = app.story("Kept", root);
        for (story, text) in [
            (&doomed, "First reply"),
            (&doomed, "Second reply"),
            (&kept, "Other"),
        ] {
            let mut comment = Comment {
                id: 0,
                story: ForeignKey::new(story.id),
                text: text.into(),
            };
            comment.save(&mut app.conn()).unwrap();
        }
        let mut client = app.logged_in(Role::Superuser).await;
        let delete = format!("{STORIES}{}/delete/", doomed.id);
        let page = client.get(&delete).await;
        page.expect(StatusCode::OK, &format!("{kind}: confirmation"));
        let text = page.text();
        for expected in [
            "Are you sure you want to delete the story “Doomed”?",
            "Stories: 1",
            "Comments: 2",
            "First reply",
            "Second reply",
            "Yes, I’m sure",
        ] {
            assert!(text.contains(expected), "{kind}: {expected:?} in {text}");
        }
        assert!(!text.contains("Other"), "{kind}");
        assert_eq!(count::<Story>(&app), 2, "{kind}: not yet");

        let page = client.post_form(&delete, &[("post", "yes")]).await;
        page.expect_redirect(STORIES, &format!("{kind}: delete"));
        let list = client.get(STORIES).await;
        assert_eq!(
            list.messages(),
            ["The story “Doomed” was deleted successfully."],
            "{kind}"
        );
        assert_eq!(list.row_ids(STORIES), [kept.id], "{kind}");
        assert_eq!(count::<Comment>(&app), 1, "{kind}: the cascade");
        let history = client
            .get(&format!("{STORIES}{}/history/", doomed.id))
            .await;
        history.expect(
            StatusCode::OK,
            &format!("{kind}: history of a deleted story"),
        );
        assert!(history.text().contains("Deleted."), "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn constraints_are_shown_beside_the_form() {
    each_app(|app| async move {
        let kind = app.kind;
        let story = app.story("Constrained", app.user_id(Role::Superuser));
        let mut note = Note {
            id: 0,
            story: ForeignKey::new(story.id),
            text: "Keep me".into(),
        };
        note.save(&mut app.conn()).unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        let add = "/admin/press/note/add/";
        let story_id = story.id.to_string();
        let page = client
            .post_form(add, &[("story", story_id.as_str()), ("text", "spam")])
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: the check"));
        let text = page.text();
        assert!(
            text.contains("Constraint “not_spam” is violated."),
            "{kind}: {text}"
        );
        assert!(
            page.body.contains(r#"value="spam""#),
            "{kind}: the value is kept"
        );

        let page = client
            .post_form(add, &[("story", story_id.as_str()), ("text", "KEEP ME")])
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: the unique"));
        let text = page.text();
        assert!(
            text.contains("Constraint “one_text_per_story” is violated."),
            "{kind}: {text}"
        );
        assert!(
            page.body.contains(r#"value="KEEP ME""#),
            "{kind}: the value is kept"
        );
        assert_eq!(count::<Note>(&app), 1, "{kind}: nothing saved");

        // Changing the note itself does not clash with what it was.
        let change = format!("/admin/press/note/{}/change/", note.id);
        let page = client
            .post_form(
                &change,
                &[("story", story_id.as_str()), ("text", "keep ME")],
            )
            .await;
        assert!(page.status.is_redirection(), "{kind}: {}", page.status);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn validators_and_clean_are_shown_beside_the_form() {
    each_app(|app| async move {
        let kind = app.kind;
        let story = app.story("Validated", app.user_id(Role::Superuser));
        let mut client = app.logged_in(Role::Superuser).await;
        let add = "/admin/press/comment/add/";
        let story_id = story.id.to_string();
        let page = client
            .post_form(add, &[("story", story_id.as_str()), ("text", "LOUD")])
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: the validator"));
        assert!(page.text().contains("Please do not shout."), "{kind}");
        assert!(
            page.body.contains(r#"value="LOUD""#),
            "{kind}: the value is kept"
        );
        let page = client
            .post_form(add, &[("story", story_id.as_str()), ("text", "https://x")])
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: clean"));
        assert!(
            page.text().contains("A comment may not begin with a link."),
            "{kind}: {}",
            page.text()
        );
        assert_eq!(count::<Comment>(&app), 0, "{kind}: nothing saved");
        let page = client
            .post_form(add, &[("story", story_id.as_str()), ("text", "Quiet")])
            .await;
        assert!(page.status.is_redirection(), "{kind}: {}", page.status);
        assert_eq!(count::<Comment>(&app), 1, "{kind}");
        // The success message links the object's name to its page.
        let saved = Comment::objects().get(&mut app.conn()).unwrap();
        let list = client.get("/admin/press/comment/").await;
        assert!(
            list.body.contains(&format!(
                "The comment “<a href=\"/admin/press/comment/{}/change/\">Quiet</a>” was added successfully.",
                saved.id
            )),
            "{kind}: {:?}",
            list.messages()
        );
        assert_eq!(list.row_ids("/admin/press/comment/"), [saved.id], "{kind}");
        assert!(list.body.contains(r#"aria-label="Select “Quiet”""#), "{kind}: the row's box");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn protected_and_forbidden_objects_block_the_delete() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Guarded", root);
        let mut note = Note {
            id: 0,
            story: ForeignKey::new(story.id),
            text: "Keep me".into(),
        };
        note.save(&mut app.conn()).unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        let delete = format!("{STORIES}{}/delete/", story.id);
        let page = client.get(&delete).await;
        page.expect(StatusCode::OK, &format!("{kind}: confirmation"));
        let text = page.text();
        assert!(
            text.contains("would require deleting the following protected related objects"),
            "{kind}: {text}"
        );
        assert!(text.contains("Note: Keep me"), "{kind}: {text}");
        assert!(!text.contains("Yes, I’m sure"), "{kind}");
        let page = client.post_form(&delete, &[("post", "yes")]).await;
        assert!(
            !page.status.is_redirection() && !page.status.is_server_error(),
            "{kind}: {}",
            page.status
        );
        assert!(page.text().contains("Note: Keep me"), "{kind}");
        let id = story.id.to_string();
        let bulk = [
            ("action", "delete_selected"),
            ("_selected_action", id.as_str()),
            ("post", "yes"),
        ];
        let page = client.post_form(STORIES, &bulk).await;
        page.expect(StatusCode::OK, &format!("{kind}: bulk"));
        assert!(page.text().contains("Note: Keep me"), "{kind}");
        assert_eq!(count::<Story>(&app), 1, "{kind}: still there");

        // Without the permission to delete what the cascade reaches.
        note.delete(&mut app.conn()).unwrap();
        let mut comment = Comment {
            id: 0,
            story: ForeignKey::new(story.id),
            text: "A reply".into(),
        };
        comment.save(&mut app.conn()).unwrap();
        let mut deleter = app.user("deleter");
        deleter.is_staff = true;
        deleter.save(&mut app.conn()).unwrap();
        app.grant(deleter.id, &["press.view_story", "press.delete_story"]);
        let mut client = app.client();
        client
            .login("deleter", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: login"));
        let page = client.get(&delete).await;
        page.expect(StatusCode::OK, &format!("{kind}: forbidden cascade"));
        let text = page.text();
        assert!(
            text.contains("your account doesn’t have permission to delete the following types of objects: Comment"),
            "{kind}: {text}"
        );
        client.post_form(&delete, &[("post", "yes")]).await;
        assert_eq!(count::<Story>(&app), 1, "{kind}: still there");
        assert_eq!(count::<Comment>(&app), 1, "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_delete_asks_first() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let ids: Vec<i64> = ["Red", "Green", "Blue"]
            .iter()
            .map(|t| app.story(t, root).id)
            .collect();
        let (first, second) = (ids[0].to_string(), ids[1].to_string());
        let mut client = app.logged_in(Role::Superuser).await;
        let selection = [
            ("action", "delete_selected"),
            ("_selected_action", first.as_str()),
            ("_selected_action", second.as_str()),
        ];
        let page = client.post_form(STORIES, &selection).await;
        page.expect(StatusCode::OK, &format!("{kind}: confirmation"));
        let text = page.text();
        assert!(
            text.contains("Are you sure you want to delete the selected stories?"),
            "{kind}: {text}"
        );
        assert!(text.contains("Red") && text.contains("Green"), "{kind}");
        assert!(!text.contains("Blue"), "{kind}");
        assert_eq!(count::<Story>(&app), 3, "{kind}: not yet");

        let mut confirmed = selection.to_vec();
        confirmed.push(("post", "yes"));
        let page = client.post_form(STORIES, &confirmed).await;
        page.expect_redirect(&format!("{STORIES}?"), &format!("{kind}: delete"));
        let list = client.get(STORIES).await;
        assert_eq!(list.messages(), ["Successfully deleted 2 stories."]);
        assert_eq!(list.row_ids(STORIES), [ids[2]], "{kind}");

        // Nothing selected, or no action: a warning, nothing done.
        let page = client
            .post_form(STORIES, &[("action", "delete_selected")])
            .await;
        assert!(page.status.is_redirection(), "{kind}");
        let list = client.get(STORIES).await;
        assert!(
            list.messages()[0].starts_with("Items must be selected"),
            "{kind}"
        );
        let third = ids[2].to_string();
        client
            .post_form(STORIES, &[("action", ""), ("_selected_action", &third)])
            .await;
        let list = client.get(STORIES).await;
        assert_eq!(list.messages(), ["No action selected."], "{kind}");
        assert_eq!(count::<Story>(&app), 1, "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_action_runs_on_the_selected_rows() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let ids: Vec<i64> = ["One", "Two", "Three"]
            .iter()
            .map(|t| app.story(t, root).id)
            .collect();
        let mut client = app.logged_in(Role::Superuser).await;
        let list = client.get(STORIES).await;
        assert!(list.contains("<option value=\"publish\">"), "{kind}");
        let (a, b) = (ids[0].to_string(), ids[2].to_string());
        let page = client
            .post_form(
                &format!("{STORIES}?o=1"),
                &[
                    ("action", "publish"),
                    ("_selected_action", &a),
                    ("_selected_action", &b),
                ],
            )
            .await;
        page.expect_redirect(&format!("{STORIES}?o=1"), &format!("{kind}: action"));
        let list = client.get(STORIES).await;
        assert_eq!(list.messages(), ["Publish: 2 stories changed."], "{kind}");
        let published: Vec<bool> = app.stories().iter().map(|s| s.is_published).collect();
        assert_eq!(published, [true, false, true], "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_needs_every_word_in_some_field() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        for (title, body) in [
            ("Rust web framework", "fast"),
            ("Python web scraping", "slow"),
            ("rust embedded", "tiny chips"),
            ("100% pure", "nothing"),
            ("snake_case names", "nothing"),
        ] {
            let mut story = Story::new(title, &format!("s{}", title.len()), root);
            story.body = body.into();
            story.save(&mut app.conn()).unwrap();
        }
        // Found by its author's name (`author__username`).
        let editor = app.user_id(Role::Editor);
        let mut guest = Story::new("Guest column", "guest", editor);
        guest.body = "prose".into();
        guest.save(&mut app.conn()).unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        for (q, expected) in [
            ("editor", vec!["Guest column"]),
            ("EDITOR prose", vec!["Guest column"]),
            ("editor rust", vec![]),
            ("rust web", vec!["Rust web framework"]),
            ("RUST", vec!["Rust web framework", "rust embedded"]),
            ("Web", vec!["Python web scraping", "Rust web framework"]),
            ("chips", vec!["rust embedded"]),
            ("CHIPS rust", vec!["rust embedded"]),
            ("%", vec!["100% pure"]),
            ("_", vec!["snake_case names"]),
            ("rust nothing", vec![]),
            (
                "  ",
                vec![
                    "100% pure",
                    "Guest column",
                    "Python web scraping",
                    "Rust web framework",
                    "rust embedded",
                    "snake_case names",
                ],
            ),
        ] {
            let query = format!(
                "?q={}",
                form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
            );
            let found = sorted(listed(&app, &mut client, &query).await);
            let expected: Vec<String> = sorted(expected.iter().map(|s| s.to_string()).collect());
            assert_eq!(found, expected, "{kind}: q={q:?}");
        }
        let page = client.get(&format!("{STORIES}?q=rust")).await;
        let text = page.text();
        assert!(
            text.contains("2 results") && text.contains("6 total"),
            "{kind}"
        );
        assert_eq!(page.input_value("q").as_deref(), Some("rust"), "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_narrow_the_list() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let editor = app.user_id(Role::Editor);
        let rows = [
            ("Old draft", root, false, StoryStatus::Draft, at(2020, 5, 1)),
            (
                "Reviewed",
                editor,
                false,
                StoryStatus::Review,
                at(2021, 6, 2),
            ),
            ("Out", root, true, StoryStatus::Published, at(2021, 7, 3)),
            ("Also out", editor, true, StoryStatus::Published, Utc::now()),
        ];
        for (title, author, published, status, when) in rows {
            let mut story = app.story(title, author);
            story.is_published = published;
            story.status = status;
            story.save(&mut app.conn()).unwrap();
            Story::objects()
                .filter(Story::ID.eq(story.id))
                .update(&mut app.conn(), vec![Story::PUBLISHED_AT.set(when)])
                .unwrap();
        }
        let mut client = app.logged_in(Role::Superuser).await;
        let page = client.get(STORIES).await;
        let text = page.text();
        for group in [
            "By is published",
            "By status",
            "In review",
            "By author",
            "By published at",
            "Past 7 days",
        ] {
            assert!(text.contains(group), "{kind}: {group} in the sidebar");
        }
        let today = Utc::now().date_naive();
        let tomorrow = today.succ_opt().unwrap();
        for (query, expected) in [
            ("?is_published__exact=1".to_owned(), vec!["Also out", "Out"]),
            (
                "?is_published__exact=0".to_owned(),
                vec!["Old draft", "Reviewed"],
            ),
            ("?status__exact=review".to_owned(), vec!["Reviewed"]),
            (
                "?status__exact=published&is_published__exact=1".to_owned(),
                vec!["Also out", "Out"],
            ),
            (
                format!("?author__id__exact={editor}"),
                vec!["Also out", "Reviewed"],
            ),
            (
                format!("?author__id__exact={root}&is_published__exact=1"),
                vec!["Out"],
            ),
            (
                "?published_at__gte=2021-01-01&published_at__lt=2022-01-01".to_owned(),
                vec!["Out", "Reviewed"],
            ),
            (
                format!("?published_at__gte={today}&published_at__lt={tomorrow}"),
                vec!["Also out"],
            ),
        ] {
            let found = sorted(listed(&app, &mut client, &query).await);
            let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            assert_eq!(found, sorted(expected), "{kind}: {query}");
        }
        let page = client
            .get(&format!("{STORIES}?status__exact=review&q=re"))
            .await;
        assert!(page.text().contains("Clear all filters"), "{kind}");
        assert!(
            page.contains("href=\"?q=re\""),
            "{kind}: clearing the filters keeps the search"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sorting_by_several_columns() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        for (title, status) in [
            ("b", StoryStatus::Draft),
            ("a", StoryStatus::Review),
            ("c", StoryStatus::Review),
            ("d", StoryStatus::Draft),
        ] {
            let mut story = app.story(title, root);
            story.status = status;
            story.save(&mut app.conn()).unwrap();
        }
        let mut client = app.logged_in(Role::Superuser).await;
        for (o, expected) in [
            ("1", ["a", "b", "c", "d"]),
            ("-1", ["d", "c", "b", "a"]),
            ("3.1", ["b", "d", "a", "c"]),
            ("3.-1", ["d", "b", "c", "a"]),
            ("-3.1", ["a", "c", "b", "d"]),
            ("5.1", ["a", "b", "c", "d"]),
        ] {
            let found = listed(&app, &mut client, &format!("?o={o}")).await;
            assert_eq!(found, expected, "{kind}: o={o}");
        }
        let page = client.get(&format!("{STORIES}?o=3.-1")).await;
        assert!(page.contains("class=\"sorted ascending\""), "{kind}");
        assert!(page.contains("class=\"sorted descending\""), "{kind}");
        assert!(
            page.contains("href=\"?o=1.3\""),
            "{kind}: title first, then status"
        );
        assert!(page.contains("href=\"?o=-3.-1\""), "{kind}: status toggled");
        assert!(page.contains("href=\"?o=-1\""), "{kind}: status removed");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_and_out_of_range_pages() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let mut stories: Vec<Story> = (0..205)
            .map(|i| Story::new(&format!("Story {i:03}"), &format!("story-{i}"), root))
            .collect();
        Story::bulk_create(&mut app.conn(), &mut stories).unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        let mut seen = BTreeSet::new();
        for (p, rows) in [("1", 100), ("2", 100), ("3", 5)] {
            let page = client.get(&format!("{STORIES}?p={p}")).await;
            page.expect(StatusCode::OK, &format!("{kind}: p={p}"));
            let ids = page.row_ids(STORIES);
            assert_eq!(ids.len(), rows, "{kind}: p={p}");
            seen.extend(ids);
            assert!(page.text().contains("205 stories"), "{kind}");
            assert!(
                page.contains("href=\"?p=3\"") || p == "3",
                "{kind}: page links"
            );
        }
        assert_eq!(seen.len(), 205, "{kind}: every row on exactly one page");
        let last = client.get(&format!("{STORIES}?p=3")).await.row_ids(STORIES);
        for p in ["99", "4"] {
            let page = client.get(&format!("{STORIES}?p={p}")).await;
            page.expect(StatusCode::OK, &format!("{kind}: p={p}"));
            assert_eq!(
                page.row_ids(STORIES),
                last,
                "{kind}: p={p} is the last page"
            );
        }
        let first = client.get(&format!("{STORIES}?p=1")).await.row_ids(STORIES);
        for p in ["0", "-3", "x"] {
            let page = client.get(&format!("{STORIES}?p={p}")).await;
            assert_eq!(
                page.row_ids(STORIES),
                first,
                "{kind}: p={p} is the first page"
            );
        }
        // Sorting keeps its pages apart too.
        let mut sorted_seen = BTreeSet::new();
        for p in 1..=3 {
            let page = client.get(&format!("{STORIES}?o=-1&p={p}")).await;
            sorted_seen.extend(page.row_ids(STORIES));
        }
        assert_eq!(sorted_seen.len(), 205, "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn date_hierarchy_drills_down() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        for (title, when) in [
            ("March 10", at(2023, 3, 10)),
            ("March 20", at(2023, 3, 20)),
            ("July", at(2023, 7, 1)),
            ("Next year", at(2024, 1, 5)),
        ] {
            let story = app.story(title, root);
            Story::objects()
                .filter(Story::ID.eq(story.id))
                .update(&mut app.conn(), vec![Story::PUBLISHED_AT.set(when)])
                .unwrap();
        }
        let mut client = app.logged_in(Role::Superuser).await;
        let page = client.get(STORIES).await;
        assert!(page.contains("href=\"?published_at__year=2023\""), "{kind}");
        assert!(page.contains("href=\"?published_at__year=2024\""), "{kind}");
        assert!(
            page.contains(r#"<nav class="xfull date-hierarchy" aria-label="Published at">"#),
            "{kind}: the drill-down names its field"
        );
        let year = "?published_at__year=2023";
        let month = "?published_at__year=2023&published_at__month=3";
        let day = "?published_at__year=2023&published_at__month=3&published_at__day=10";
        for (query, expected) in [
            (year, vec!["July", "March 10", "March 20"]),
            (month, vec!["March 10", "March 20"]),
            (day, vec!["March 10"]),
            ("?published_at__year=2022", vec![]),
        ] {
            let found = sorted(listed(&app, &mut client, query).await);
            let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            assert_eq!(found, sorted(expected), "{kind}: {query}");
        }
        let page = client.get(&format!("{STORIES}{year}")).await;
        let text = page.text();
        assert!(
            text.contains("March 2023") && text.contains("July 2023"),
            "{kind}"
        );
        assert!(
            !text.contains("January 2023"),
            "{kind}: only months with rows"
        );
        assert!(text.contains("‹ All dates"), "{kind}");
        let page = client.get(&format!("{STORIES}{month}")).await;
        let text = page.text();
        assert!(
            text.contains("March 10") && text.contains("March 20"),
            "{kind}"
        );
        assert!(
            unescape(&page.body).contains(&format!("href=\"{day}\"")),
            "{kind}: day link"
        );
    })
    .await;
}

/// Every field of a gadget, as the form sends it.
fn gadget_form(owner: i64) -> Vec<(&'static str, String)> {
    vec![
        ("name", "  Widget  ".into()),
        ("notes", " Line one\nline two ".into()),
        ("email", "ann@example.com".into()),
        ("website", "https://example.com/x".into()),
        ("code", "w-1".into()),
        ("flag", "on".into()),
        ("small", "-32768".into()),
        ("count", "2147483647".into()),
        ("big", "-9007199254740993".into()),
        ("ratio", "0.25".into()),
        ("price", "123456.78".into()),
        ("day", "2024-02-29".into()),
        ("time", "23:59:30".into()),
        ("at", "2024-02-29T12:34:56".into()),
        ("uuid", "67e55044-10b1-426f-9247-bb680e5fe0c8".into()),
        ("data", "{\"a\": [1, 2, {\"b\": null}]}".into()),
        ("status", "review".into()),
        ("maybe_count", String::new()),
        ("maybe_day", "2000-01-01".into()),
        ("owner", owner.to_string()),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_kind_round_trips_through_the_form() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let add = "/admin/press/gadget/add/";
        let form = client.get(add).await;
        form.expect(StatusCode::OK, &format!("{kind}: add form"));
        for widget in [
            "<input type=\"text\" name=\"name\" id=\"id_name\" value=\"\" maxlength=\"50\"",
            "<textarea name=\"notes\"",
            "<input type=\"email\" name=\"email\"",
            "<input type=\"url\" name=\"website\"",
            "<input type=\"checkbox\" name=\"flag\"",
            "name=\"small\" id=\"id_small\" value=\"\" step=\"1\" min=\"-32768\" max=\"32767\"",
            "step=\"0.01\"",
            "<input type=\"date\" name=\"day\"",
            "<input type=\"time\" name=\"time\"",
            "<input type=\"datetime-local\" name=\"at\"",
            "<textarea name=\"data\"",
            "<select name=\"status\"",
            "class=\"autocomplete\"",
        ] {
            assert!(form.contains(widget), "{kind}: {widget}");
        }

        let owner = app.user_id(Role::Editor);
        let fields = gadget_form(owner);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = client
            .post_form(add, &[pairs.as_slice(), &[("_continue", "")]].concat())
            .await;
        assert!(
            page.status.is_redirection(),
            "{kind}: {}\n{}",
            page.status,
            page.text()
        );
        let gadget = Gadget::objects().get(&mut app.conn()).unwrap();
        assert_eq!(gadget.name, "Widget", "{kind}");
        assert_eq!(gadget.notes, " Line one\nline two ", "{kind}");
        assert!(gadget.flag, "{kind}");
        assert_eq!(
            (gadget.small, gadget.count, gadget.big),
            (i16::MIN, i32::MAX, -9007199254740993),
            "{kind}"
        );
        assert_eq!(gadget.ratio, 0.25, "{kind}");
        // SQLite keeps decimals as floating point (an ORM matter): compare
        // at the field's scale.
        assert_eq!(gadget.price.round(2).to_string(), "123456.78", "{kind}");
        assert_eq!(gadget.day.to_string(), "2024-02-29", "{kind}");
        assert_eq!(gadget.time.to_string(), "23:59:30", "{kind}");
        assert_eq!(
            gadget.at,
            NaiveDate::from_ymd_opt(2024, 2, 29)
                .unwrap()
                .and_hms_opt(12, 34, 56)
                .unwrap()
                .and_utc()
        );
        assert_eq!(
            gadget.uuid.to_string(),
            "67e55044-10b1-426f-9247-bb680e5fe0c8"
        );
        assert_eq!(
            gadget.data,
            serde_json::json!({"a": [1, 2, {"b": null}]}),
            "{kind}"
        );
        assert_eq!(gadget.status, StoryStatus::Review, "{kind}");
        assert_eq!(gadget.maybe_count, None, "{kind}");
        assert_eq!(
            gadget.maybe_day.map(|d| d.to_string()).as_deref(),
            Some("2000-01-01")
        );
        assert_eq!(gadget.owner.as_ref().map(|o| o.id()), Some(owner), "{kind}");

        // The change form shows the values back.
        let change = client
            .get(&format!("/admin/press/gadget/{}/change/", gadget.id))
            .await;
        for (name, value) in [
            ("name", "Widget"),
            ("small", "-32768"),
            ("price", "123456.78"),
            ("day", "2024-02-29"),
            ("time", "23:59:30"),
            ("at", "2024-02-29T12:34:56"),
            ("status", "review"),
            ("notes", " Line one\nline two "),
        ] {
            assert_eq!(
                change.input_value(name).as_deref(),
                Some(value),
                "{kind}: {name}"
            );
        }
        // Saving the change form as shown works and changes nothing.
        let shown: Vec<(&str, String)> = fields
            .iter()
            .map(|(name, value)| {
                let shown = match *name {
                    "flag" => value.clone(),
                    _ => change.input_value(name).unwrap_or_default(),
                };
                (*name, shown)
            })
            .collect();
        let pairs: Vec<(&str, &str)> = shown.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let change_url = format!("/admin/press/gadget/{}/change/", gadget.id);
        let page = client.post_form(&change_url, &pairs).await;
        page.expect_redirect("/admin/press/gadget/", &format!("{kind}: save as shown"));
        let history = client
            .get(&format!("/admin/press/gadget/{}/history/", gadget.id))
            .await;
        assert!(
            history.text().contains("No fields changed."),
            "{kind}: {}",
            history.text()
        );
        let list = client.get("/admin/press/gadget/").await;
        assert!(list.text().contains("123456.78"), "{kind}: the list column");

        // Every field wrong at once: an error beside each, each value kept.
        let wrong = [
            ("name", "", "This field is required."),
            ("email", "not an email", "Enter a valid email address."),
            ("website", "not a url", "Enter a valid URL."),
            ("code", "bad code!", "Enter a valid “slug”"),
            (
                "small",
                "40000",
                "Ensure this value is less than or equal to 32767.",
            ),
            ("count", "12abc", "Enter a whole number."),
            ("big", "1.5", "Enter a whole number."),
            ("ratio", "abc", "Enter a valid number."),
            (
                "price",
                "1234567.891",
                "Ensure that there are no more than 2 decimal places.",
            ),
            ("day", "2023-02-29", "Enter a valid date"),
            ("time", "25:00", "Enter a valid time"),
            ("at", "yesterday", "Enter a valid date/time"),
            ("uuid", "not-a-uuid", "Enter a valid UUID."),
            ("data", "{bad json", "Enter valid JSON"),
            ("maybe_count", "many", "Enter a whole number."),
            ("owner", "999999", INVALID_CHOICE),
        ];
        let mut bad = fields.clone();
        for (name, value, _) in wrong {
            bad.retain(|(k, _)| *k != name);
            bad.push((name, value.into()));
        }
        let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = client.post_form(add, &pairs).await;
        page.expect(StatusCode::OK, &format!("{kind}: invalid gadget"));
        for (name, value, message) in wrong {
            let errors = page.field_errors(name);
            assert!(
                errors.len() == 1 && errors[0].starts_with(message),
                "{kind}: {name}: {errors:?}"
            );
            if name != "owner" {
                assert_eq!(
                    page.input_value(name).as_deref(),
                    Some(value),
                    "{kind}: {name}"
                );
            }
        }
        assert_eq!(count::<Gadget>(&app), 1, "{kind}: nothing saved");
    })
    .await;
}

/// Refreshes the database's statistics of the notes' table.
fn analyze_notes(app: &AdminApp) {
    use orm_core::__private::diesel::connection::SimpleConnection;
    let sql = match app.kind {
        orm_core::db::BackendKind::Sqlite => "ANALYZE",
        orm_core::db::BackendKind::Postgres => "ANALYZE press_note",
        orm_core::db::BackendKind::Mysql => "ANALYZE TABLE press_note",
    };
    (*app.conn()).batch_execute(sql).unwrap();
}

/// The number in the text after `before` (`"about "`, `"("`).
fn number_after(text: &str, before: &str) -> Option<i64> {
    let start = text.find(before)? + before.len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_table_shows_the_estimated_count_and_a_search_counts() {
    each_app(|app| async move {
        let kind = app.kind;
        let story = app.story("Noted", app.user_id(Role::Superuser));
        let mut notes: Vec<Note> = (0..30)
            .map(|i| Note {
                id: 0,
                story: ForeignKey::new(story.id),
                text: format!("remark {i}"),
            })
            .collect();
        Note::bulk_create(&mut app.conn(), &mut notes).unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        const NOTES: &str = "/admin/press/note/";

        if kind == orm_core::db::BackendKind::Sqlite {
            // No statistics before ANALYZE: counted, up to 20, and a page
            // link for more; the third page, past the middle, counts them
            // all to be read from the far end.
            let page = client.get(NOTES).await;
            let text = page.text();
            assert!(
                text.contains("more than 20 notes") && !text.contains("about"),
                "{text}"
            );
            assert!(text.contains("1 2 … more than"), "{text}");
            let text = client.get(&format!("{NOTES}?p=3")).await.text();
            assert!(
                text.contains("30 notes") && !text.contains("more than"),
                "{text}"
            );
        }

        // With statistics of 20 rows or more: their estimate, said to be one.
        analyze_notes(&app);
        let page = client.get(NOTES).await;
        page.expect(StatusCode::OK, &format!("{kind}: estimated"));
        let text = page.text();
        let estimate = number_after(&text, "about ")
            .unwrap_or_else(|| panic!("{kind}: no estimate shown: {text}"));
        assert!((24..=36).contains(&estimate), "{kind}: {estimate}: {text}");
        let mut newest_first: Vec<i64> = notes.iter().map(|n| n.id).collect();
        newest_first.reverse();
        assert_eq!(page.row_ids(NOTES), newest_first[..10], "{kind}: page 1");

        // The last page is read from the far end: counted exactly for that.
        let page = client.get(&format!("{NOTES}?p=3")).await;
        let text = page.text();
        assert!(
            text.contains("30 notes") && !text.contains("about"),
            "{kind}: {text}"
        );
        assert_eq!(page.row_ids(NOTES), newest_first[20..], "{kind}: last page");

        // A search counts its rows exactly; the total beside it is estimated.
        let text = client.get(&format!("{NOTES}?q=remark+1")).await.text();
        assert!(
            text.contains("12 results") && number_after(&text, "( about ").is_some(),
            "{kind}: remark 1, 10-19 and 21: {text}"
        );

        // Filtered by the sidebar: the query planner's estimate, except on
        // SQLite, which has none.
        let page = client
            .get(&format!("{NOTES}?story__id__exact={}", story.id))
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: filtered"));
        let text = page.text();
        if kind == orm_core::db::BackendKind::Sqlite {
            assert!(text.contains("more than 20 results"), "{kind}: {text}");
        } else {
            let estimate = number_after(&text, "about ")
                .unwrap_or_else(|| panic!("{kind}: no estimate shown: {text}"));
            assert!((20..=40).contains(&estimate), "{kind}: {estimate}: {text}");
        }
        assert_eq!(
            page.row_ids(NOTES),
            newest_first[..10],
            "{kind}: filtered page 1"
        );

        // Under 20 rows by the statistics: counted again.
        Note::objects()
            .filter(Note::ID.gt(notes[11].id))
            .delete(&mut app.conn())
            .unwrap();
        analyze_notes(&app);
        let text = client.get(NOTES).await.text();
        assert!(
            text.contains("12 notes") && !text.contains("about"),
            "{kind}: {text}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn saving_an_unedited_form_changes_nothing() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Lines", root);
        let body = "First line.\nSecond line.\n\nA paragraph.";
        Story::objects()
            .filter(Story::ID.eq(story.id))
            .update(&mut app.conn(), vec![Story::BODY.set(body.to_owned())])
            .unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        let page = client.get(&change_url(story.id)).await;
        page.expect(StatusCode::OK, &format!("{kind}: change form"));
        // What a browser sends back: the textarea's lines end in CRLF.
        let mut form: Vec<(String, String)> = ["title", "slug", "author", "body", "status"]
            .iter()
            .map(|name| {
                let shown = page.input_value(name).unwrap_or_default();
                ((*name).to_owned(), shown.replace('\n', "\r\n"))
            })
            .collect();
        form.push((
            "_version".into(),
            page.input_value("_version").unwrap_or_default(),
        ));
        form.push(("_save".into(), String::new()));
        submit(&mut client, &change_url(story.id), &form)
            .await
            .expect_redirect(STORIES, &format!("{kind}: save as shown"));
        assert_eq!(app.stories()[0].body, body, "{kind}: LF kept");
        let history = client.get(&format!("{STORIES}{}/history/", story.id)).await;
        let text = history.text();
        assert!(text.contains("No fields changed."), "{kind}: {text}");
        assert!(!text.contains("Changed body"), "{kind}: {text}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_line_endings_are_saved_as_lf() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let mut client = app.logged_in(Role::Superuser).await;
        let form = story_form(root, &[("body", "one\r\ntwo\rthree\r\n")]);
        submit(&mut client, ADD, &form)
            .await
            .expect_redirect(STORIES, &format!("{kind}: add"));
        assert_eq!(app.stories()[0].body, "one\ntwo\nthree\n", "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn required_numbers_dates_and_uuids_start_empty() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let add = "/admin/press/gadget/add/";
        let form = client.get(add).await;
        form.expect(StatusCode::OK, &format!("{kind}: add form"));
        for name in [
            "small", "count", "big", "ratio", "price", "day", "time", "at", "uuid",
        ] {
            assert_eq!(
                form.input_value(name).as_deref(),
                Some(""),
                "{kind}: {name} starts empty"
            );
        }
        // A declared default still fills its field.
        assert_eq!(form.input_value("status").as_deref(), Some("draft"));

        let mut fields = gadget_form(app.user_id(Role::Editor));
        for name in [
            "small", "count", "big", "ratio", "price", "day", "time", "at", "uuid",
        ] {
            fields.retain(|(k, _)| *k != name);
            fields.push((name, String::new()));
        }
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = client.post_form(add, &pairs).await;
        page.expect(StatusCode::OK, &format!("{kind}: empty required fields"));
        for name in [
            "small", "count", "big", "ratio", "price", "day", "time", "at", "uuid",
        ] {
            assert_eq!(
                page.field_errors(name),
                ["This field is required."],
                "{kind}: {name}"
            );
        }
        assert_eq!(page.input_value("name").as_deref(), Some("  Widget  "));
        assert_eq!(page.input_value("code").as_deref(), Some("w-1"));
        assert_eq!(count::<Gadget>(&app), 0, "{kind}: nothing saved");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn saving_unedited_times_keeps_their_fractions_of_a_second() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let fields = gadget_form(app.user_id(Role::Editor));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        client
            .post_form("/admin/press/gadget/add/", &pairs)
            .await
            .expect_redirect("/admin/press/gadget/", &format!("{kind}: add"));
        let gadget = Gadget::objects().get(&mut app.conn()).unwrap();
        // Saved by code, with microseconds (the form shows whole seconds).
        let at = at(2024, 2, 29) + chrono::Duration::microseconds(123_456);
        let time = NaiveTime::from_hms_micro_opt(23, 59, 30, 654_321).unwrap();
        Gadget::objects()
            .filter(Gadget::ID.eq(gadget.id))
            .update(
                &mut app.conn(),
                vec![Gadget::AT.set(at), Gadget::TIME.set(time)],
            )
            .unwrap();
        let stored = Gadget::objects().get(&mut app.conn()).unwrap();
        let change_url = format!("/admin/press/gadget/{}/change/", gadget.id);
        let change = client.get(&change_url).await;
        let shown: Vec<(&str, String)> = fields
            .iter()
            .map(|(name, value)| match *name {
                "flag" => (*name, value.clone()),
                _ => (*name, change.input_value(name).unwrap_or_default()),
            })
            .collect();
        let pairs: Vec<(&str, &str)> = shown.iter().map(|(k, v)| (*k, v.as_str())).collect();
        client
            .post_form(&change_url, &pairs)
            .await
            .expect_redirect("/admin/press/gadget/", &format!("{kind}: save as shown"));
        let after = Gadget::objects().get(&mut app.conn()).unwrap();
        assert_eq!((after.at, after.time), (stored.at, stored.time), "{kind}");
        let history = client
            .get(&format!("/admin/press/gadget/{}/history/", gadget.id))
            .await;
        let text = history.text();
        assert!(text.contains("No fields changed."), "{kind}: {text}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_marks_its_default_sort_and_says_when_nothing_matches() {
    each_app(|app| async move {
        let kind = app.kind;
        let story = app.story("Marked", app.user_id(Role::Superuser));
        Comment {
            id: 0,
            story: ForeignKey::new(story.id),
            text: "Quiet".into(),
        }
        .save(&mut app.conn())
        .unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        // `ordering = ["-story__title", "text"]`, both shown as columns.
        let list = client.get("/admin/press/comment/").await;
        list.expect(StatusCode::OK, kind.name());
        assert!(
            list.body
                .contains(r#"class="sorted descending" aria-sort="descending""#),
            "{kind}: the story's title column is marked"
        );
        assert!(
            list.body
                .contains(r#"class="sorted ascending" aria-sort="ascending""#),
            "{kind}: and the text column after it"
        );
        assert!(list.body.contains(r#">View site</a>"#), "{kind}");

        let none = client.get(&format!("{STORIES}?q=nothing-like-this")).await;
        none.expect(StatusCode::OK, kind.name());
        assert!(
            none.text()
                .contains("No stories match “nothing-like-this”."),
            "{kind}: {}",
            none.text()
        );
        assert!(
            !none.body.contains(r#"name="action""#),
            "{kind}: no action bar"
        );
        let filtered = client
            .get(&format!(
                "{STORIES}?is_published__exact=1&status__exact=review"
            ))
            .await;
        assert!(
            filtered.text().contains("No stories match these filters."),
            "{kind}: {}",
            filtered.text()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_choices_show_counts_on_request() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let editor = app.user_id(Role::Editor);
        for (title, author, published) in
            [("A", root, true), ("B", root, false), ("C", editor, true)]
        {
            let mut story = app.story(title, author);
            story.is_published = published;
            story.save(&mut app.conn()).unwrap();
        }
        let mut client = app.logged_in(Role::Superuser).await;
        let plain = client.get(STORIES).await;
        assert!(
            plain.contains("Show counts") && !plain.contains("facet-count"),
            "{kind}: off by default"
        );
        let page = client.get(&format!("{STORIES}?_facets=True")).await;
        page.expect(StatusCode::OK, &format!("{kind}: counts"));
        let text = page.text();
        for expected in [
            "Yes (2)",
            "No (1)",
            "Today (3)",
            "root (2)",
            "editor (1)",
            "Hide counts",
        ] {
            assert!(text.contains(expected), "{kind}: {expected}\n{text}");
        }
        // Each filter counts with the others applied, not with its own.
        let page = client
            .get(&format!("{STORIES}?_facets=True&is_published__exact=1"))
            .await;
        let text = page.text();
        for expected in ["Yes (2)", "No (1)", "root (1)", "editor (1)", "Today (2)"] {
            assert!(
                text.contains(expected),
                "{kind}: filtered: {expected}\n{text}"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fieldsets_group_the_form_and_open_a_folded_section_with_an_error() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let page = client.get("/admin/press/gadget/add/").await;
        page.expect(StatusCode::OK, &format!("{kind}: add form"));
        let body = &page.body;
        let at = |needle: &str| {
            body.find(needle)
                .unwrap_or_else(|| panic!("{kind}: {needle}"))
        };
        assert!(at(r#"<legend class="section-heading">Numbers</legend>"#) < at(r#"name="small""#));
        assert!(at(r#"name="small""#) < at(r#"<legend class="section-heading">When</legend>"#));
        assert!(
            body.contains(r#"<details class="module section"><summary>Other</summary>"#),
            "{kind}: folded"
        );
        assert!(
            at("<summary>Other</summary>") < at(r#"name="uuid""#),
            "{kind}"
        );
        // A mistake in the folded section shows it open.
        let page = client
            .post_form(
                "/admin/press/gadget/add/",
                &[("name", "x"), ("uuid", "not-a-uuid")],
            )
            .await;
        assert!(
            page.body
                .contains(r#"<details class="module section" open><summary>Other</summary>"#),
            "{kind}: opened for its error"
        );
        assert!(!page.field_errors("uuid").is_empty(), "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn save_as_new_adds_a_copy_and_leaves_the_original() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Copied", root);
        let mut note = tests::admin_models::Note {
            id: 0,
            story: ForeignKey::new(story.id),
            text: "First".into(),
        };
        note.save(&mut app.conn()).unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        let url = format!("/admin/press/note/{}/change/", note.id);
        let page = client.get(&url).await;
        assert!(
            page.has_button("_saveasnew") && !page.has_button("_addanother"),
            "{kind}"
        );
        let story_id = story.id.to_string();
        // The same text again breaks the notes' unique constraint: the form
        // comes back, now posting to the add page.
        let page = client
            .post_form(
                &url,
                &[("story", &story_id), ("text", "first"), ("_saveasnew", "1")],
            )
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: refused copy"));
        assert!(
            page.contains(r#"action="/admin/press/note/add/""#),
            "{kind}: {}",
            page.text()
        );
        let page = client
            .post_form(
                &url,
                &[
                    ("story", &story_id),
                    ("text", "Second"),
                    ("_saveasnew", "1"),
                ],
            )
            .await;
        assert!(page.status.is_redirection(), "{kind}: {}", page.status);
        let notes = tests::admin_models::Note::objects()
            .order_by([tests::admin_models::Note::ID.asc()])
            .all(&mut app.conn())
            .unwrap();
        let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            texts,
            ["First", "Second"],
            "{kind}: the original is unchanged"
        );
        assert_eq!(
            page.location(),
            format!("/admin/press/note/{}/change/", notes[1].id),
            "{kind}: on to the copy"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn view_on_site_links_a_change_form_to_the_objects_page() {
    each_app(|app| async move {
        let kind = app.kind;
        let story = app.story("On the site", app.user_id(Role::Superuser));
        let mut client = app.logged_in(Role::Superuser).await;
        let page = client.get(&format!("{STORIES}{}/change/", story.id)).await;
        let link = format!(
            r#"<a href="/stories/{}/" class="button viewsitelink">View on site</a>"#,
            story.slug
        );
        assert!(page.contains(&link), "{kind}: {}", page.text());
        let add = client.get(&format!("{STORIES}add/")).await;
        assert!(
            !add.contains("View on site"),
            "{kind}: not before it exists"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_site_names_its_title_and_index_heading() {
    each_app(|app| async move {
        let kind = app.kind;
        let site = admin::AdminSite::new(app.db.clone())
            .secret_key(tests::admin_app::SECRET_KEY)
            .site_header("Press desk")
            .site_title("Press")
            .index_title("Today's desk");
        let root = orm_contrib::auth::User::objects()
            .filter(orm_contrib::auth::User::ID.eq(app.user_id(Role::Superuser)))
            .get(&mut app.conn())
            .unwrap();
        let mut client = Client::new(admin::router(site))
            .with_sessions(app.db.clone(), tests::admin_app::SECRET_KEY);
        client.force_login(&root).await;
        let page = client.get("/admin/").await;
        page.expect(StatusCode::OK, &format!("{kind}: index"));
        let title = page
            .body
            .split("<title>")
            .nth(1)
            .and_then(|rest| rest.split("</title>").next())
            .map(unescape);
        assert_eq!(title.as_deref(), Some("Today's desk | Press"), "{kind}");
        assert!(
            page.contains("<h1>Today&#x27;s desk</h1>")
                || unescape(&page.body).contains("<h1>Today's desk</h1>"),
            "{kind}: the heading"
        );
        assert!(page.contains("Press desk"), "{kind}: the header");
    })
    .await;
}
