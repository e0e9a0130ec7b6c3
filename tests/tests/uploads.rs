//! File and image uploads on every backend, through a project's own page
//! (`CreateView`, `UpdateView`) and the admin: a picture is stored and its
//! name saved; a file that is not the image it claims, a file over the
//! limit, an empty one are refused beside their field with the other
//! values kept and nothing saved; the clear box empties an optional field
//! and is refused for a required one; names cannot leave the storage
//! folder; `DEBUG` serves the files; `delete_files_with` removes them with
//! their object.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use http::header::CONTENT_TYPE;
use http::StatusCode;
use orm::forms::{as_html, ModelForm};
use orm::storage::{FileSystemStorage, Storage};
use orm::views::{CreateView, Edited, Submitted, UpdateView};
use orm_core::prelude::*;
use orm_test::{each_database, Client, Page, TestSite};

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

#[derive(Model, Debug, Clone)]
#[model(app_label = "uploads")]
pub struct Document {
    pub id: i64,
    #[field(max_length = 80)]
    pub title: String,
    #[field(image)]
    pub picture: String,
    #[field(file, blank)]
    pub attachment: String,
}

fn document_form() -> ModelForm<Document> {
    ModelForm::new()
}

fn shown(edited: orm::Result<Edited<Document>>) -> Response {
    match edited {
        Ok(Edited::Show(form)) => Html(format!(
            "<form method=post enctype=multipart/form-data>{}</form>",
            as_html(&form)
        ))
        .into_response(),
        Ok(Edited::Done(document)) => {
            Redirect::to(&format!("/documents/{}/", document.id)).into_response()
        }
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

async fn add(State(db): State<Db>, submitted: Submitted) -> Response {
    shown(CreateView::new(document_form()).run(&db, submitted).await)
}

async fn change(State(db): State<Db>, Path(id): Path<i64>, submitted: Submitted) -> Response {
    let found = db
        .run(move |conn| Document::objects().filter(Document::ID.eq(id)).get(conn))
        .await;
    match found {
        Ok(document) => shown(
            UpdateView::new(document_form())
                .run(&db, document, submitted)
                .await,
        ),
        Err(error) => (StatusCode::NOT_FOUND, error.to_string()).into_response(),
    }
}

fn site() -> orm::Site {
    orm::Site::new("uploads")
        .pages(|db| {
            Router::new()
                .route("/documents/new/", get(add).post(add))
                .route("/documents/{id}/", get(change).post(change))
                .with_state(db)
        })
        .model::<Document>()
}

/// One part of a multipart body.
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

async fn post_multipart(client: &mut Client, path: &str, parts: &[Part<'_>]) -> Page {
    let token = client.cookie("csrftoken").unwrap_or_default();
    let mut body = Vec::new();
    let mut add = |head: String, content: &[u8]| {
        body.extend_from_slice(b"--BOUNDARY\r\n");
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    add(
        "Content-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n".into(),
        token.as_bytes(),
    );
    for part in parts {
        match part {
            Part::Text(name, value) => add(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
                value.as_bytes(),
            ),
            Part::File(name, filename, content) => add(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                     Content-Type: image/png\r\n\r\n"
                ),
                content,
            ),
        }
    }
    body.extend_from_slice(b"--BOUNDARY--\r\n");
    client
        .post(path)
        .header(CONTENT_TYPE, "multipart/form-data; boundary=BOUNDARY")
        .body(body)
        .send()
        .await
}

fn documents(site: &TestSite) -> Vec<Document> {
    Document::objects()
        .order_by([Document::ID.asc()])
        .all(&mut site.conn())
        .unwrap()
}

/// A fresh folder as the site's storage.
fn storage() -> (tempfile::TempDir, FileSystemStorage) {
    let dir = tempfile::tempdir().unwrap();
    let storage = FileSystemStorage::new(dir.path(), "/media/");
    orm::storage::set_default_storage(storage.clone());
    (dir, storage)
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_through_a_projects_page_and_the_admin() {
    orm::storage::delete_files_with::<Document>();
    each_database(&site(), |site| async move {
        let kind = site.kind;
        orm_core::create_tables(&mut site.conn(), &[Document::schema()]).unwrap();
        let (_dir, storage) = storage();
        let mut client = site.client();

        // Refused, beside the field, nothing saved, the title kept.
        let big = vec![0u8; 10 * 1024 * 1024];
        let refusals: [(&[u8], &str, &str); 4] = [
            (b"GIF89a? not really", "fake.png", "Upload a valid image."),
            (b"just text", "notes.png", "Upload a valid image."),
            (
                &big,
                "huge.png",
                "The file is too large (10.0 MB): it may be at most 2.5 MB.",
            ),
            (b"", "empty.png", "The submitted file is empty."),
        ];
        for (content, filename, message) in refusals {
            let page = post_multipart(
                &mut client,
                "/documents/new/",
                &[
                    Part::Text("title", "Kept"),
                    Part::File("picture", filename, content),
                ],
            )
            .await;
            page.expect(StatusCode::OK, filename);
            let errors = page.field_errors("picture");
            assert!(
                errors.len() == 1 && errors[0].starts_with(message.trim_end_matches('.')),
                "{kind}: {filename}: {errors:?}"
            );
            assert_eq!(page.input_value("title").as_deref(), Some("Kept"), "{kind}");
        }
        assert!(documents(&site).is_empty(), "{kind}: nothing saved");

        // A picture, with a name that tries to leave the folder.
        let page = post_multipart(
            &mut client,
            "/documents/new/",
            &[
                Part::Text("title", "Holiday"),
                Part::File("picture", "../../etc/beach photo.png", PNG),
            ],
        )
        .await;
        assert!(
            page.status.is_redirection(),
            "{kind}: {}\n{}",
            page.status,
            page.body
        );
        let saved = documents(&site).pop().unwrap();
        assert_eq!(saved.picture, "uploads/picture/beach_photo.png", "{kind}");
        assert_eq!(storage.open(&saved.picture).unwrap(), PNG, "{kind}: stored");
        let change = page.location().to_owned();
        let form = client.get(&change).await;
        assert!(
            form.contains(r#"<a href="/media/uploads/picture/beach_photo.png">"#),
            "{kind}: the current file is linked\n{}",
            form.body
        );
        assert!(
            !form.contains("picture-clear"),
            "{kind}: a required image has no clear box"
        );

        // The same name again is stored beside the first, not over it.
        let page = post_multipart(
            &mut client,
            &change,
            &[
                Part::Text("title", "Holiday"),
                Part::File("picture", "beach photo.png", PNG),
                Part::File("attachment", "notes.txt", b"a file"),
            ],
        )
        .await;
        assert!(page.status.is_redirection(), "{kind}: {}", page.status);
        let changed = documents(&site).pop().unwrap();
        assert_ne!(changed.picture, saved.picture, "{kind}");
        assert!(storage.exists(&saved.picture) && storage.exists(&changed.picture));
        assert_eq!(changed.attachment, "uploads/attachment/notes.txt", "{kind}");

        // Clearing: refused for the required picture, done for the file.
        let page = post_multipart(
            &mut client,
            &change,
            &[
                Part::Text("title", "Holiday"),
                Part::Text("picture-clear", "on"),
            ],
        )
        .await;
        assert_eq!(
            page.field_errors("picture"),
            ["This field is required."],
            "{kind}"
        );
        let page = post_multipart(
            &mut client,
            &change,
            &[
                Part::Text("title", "Holiday"),
                Part::Text("attachment-clear", "on"),
            ],
        )
        .await;
        assert!(page.status.is_redirection(), "{kind}: {}", page.status);
        let cleared = documents(&site).pop().unwrap();
        assert_eq!(
            (cleared.attachment.as_str(), cleared.picture.as_str()),
            ("", changed.picture.as_str())
        );

        // The admin: the same widget and checks.
        let root = site.create_superuser("root");
        let mut admin = site.client();
        admin.force_login(&root).await;
        let url = format!("/admin/uploads/document/{}/change/", cleared.id);
        let page = admin.get(&url).await;
        assert!(page.contains(r#"enctype="multipart/form-data""#), "{kind}");
        assert!(page.contains(r#"type="file" name="picture""#), "{kind}");
        let page = post_multipart(
            &mut admin,
            &url,
            &[
                Part::Text("title", "Admin"),
                Part::File("picture", "x.png", b"nope"),
            ],
        )
        .await;
        assert_eq!(
            page.field_errors("picture").len(),
            1,
            "{kind}: {}",
            page.text()
        );
        let page = post_multipart(
            &mut admin,
            &url,
            &[
                Part::Text("title", "Admin"),
                Part::File("picture", "admin.png", PNG),
            ],
        )
        .await;
        assert!(
            page.status.is_redirection(),
            "{kind}: {}\n{}",
            page.status,
            page.text()
        );
        let by_admin = documents(&site).pop().unwrap();
        assert_eq!(by_admin.picture, "uploads/picture/admin.png", "{kind}");

        // Deleted with its object, once asked (`delete_files_with`).
        by_admin.delete(&mut site.conn()).unwrap();
        assert!(
            !storage.exists(&by_admin.picture),
            "{kind}: the file went with it"
        );
        assert!(storage.exists(&saved.picture), "{kind}: others stay");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_serves_the_media_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("uploads")).unwrap();
    std::fs::write(dir.path().join("uploads/a.png"), PNG).unwrap();
    let db = Db::open("sqlite://:memory:").unwrap();
    let mut settings = orm::Settings::for_tests(orm_test::SECRET_KEY);
    settings.media_root = dir.path().to_path_buf();
    let mut served = Vec::new();
    for debug in [true, false] {
        settings.debug = debug;
        let mut client = Client::new(site().router(db.clone(), &settings));
        let page = client.get("/media/uploads/a.png").await;
        served.push(page.status);
        let outside = client.get("/media/../Cargo.toml").await;
        assert_ne!(outside.status, StatusCode::OK, "nothing outside the folder");
    }
    assert_eq!(served, [StatusCode::OK, StatusCode::NOT_FOUND]);
}
