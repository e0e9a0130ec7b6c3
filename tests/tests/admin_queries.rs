//! How many queries the admin's pages run, on every backend: a page of 10
//! rows and a page of 100 rows (each story with its own author, shown in a
//! column) cost the same; so does a change form whether its author select
//! lists 10 users or 300. Counts are of the request's own statements,
//! through the pool's query log, and are printed.

use http::StatusCode;
use orm_contrib::auth::User;
use orm_core::prelude::*;
use tests::admin_app::{each_app, next_number, AdminApp, Client, Role};
use tests::admin_models::Story;

const STORIES: &str = "/admin/press/story/";

/// The changelist's queries: the session with its user and their
/// permissions (one statement), the table's estimated
/// size (a catalog lookup: under `estimate_count_above`, so then) the
/// count, the page's rows with their authors joined, the users of the
/// author filter, and the first and last dates of the date hierarchy (one
/// statement).
const CHANGELIST_QUERIES: usize = 6;
/// The change form's: the session with its user and permissions, the
/// story, and the users of the author select.
const CHANGE_FORM_QUERIES: usize = 3;

/// `n` new users (without a usable password: no hashing), saved at once.
fn add_users(app: &AdminApp, n: usize) -> Vec<User> {
    let mut users: Vec<User> = (0..n)
        .map(|_| User::new(format!("author{}", next_number()), ""))
        .collect();
    User::bulk_create(&mut app.conn(), &mut users).unwrap();
    users
}

/// Gets `path` and returns the statements the request ran.
async fn queries_of(app: &AdminApp, client: &mut Client, path: &str) -> Vec<String> {
    app.queries();
    let page = client.get(path).await;
    page.expect(StatusCode::OK, &format!("{}: {path}", app.kind));
    app.queries()
}

fn listing(queries: &[String]) -> String {
    queries
        .iter()
        .map(|q| format!("  {q}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_changelist_runs_as_many_queries_for_100_rows_as_for_10() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        let mut counts = Vec::new();
        let mut listed = 0;
        for rows in [10, 100] {
            let authors = add_users(&app, rows - listed);
            let mut stories: Vec<Story> = authors
                .iter()
                .map(|author| {
                    let n = next_number();
                    Story::new(&format!("Story {n}"), &format!("story-{n}"), author.id)
                })
                .collect();
            Story::bulk_create(&mut app.conn(), &mut stories).unwrap();
            listed = rows;
            // Once to settle the session, then counted.
            client.get(STORIES).await;
            let queries = queries_of(&app, &mut client, STORIES).await;
            let page = client.get(STORIES).await;
            assert_eq!(page.row_ids(STORIES).len(), rows, "{kind}");
            for author in authors.iter().take(3) {
                assert!(page.contains(&author.username), "{kind}: authors shown");
            }
            let join = queries
                .iter()
                .find(|q| q.to_lowercase().contains(" join ") && !q.contains("orm_session"))
                .unwrap_or_else(|| panic!("{kind}: no join:\n{}", listing(&queries)));
            assert!(
                join.contains("username") && !join.contains("password"),
                "{kind}: the authors are read for their names only (`display`): {join}"
            );
            counts.push(queries);
        }
        println!(
            "{kind}: changelist of 10 stories: {} queries; of 100 stories: {} queries",
            counts[0].len(),
            counts[1].len()
        );
        assert_eq!(
            counts[0].len(),
            counts[1].len(),
            "{kind}: 10 rows:\n{}\n100 rows:\n{}",
            listing(&counts[0]),
            listing(&counts[1])
        );
        assert_eq!(
            counts[0].len(),
            CHANGELIST_QUERIES,
            "{kind}:\n{}",
            listing(&counts[0])
        );
        // Searching, filtering and sorting add no per-row queries either.
        let busy = format!("{STORIES}?q=story&o=2.-1&is_published__exact=0&status__exact=draft");
        let queries = queries_of(&app, &mut client, &busy).await;
        println!(
            "{kind}: filtered, sorted search of 100 stories: {} queries",
            queries.len()
        );
        assert_eq!(
            queries.len(),
            CHANGELIST_QUERIES + 1,
            "{kind}: one more, the unfiltered total:\n{}",
            listing(&queries)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_change_form_lists_every_user_in_one_query() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let story = app.story("Counted", root);
        let change = format!("{STORIES}{}/change/", story.id);
        let mut client = app.logged_in(Role::Superuser).await;
        let mut counts = Vec::new();
        let mut users = Role::ALL.len();
        for total in [10, 200] {
            let added = add_users(&app, total - users);
            users = total;
            client.get(&change).await;
            let queries = queries_of(&app, &mut client, &change).await;
            let page = client.get(&change).await;
            for user in added.iter().take(3) {
                let option = format!("<option value=\"{}\">{}</option>", user.id, user.username);
                assert!(page.contains(&option), "{kind}: {option}");
            }
            let user_queries: Vec<&String> =
                queries.iter().filter(|q| q.contains("auth_user")).collect();
            assert_eq!(
                user_queries.len(),
                2,
                "{kind}: the session with its user, and the select:\n{}",
                listing(&queries)
            );
            // The select reads keys and names, not whole users.
            assert!(
                user_queries
                    .iter()
                    .any(|q| q.contains("username") && !q.contains("password")),
                "{kind}:\n{}",
                listing(&queries)
            );
            counts.push(queries);
        }
        println!(
            "{kind}: change form with 10 users: {} queries; with 200 users: {} queries",
            counts[0].len(),
            counts[1].len()
        );
        assert_eq!(
            counts[0].len(),
            counts[1].len(),
            "{kind}: 10 users:\n{}\n200 users:\n{}",
            listing(&counts[0]),
            listing(&counts[1])
        );
        // Above 200 users the select becomes a search as the user types,
        // showing the current author, and the form reads 201 names at most.
        let last = add_users(&app, 1).remove(0);
        let page = client.get(&change).await;
        assert!(
            page.contains("class=\"autocomplete-value\"") && !page.contains("<option value=\"1\">"),
            "{kind}: {}",
            page.text()
        );
        let found = client
            .get(&format!(
                "/admin/autocomplete/?app_label=press&model_name=story&field_name=author&term={}",
                last.username
            ))
            .await;
        found.expect(StatusCode::OK, &format!("{kind}: autocomplete"));
        assert!(
            found
                .text()
                .contains(&format!("\"text\":\"{}\"", last.username)),
            "{kind}: {}",
            found.text()
        );
        assert_eq!(
            counts[0].len(),
            CHANGE_FORM_QUERIES,
            "{kind}:\n{}",
            listing(&counts[0])
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_reads_its_session_user_and_permissions_in_one_statement() {
    each_app(|app| async move {
        let kind = app.kind;
        let editor = app.user_id(Role::Editor);
        let mut client = app.logged_in(Role::Editor).await;
        client.get("/admin/").await;
        // A write drops what the process kept: the page reads it all again.
        app.story("Written", editor);
        let queries = queries_of(&app, &mut client, "/admin/").await;
        let auth: Vec<&String> = queries
            .iter()
            .filter(|q| q.contains("auth_user") || q.contains("orm_session"))
            .collect();
        assert_eq!(auth.len(), 1, "{kind}:\n{}", listing(&queries));
        for table in ["orm_session", "auth_user", "auth_permission", "auth_group"] {
            assert!(auth[0].contains(table), "{kind}: {table} in {}", auth[0]);
        }
        let page = client.get("/admin/").await;
        page.expect(StatusCode::OK, &kind.to_string());
        assert!(page.contains("Stories"), "{kind}: the editor's permissions");
        assert!(!page.contains("Users"), "{kind}: and no more");
    })
    .await;
}
