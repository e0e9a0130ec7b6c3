//! How many queries the public pages run, on every backend: the list with
//! 2 articles and with a full page of 10 (each by its own author, shown on
//! the page) runs as many statements, and so does the detail page. Counts
//! are of the request's own statements, through the pool's query log.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use blog::models::Article;
use common::in_process::{get, migrated};
use http::StatusCode;
use orm::auth::User;
use orm::db::{PoolOptions, QueryLog};
use orm::prelude::*;
use tests::backends::configured;

/// The list's statements: the page's articles with their authors joined
/// (paged by cursor: no count).
const LIST_QUERIES: usize = 1;

/// The statements logged since the last call, without the servers'
/// `SELECT 1` that checks a pooled connection before it is lent.
fn statements(log: &QueryLog) -> Vec<String> {
    log.take()
        .into_iter()
        .filter(|s| !s.starts_with("SELECT 1 "))
        .collect()
}

/// `n` published articles, each by a new author.
fn add_articles(conn: &mut AnyConnection, n: usize, round: usize) -> Vec<User> {
    let mut authors: Vec<User> = (0..n)
        .map(|i| User::new(format!("writer{round}x{i}"), ""))
        .collect();
    User::bulk_create(conn, &mut authors).unwrap();
    let mut articles: Vec<Article> = authors
        .iter()
        .enumerate()
        .map(|(i, author)| Article {
            id: 0,
            title: format!("Title {round} {i}"),
            slug: format!("title-{round}-{i}"),
            author: ForeignKey::new(author.id),
            content: "Text".into(),
            published_date: Utc::now(),
            updated_date: Utc::now(),
            is_published: true,
            comment_count: 0,
            cover: String::new(),
        })
        .collect();
    Article::bulk_create(conn, &mut articles).unwrap();
    authors
}

#[tokio::test(flavor = "multi_thread")]
async fn the_public_pages_run_as_many_queries_for_10_rows_as_for_2() {
    for (kind, url) in configured() {
        let log = QueryLog::default();
        let options = PoolOptions {
            query_log: Some(log.clone()),
            kept_values_ttl: Duration::ZERO,
            ..PoolOptions::default()
        };
        let test_db = migrated(kind, url.as_deref(), options);
        let db = test_db.db.clone();
        let app = blog::site().router(
            db.clone(),
            &orm::Settings::for_tests("query-count-secret-key-0123456789abcdef"),
        );

        let mut counts = Vec::new();
        let mut shown = 0;
        for (round, rows) in [2, 10].into_iter().enumerate() {
            let authors = add_articles(&mut db.conn().unwrap(), rows - shown, round);
            shown = rows;
            log.take();
            let (status, page) = get(&app, "/").await;
            let statements = statements(&log);
            assert_eq!(status, StatusCode::OK, "{kind}");
            for author in &authors {
                assert!(page.contains(&author.username), "{kind}: author shown");
            }
            counts.push(statements);
        }
        println!(
            "{kind}: public list of 2 articles: {} statements; of 10: {}",
            counts[0].len(),
            counts[1].len()
        );
        assert_eq!(counts[0].len(), counts[1].len(), "{kind}: {counts:#?}");
        assert_eq!(counts[0].len(), LIST_QUERIES, "{kind}: {:#?}", counts[0]);

        log.take();
        let (status, _) = get(&app, "/articles/title-0-0/").await;
        assert_eq!(status, StatusCode::OK, "{kind}");
        let detail = statements(&log);
        assert_eq!(
            detail.len(),
            1,
            "{kind}: the article with its author: {detail:#?}"
        );
    }
}
