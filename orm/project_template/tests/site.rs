//! The site on a fresh, migrated database: SQLite, and PostgreSQL or
//! MariaDB too when ORM_TEST_POSTGRES_URL / ORM_TEST_MYSQL_URL are set.

use __project__::models::Note;
use orm::prelude::*;
use orm_test::each_database;
use orm_test::http::StatusCode;

#[tokio::test]
async fn the_home_page_lists_notes_in_one_query() {
    each_database(&__project__::site(), |site| async move {
        let mut note = Note {
            id: 0,
            title: "Hello".into(),
            body: String::new(),
            created: Utc::now(),
        };
        note.save(&mut site.conn()).expect("save a note");
        let mut client = site.client();
        let page = site.assert_num_queries(1, client.get("/")).await;
        page.expect(StatusCode::OK, "the home page");
        assert!(page.contains("Hello"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn a_superuser_sees_the_notes_in_the_admin() {
    each_database(&__project__::site(), |site| async move {
        let admin = site.create_superuser("admin");
        let mut client = site.client();
        let page = client.get("/admin/__project__/note/").await;
        assert!(page.status.is_redirection(), "the admin asks to log in");
        client.force_login(&admin).await;
        let page = client.get("/admin/__project__/note/").await;
        page.expect(StatusCode::OK, "the notes' changelist");
    })
    .await;
}
