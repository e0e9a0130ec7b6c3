//! Fields across foreign keys (`story__author__username`) as sort keys and
//! as admin columns, on every backend: typed (`Comment::STORY.then(...)`)
//! and by name, one and two steps, ascending and descending, with the
//! admin's sortable columns and its default ordering across relations.

use orm_core::prelude::*;
use orm_core::query::{field_path, values_across};
use orm_core::Value;
use tests::admin_app::{each_app, AdminApp, Role};
use tests::admin_models::{Comment, Story};

const COMMENTS: &str = "/admin/press/comment/";

/// Stories "b" by zed and "a" by amy; comments on them, one by one.
fn comments(app: &AdminApp) -> Vec<Comment> {
    let zed = app.user("zed");
    let amy = app.user("amy");
    let b = app.story("b", zed.id);
    let a = app.story("a", amy.id);
    let mut out = Vec::new();
    for (story, text) in [(&b, "first"), (&a, "second"), (&b, "third"), (&a, "fourth")] {
        let mut comment = Comment {
            id: 0,
            story: ForeignKey::new(story.id),
            text: text.to_owned(),
        };
        comment.save(&mut app.conn()).unwrap();
        out.push(comment);
    }
    out
}

fn texts(comments: &[Comment]) -> Vec<&str> {
    comments.iter().map(|c| c.text.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ordering_across_relations() {
    each_app(|app| async move {
        let kind = app.kind;
        comments(&app);
        let mut conn = app.conn();
        let by_author = Comment::objects()
            .order_by([
                Comment::STORY.then(Story::AUTHOR.then(orm_contrib::auth::User::USERNAME.asc())),
                Comment::TEXT.asc(),
            ])
            .all(&mut conn)
            .unwrap();
        assert_eq!(
            texts(&by_author),
            ["fourth", "second", "first", "third"],
            "{kind}: amy's story first"
        );
        let by_title = Comment::objects()
            .order_by_names(&["-story__title", "-text"])
            .unwrap()
            .all(&mut conn)
            .unwrap();
        assert_eq!(
            texts(&by_title),
            ["third", "first", "second", "fourth"],
            "{kind}"
        );
        let reversed = Comment::objects()
            .order_by_names(&["story__author__username", "text"])
            .unwrap()
            .reverse()
            .all(&mut conn)
            .unwrap();
        assert_eq!(
            texts(&reversed),
            ["third", "first", "second", "fourth"],
            "{kind}"
        );
        // With a filter, a slice and a count.
        let some = Comment::objects()
            .filter(Comment::TEXT.ne("first"))
            .order_by_names(&["story__author__username", "-text"])
            .unwrap()
            .limit(2);
        assert_eq!(
            texts(&some.all(&mut conn).unwrap()),
            ["second", "fourth"],
            "{kind}"
        );

        // Values at the end of a path, for a list of keys.
        let across = field_path(Comment::schema(), "story__author__username").unwrap();
        let keys: Vec<Value> = Comment::objects()
            .order_by([Comment::ID.asc()])
            .all(&mut conn)
            .unwrap()
            .iter()
            .map(|c| Value::BigInt(c.story.id()))
            .chain([Value::Null, Value::BigInt(-1)])
            .collect();
        let names = values_across(&mut conn, Comment::schema(), &across, &keys).unwrap();
        let names: Vec<String> = names.iter().map(|v| v.to_string()).collect();
        assert_eq!(names[..4], ["zed", "amy", "zed", "amy"], "{kind}");
        assert_eq!(
            [&names[4], &names[5]],
            [&Value::Null.to_string(), &Value::Null.to_string()]
        );
    })
    .await;
}

#[test]
fn unknown_paths_are_refused_by_name() {
    let err = Comment::objects()
        .order_by_names(&["story__nope"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope"), "{err}");
    let err = Comment::objects()
        .order_by_names(&["text__story"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a foreign key"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_columns_and_ordering_across_relations() {
    each_app(|app| async move {
        let kind = app.kind;
        comments(&app);
        let mut client = app.logged_in(Role::Superuser).await;
        let listed = |page: &orm_test::Page| -> Vec<String> {
            let ids = page.row_ids(COMMENTS);
            let mut conn = app.conn();
            ids.iter()
                .map(|id| Comment::objects().get_pk(&mut conn, *id).unwrap().text)
                .collect()
        };
        // The default ordering: the story's title, descending, then text.
        let page = client.get(COMMENTS).await;
        assert_eq!(
            listed(&page),
            ["first", "third", "fourth", "second"],
            "{kind}"
        );
        let text = page.text();
        for expected in ["Story title", "Story author username", "zed", "amy"] {
            assert!(text.contains(expected), "{kind}: {expected} in\n{text}");
        }
        // The columns across relations sort: by author name, then text.
        let page = client.get(&format!("{COMMENTS}?o=3.1")).await;
        assert_eq!(
            listed(&page),
            ["fourth", "second", "first", "third"],
            "{kind}"
        );
        assert!(page.contains("class=\"sorted ascending\""), "{kind}");
        let page = client.get(&format!("{COMMENTS}?o=-3.-1")).await;
        assert_eq!(
            listed(&page),
            ["third", "first", "second", "fourth"],
            "{kind}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_filters_across_relations() {
    each_app(|app| async move {
        let kind = app.kind;
        let all = comments(&app);
        // Story "a" (amy's) published, "b" (zed's) not.
        let a = Story::objects()
            .filter(Story::TITLE.eq("a".to_owned()))
            .get(&mut app.conn())
            .unwrap();
        Story::objects()
            .filter(Story::ID.eq(a.id))
            .update(&mut app.conn(), vec![Story::IS_PUBLISHED.set(true)])
            .unwrap();
        let mut client = app.logged_in(Role::Superuser).await;
        let listed = |page: &orm_test::Page| -> Vec<i64> {
            let mut ids = page.row_ids(COMMENTS);
            ids.sort_unstable();
            ids
        };
        let page = client.get(COMMENTS).await;
        let text = page.text();
        for expected in ["By story is published", "By story author", "amy", "zed"] {
            assert!(text.contains(expected), "{kind}: {expected} in\n{text}");
        }
        let on_a = vec![all[1].id, all[3].id];
        let page = client
            .get(&format!("{COMMENTS}?story__is_published__exact=1"))
            .await;
        assert_eq!(listed(&page), on_a, "{kind}: published stories' comments");
        let page = client
            .get(&format!(
                "{COMMENTS}?story__author__id__exact={}",
                a.author.id()
            ))
            .await;
        assert_eq!(listed(&page), on_a, "{kind}: amy's stories' comments");
        let page = client
            .get(&format!("{COMMENTS}?story__is_published__exact=0"))
            .await;
        assert_eq!(
            listed(&page),
            vec![all[0].id, all[2].id],
            "{kind}: unpublished stories' comments"
        );
        // A value that does not parse is ignored, as for the model's own
        // fields.
        let page = client
            .get(&format!("{COMMENTS}?story__author__id__exact=x"))
            .await;
        assert_eq!(listed(&page).len(), 4, "{kind}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn select_related_along_a_chain_reads_every_kind_of_field() {
    each_app(|app| async move {
        let kind = app.kind;
        let all = comments(&app);
        let mut conn = app.conn();
        let deep = Comment::objects()
            .select_related(Comment::STORY.then(Story::AUTHOR))
            .order_by([Comment::ID.asc()])
            .all(&mut conn)
            .unwrap();
        assert_eq!(deep.len(), all.len(), "{kind}");
        for comment in &deep {
            let story = comment.story.get().expect("story loaded");
            let plain = Story::objects()
                .get_pk(&mut conn, comment.story.id())
                .unwrap();
            // Choices, dates and times, booleans and text read back alike.
            assert_eq!(story.values(), plain.values(), "{kind}");
            let author = story.author.get().expect("author loaded");
            let user = orm_contrib::auth::User::objects()
                .get_pk(&mut conn, story.author.id())
                .unwrap();
            assert_eq!(author.values(), user.values(), "{kind}");
        }
    })
    .await;
}
