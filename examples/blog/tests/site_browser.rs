//! The public site in a real browser, on every backend: a reader resets a
//! forgotten password by email, logs in, writes an article (first with
//! mistakes, shown beside their fields), edits it, is refused someone
//! else's, comments on it; the author gets an email after the commit; a
//! moderator approves the comment in the admin and the article shows it
//! with its count. Screenshots (wide, narrow, light and dark) go to
//! `target/screenshots/site/`.
//!
//! Mail goes to files (`EMAIL_BACKEND=file`) that the test reads. Needs
//! `chromium` and `chromedriver` (skipped without them unless
//! `ORM_TEST_BROWSER=1`).

mod common;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use common::server::Server;
use fantoccini::elements::Element;
use support::browser::{run_scenario, until, Browser, View, ALL_VIEWS};
use support::processes::Driver;
use tests::backends::{blank, configured};

/// A user `blog seed` makes (with no usable password, and this address).
const READER: &str = "grace.hopper";
const READER_EMAIL: &str = "grace.hopper@example.com";
const NEW_PASSWORD: &str = "Compilers-are-friends-1952";
const TITLE: &str = "Notes from the site: <b>bold</b> & brave";
const SLUG: &str = "notes-from-the-site";
const LIMIT: Duration = Duration::from_secs(150);

#[test]
fn the_public_site_in_chromium() {
    let Some(tools) = support::tools() else {
        return;
    };
    let shots = support::screenshots_in("screenshots/site");
    let driver = Driver::start(&tools.chromedriver);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    for (kind, url) in configured() {
        let started = Instant::now();
        let database = blank(kind, url.as_deref(), Default::default());
        let mail = tempfile::tempdir().expect("a folder for the mail");
        let mail_path = mail.path().display().to_string();
        let blog = Server::start_with_env(
            Some(&database.url),
            &[("EMAIL_BACKEND", "file"), ("EMAIL_FILE_PATH", &mail_path)],
        );
        blog.seed(3, 4);
        // Seeded users have no usable password, and such accounts get no
        // reset link (as in Django): give the reader one they forgot.
        forgotten_password(&database.db);
        let first_run = kind == orm::db::BackendKind::Sqlite;
        runtime.block_on(async {
            let browser =
                Browser::connect(&driver.url, &tools.chromium, &blog.base, shots.clone()).await;
            let scenario = scenario(
                browser.clone(),
                blog.password.clone(),
                mail.path().to_owned(),
                first_run,
            );
            run_scenario(browser, scenario, LIMIT).await;
        });
        eprintln!(
            "{kind}: the public site passed in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
}

fn forgotten_password(db: &orm::Db) {
    use orm::prelude::*;
    let hash = orm::auth::make_password("an old password nobody remembers").expect("a hash");
    let updated = orm::auth::User::objects()
        .filter(orm::auth::User::USERNAME.eq(READER))
        .update(
            &mut db.conn().expect("a connection"),
            vec![orm::auth::User::PASSWORD.set(hash)],
        )
        .expect("set the reader's password");
    assert_eq!(updated, 1, "the seeded reader");
}

async fn scenario(b: Browser, admin_password: String, mail: std::path::PathBuf, shots: bool) {
    let views: &[View] = if shots { ALL_VIEWS } else { &[] };
    reset_password(&b, &mail, views).await;
    log_in(&b, views).await;
    let article_url = write_article(&b, views).await;
    edit_article(&b, &article_url).await;
    someone_elses(&b).await;
    comment(&b, &article_url, &mail, views).await;
    moderate(&b, &article_url, &admin_password, views).await;
}

/// Every message in the mail folder, as text (soft line breaks of
/// quoted-printable bodies joined).
fn mails(folder: &Path) -> Vec<String> {
    let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let modified = entry.metadata().ok()?.modified().ok()?;
            let text = std::fs::read_to_string(entry.path()).ok()?;
            Some((
                modified,
                text.replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "="),
            ))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

async fn fill(b: &Browser, css: &str, text: &str) {
    let field = b.find(css).await;
    field.clear().await.expect("clear a field");
    field.send_keys(text).await.expect("type into a field");
}

async fn submit(b: &Browser, form: &str) {
    b.follow(&format!("{form} button[type=submit]")).await;
}

/// The reader asks for a link, follows it from the email and sets a
/// password; a wrong confirmation is refused beside its field first.
async fn reset_password(b: &Browser, mail: &Path, views: &[View]) {
    b.goto("/").await;
    b.follow(".account a").await;
    assert!(
        b.location().await.starts_with("/accounts/login/"),
        "the login page"
    );
    b.screenshot("01-login", views).await;
    b.follow("main a[href='/accounts/password_reset/']").await;
    fill(b, "#id_email", READER_EMAIL).await;
    submit(b, "form.form").await;
    assert_eq!(b.location().await, "/accounts/password_reset/done/");
    let link = until("the reset email", || async move {
        mails(mail).into_iter().find_map(|text| {
            let at = text.find("http://")?;
            let rest = &text[at..];
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            Some(rest[..end].to_owned())
        })
    })
    .await;
    let path = link
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_owned()))
        .expect("a link with a path");
    b.goto(&path).await;
    assert!(
        b.location().await.ends_with("/set-password/"),
        "the token left the address"
    );
    fill(b, "#id_new_password1", NEW_PASSWORD).await;
    fill(b, "#id_new_password2", "something else").await;
    submit(b, "form.form").await;
    assert_eq!(
        b.text("#id_new_password2_errors li").await,
        "The two password fields didn’t match."
    );
    b.screenshot("02-new-password-mismatch", views).await;
    fill(b, "#id_new_password1", NEW_PASSWORD).await;
    fill(b, "#id_new_password2", NEW_PASSWORD).await;
    submit(b, "form.form").await;
    assert_eq!(b.location().await, "/accounts/reset/done/");
    b.goto(&path).await;
    assert!(
        b.text("main .card p").await.contains("invalid"),
        "a used link is refused"
    );
}

async fn log_in(b: &Browser, views: &[View]) {
    b.goto("/accounts/login/?next=/articles/new/").await;
    fill(b, "#id_username", READER).await;
    fill(b, "#id_password", "wrong").await;
    submit(b, "form.form").await;
    assert!(
        b.text(".errorlist.nonfield")
            .await
            .contains("correct username and password"),
        "a wrong password"
    );
    assert_eq!(b.value("#id_username").await, READER, "kept");
    b.screenshot("03-login-refused", views).await;
    fill(b, "#id_password", NEW_PASSWORD).await;
    submit(b, "form.form").await;
    assert_eq!(
        b.location().await,
        "/articles/new/",
        "back to where the reader was going"
    );
    assert_eq!(b.text(".account .who").await, READER);
}

/// Writes an article: empty first (the messages), then complete.
/// A 1×1 PNG, and a text file that claims to be one, in a folder of the
/// test's, for the file input.
fn pictures() -> (tempfile::TempDir, String, String) {
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let dir = tempfile::tempdir().expect("a folder for the pictures");
    let real = dir.path().join("cover.png");
    let fake = dir.path().join("fake.png");
    std::fs::write(&real, PNG).expect("write the picture");
    std::fs::write(&fake, b"not a picture at all").expect("write the fake");
    let path = |p: std::path::PathBuf| p.display().to_string();
    (dir, path(real), path(fake))
}

async fn write_article(b: &Browser, views: &[View]) -> String {
    let (_pictures, real, fake) = pictures();
    b.without_form_checks().await;
    submit(b, "main form.form").await;
    assert_eq!(
        b.text("#id_title_errors li").await,
        "This field is required."
    );
    assert_eq!(
        b.text("#id_slug_errors li").await,
        "This field is required."
    );
    fill(b, "#id_title", TITLE).await;
    fill(b, "#id_slug", "not a slug").await;
    fill(b, "#id_content", "First paragraph.\n\nSecond paragraph.").await;
    b.find("#id_cover")
        .await
        .send_keys(&fake)
        .await
        .expect("choose a file");
    b.without_form_checks().await;
    submit(b, "main form.form").await;
    assert!(
        b.text("#id_slug_errors li").await.contains("slug"),
        "a bad slug"
    );
    assert!(
        b.text("#id_cover_errors li")
            .await
            .starts_with("Upload a valid image"),
        "a file that is not the image it claims"
    );
    assert_eq!(b.value("#id_title").await, TITLE, "kept");
    b.screenshot("04-write-errors", views).await;
    fill(b, "#id_slug", SLUG).await;
    b.find("#id_cover")
        .await
        .send_keys(&real)
        .await
        .expect("choose the picture");
    b.find("#id_is_published")
        .await
        .click()
        .await
        .expect("tick published");
    submit(b, "main form.form").await;
    let url = format!("/articles/{SLUG}/");
    assert_eq!(b.location().await, url);
    assert!(b.text(".messages .success").await.contains("was saved"));
    assert_eq!(b.text(".post h1").await, TITLE, "escaped, shown as typed");
    b.find("img.cover").await;
    let loaded = until("the cover to load", || async {
        let width = b
            .eval("document.querySelector('img.cover').naturalWidth")
            .await;
        (width.as_u64() != Some(0)).then_some(width)
    })
    .await;
    assert_eq!(loaded, 1, "the picture is served from the media folder");
    b.screenshot("05-article-written", views).await;
    url
}

async fn edit_article(b: &Browser, article_url: &str) {
    b.follow(".post .meta a").await;
    assert_eq!(b.location().await, format!("{article_url}edit/"));
    fill(b, "#id_title", "Notes from the site, edited").await;
    submit(b, "main form.form").await;
    assert_eq!(b.location().await, article_url);
    assert_eq!(b.text(".post h1").await, "Notes from the site, edited");
}

/// Another author's article cannot be edited.
async fn someone_elses(b: &Browser) {
    b.goto("/").await;
    let links = b.all("article.card h2 a").await;
    let mut other = None;
    for link in links {
        let href = link.attr("href").await.ok().flatten().unwrap_or_default();
        if href != format!("/articles/{SLUG}/") {
            other = Some(href);
            break;
        }
    }
    let other = other.expect("a seeded article");
    b.goto(&format!("{other}edit/")).await;
    assert_eq!(b.text("main h1").await, "Not yours to change");
}

async fn comment(b: &Browser, article_url: &str, mail: &Path, views: &[View]) {
    b.goto(article_url).await;
    assert_eq!(b.value("#id_name").await, READER, "the reader's name");
    b.without_form_checks().await;
    submit(b, "#comments form").await;
    assert_eq!(
        b.text("#id_body_errors li").await,
        "This field is required."
    );
    fill(b, "#id_body", "A comment from the browser.").await;
    submit(b, "#comments form").await;
    assert!(b
        .text(".messages .success")
        .await
        .contains("once a moderator approves it"));
    assert_eq!(
        b.text("#comments-heading").await,
        "0 comments",
        "not approved yet"
    );
    b.screenshot("06-commented", views).await;
    until("the new-comment email", || async move {
        mails(mail)
            .iter()
            .any(|text| text.contains("commented on your article") && text.contains(READER_EMAIL))
            .then_some(())
    })
    .await;
}

/// The admin approves the comment; the article shows it and its count.
async fn moderate(b: &Browser, article_url: &str, admin_password: &str, views: &[View]) {
    b.follow(".account button.link").await;
    b.goto("/admin/blog/comment/").await;
    fill(b, "#id_username", "admin").await;
    fill(b, "#id_password", admin_password).await;
    b.follow("form.stacked button[type=submit]").await;
    assert_eq!(b.location().await, "/admin/blog/comment/");
    b.find("#result_list tbody input[type=checkbox]")
        .await
        .click()
        .await
        .expect("select the comment");
    let action: Element = b.find("select[name=action]").await;
    action
        .select_by_value("approve")
        .await
        .expect("choose the approve action");
    b.follow("button[name=index]").await;
    b.goto(article_url).await;
    assert_eq!(b.text("#comments-heading").await, "1 comment");
    assert_eq!(
        b.text(".comment p:not(.meta)").await,
        "A comment from the browser."
    );
    b.screenshot("07-comment-approved", views).await;
}
