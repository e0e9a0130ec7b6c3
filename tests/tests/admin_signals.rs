//! Signals sent by the admin's writes, on every backend: `pre_save` and
//! `post_save` when a form adds an object, `pre_delete` for each object
//! the delete view's cascade removes.

use std::sync::Mutex;

use http::StatusCode;
use orm_core::prelude::*;
use orm_core::signals;
use tests::admin_app::{each_app, Role};
use tests::admin_models::{Comment, Note};

static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn seen() -> Vec<String> {
    std::mem::take(&mut *SEEN.lock().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admins_writes_send_signals() {
    signals::pre_save::<Note>(|_, note| {
        note.text = note.text.trim().to_owned();
        Ok(())
    });
    signals::post_save::<Note>(|_, note, created| {
        SEEN.lock()
            .unwrap()
            .push(format!("saved {} {created}", note.text));
        Ok(())
    });
    signals::pre_delete::<Comment>(|_, comment| {
        SEEN.lock()
            .unwrap()
            .push(format!("deleting {}", comment.text));
        Ok(())
    });
    each_app(|app| async move {
        let kind = app.kind;
        seen();
        let root = app.user_id(Role::Superuser);
        let story = app.story("Signalled", root);
        let mut client = app.logged_in(Role::Superuser).await;
        let story_id = story.id.to_string();
        let page = client
            .post_form(
                "/admin/press/note/add/",
                &[("story", story_id.as_str()), ("text", "  Padded  ")],
            )
            .await;
        assert!(page.status.is_redirection(), "{kind}: {}", page.status);
        assert_eq!(seen(), ["saved Padded true"], "{kind}: trimmed by pre_save");
        let note = Note::objects()
            .filter(Note::STORY.eq(story.id))
            .get(&mut app.conn())
            .unwrap();
        assert_eq!(note.text, "Padded", "{kind}: stored as the handler left it");
        note.delete(&mut app.conn()).unwrap();

        for text in ["one", "two"] {
            Comment {
                id: 0,
                story: ForeignKey::new(story.id),
                text: text.into(),
            }
            .save(&mut app.conn())
            .unwrap();
        }
        let delete = format!("/admin/press/story/{}/delete/", story.id);
        let page = client.post_form(&delete, &[("post", "yes")]).await;
        assert!(page.status.is_redirection(), "{kind}: {}", page.status);
        let mut deleted = seen();
        deleted.sort();
        assert_eq!(
            deleted,
            ["deleting one", "deleting two"],
            "{kind}: the cascade's"
        );
        let gone = client.get(&delete).await;
        assert_eq!(
            gone.status,
            StatusCode::NOT_FOUND,
            "{kind}: the story is gone"
        );
    })
    .await;
}
