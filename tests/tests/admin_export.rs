//! The changelist's export actions on every backend: the selected rows, or
//! every row the filters keep (`select_across`), as CSV or JSON, with the
//! change form's fields (a user's password hash is not among them), text a
//! spreadsheet would run as a formula made harmless.

use http::header;
use tests::admin_app::{each_app, Role};

const STORIES: &str = "/admin/press/story/";

#[tokio::test(flavor = "multi_thread")]
async fn selected_and_filtered_rows_export_as_csv_and_json() {
    each_app(|app| async move {
        let kind = app.kind;
        let root = app.user_id(Role::Superuser);
        let plain = app.story("Plain, with a comma", root);
        let formula = app.story("=HYPERLINK(\"x\")", root);
        let third = app.story("Third", root);
        let mut client = app.logged_in(Role::Superuser).await;

        let list = client.get(STORIES).await;
        assert!(
            list.text().contains("Export selected stories as CSV"),
            "{kind}"
        );

        let (first, second) = (plain.id.to_string(), formula.id.to_string());
        let page = client
            .post_form(
                STORIES,
                &[
                    ("action", "export_csv"),
                    ("_selected_action", first.as_str()),
                    ("_selected_action", second.as_str()),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{kind}");
        let header_of = |name| {
            page.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        assert_eq!(
            header_of(header::CONTENT_TYPE),
            "text/csv; charset=utf-8",
            "{kind}"
        );
        assert_eq!(
            header_of(header::CONTENT_DISPOSITION),
            "attachment; filename=\"press-story.csv\"",
            "{kind}"
        );
        let lines: Vec<&str> = page.body.lines().collect();
        assert_eq!(
            lines.len(),
            3,
            "{kind}: a header and two rows:\n{}",
            page.body
        );
        assert!(
            lines[0].starts_with("id,title,slug,author"),
            "{kind}: {}",
            lines[0]
        );
        assert!(
            lines[1].starts_with(&format!("{},\"Plain, with a comma\",", plain.id)),
            "{kind}"
        );
        assert!(
            lines[2].starts_with(&format!("{},\"'=HYPERLINK(\"\"x\"\")\",", formula.id)),
            "{kind}: {}",
            lines[2]
        );

        // Every story the filters keep, as JSON.
        let page = client
            .post_form(
                &format!("{STORIES}?q=Third"),
                &[
                    ("action", "export_json"),
                    ("select_across", "1"),
                    ("_selected_action", first.as_str()),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{kind}");
        let rows: Vec<serde_json::Value> = serde_json::from_str(&page.body)
            .unwrap_or_else(|e| panic!("{kind}: {e}: {}", page.body));
        assert_eq!(rows.len(), 1, "{kind}: the search keeps one");
        assert_eq!(rows[0]["id"], third.id, "{kind}");
        assert_eq!(rows[0]["title"], "Third", "{kind}");
        assert_eq!(rows[0]["author"], root, "{kind}: the key");

        // Users: no password hash.
        let page = client
            .post_form(
                "/admin/auth/user/",
                &[("action", "export_json"), ("select_across", "1")],
            )
            .await;
        let users: Vec<serde_json::Value> = serde_json::from_str(&page.body).unwrap();
        assert!(!users.is_empty(), "{kind}");
        assert!(users[0].get("username").is_some(), "{kind}");
        assert!(users[0].get("password").is_none(), "{kind}: {}", users[0]);
    })
    .await;
}
