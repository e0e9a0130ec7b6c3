//! Hostile text on the public pages: an article whose title, slug-free
//! fields and author's name carry HTML and script payloads is shown
//! escaped on the list and on its page, on every backend.

#![allow(clippy::unwrap_used)]

mod common;

use blog::models::Article;
use common::in_process::{get, migrated};
use http::StatusCode;
use orm::auth::User;
use orm::db::PoolOptions;
use orm::prelude::*;
use tests::backends::configured;

const PAYLOADS: [&str; 4] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "<a href=\"javascript:alert(3)\">x</a>",
    "'; DROP TABLE blog_article; --",
];

#[tokio::test(flavor = "multi_thread")]
async fn payloads_are_shown_escaped_on_the_public_pages() {
    for (kind, url) in configured() {
        let test_db = migrated(kind, url.as_deref(), PoolOptions::default());
        let db = test_db.db.clone();
        let mut conn = db.conn().unwrap();
        let mut author = User::new("mallory", "m@example.com");
        author.first_name = PAYLOADS[0].to_owned();
        author.last_name = PAYLOADS[1].to_owned();
        author.save(&mut conn).unwrap();
        for (i, payload) in PAYLOADS.iter().enumerate() {
            let mut article = Article {
                id: 0,
                title: format!("Title {payload}"),
                slug: format!("hostile-{i}"),
                author: ForeignKey::new(author.id),
                content: format!("Body {payload}\n\nMore {payload}"),
                published_date: Utc::now(),
                updated_date: Utc::now(),
                is_published: true,
                comment_count: 0,
                cover: String::new(),
            };
            article.save(&mut conn).unwrap();
        }
        drop(conn);
        let app = blog::site().router(
            db.clone(),
            &orm::Settings::for_tests("escaping-secret-key-0123456789abcdefgh"),
        );
        let mut pages = vec![get(&app, "/").await];
        for i in 0..PAYLOADS.len() {
            pages.push(get(&app, &format!("/articles/hostile-{i}/")).await);
        }
        for (n, (status, body)) in pages.iter().enumerate() {
            assert_eq!(*status, StatusCode::OK, "{kind}: page {n}");
            for payload in PAYLOADS.iter().take(3) {
                assert!(
                    !body.contains(payload),
                    "{kind}: page {n} shows {payload} unescaped"
                );
            }
            assert!(!body.contains("<script>alert"), "{kind}: page {n}");
            // The text is there, with `<` written as a character reference.
            assert!(
                [
                    "&lt;script",
                    "&#60;script",
                    "&lt;a href",
                    "&#60;a href",
                    "&lt;img",
                    "&#60;img"
                ]
                .iter()
                .any(|escaped| body.contains(escaped)),
                "{kind}: page {n}: escaped text shown\n{body}"
            );
        }
        let rows = Article::objects().count(&mut db.conn().unwrap()).unwrap();
        assert_eq!(
            rows,
            PAYLOADS.len() as i64,
            "{kind}: the table is still there"
        );
    }
}
