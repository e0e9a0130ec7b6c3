//! The admin's changelist reuses its row count ([`orm_core::db::KeptValues`])
//! on every backend, and every page its staff user. A test binary of its own: writes through the ORM
//! anywhere in the process end kept counts, so tests writing in parallel
//! threads would make the reuse unobservable.

use http::StatusCode;
use orm_contrib::auth::User;
use orm_core::db::{PoolOptions, QueryLog};
use orm_core::prelude::*;
use tests::admin_app::{each_app, next_number, AdminApp, Client, Role};
use tests::admin_models::Story;

const STORIES: &str = "/admin/press/story/";

/// One test: the cases would end each other's kept values if they ran
/// side by side.
#[tokio::test(flavor = "multi_thread")]
async fn list_pages_reuse_what_only_a_write_changes() {
    the_changelist_reuses_its_count_until_a_write().await;
    the_sidebar_lists_are_kept_until_a_write().await;
    the_session_and_staff_user_are_kept_until_a_write().await;
}

/// A logged-in superuser's client of an admin whose pool keeps what list
/// pages reuse for ten minutes, and the log of every statement it runs.
async fn superuser_of_a_keeping_admin(app: &AdminApp) -> (Client, QueryLog) {
    let logged_in = app.logged_in(Role::Superuser).await;
    keeping_admin_of(app, &logged_in)
}

/// `logged_in`'s cookies in a client of such an admin, and its log.
fn keeping_admin_of(app: &AdminApp, logged_in: &Client) -> (Client, QueryLog) {
    let log = QueryLog::default();
    let (router, _db) = app.router_with_pool(PoolOptions {
        query_log: Some(log.clone()),
        kept_values_ttl: std::time::Duration::from_secs(600),
        ..PoolOptions::default()
    });
    (app.client_of(router, logged_in), log)
}

/// The changelist's `COUNT(*)` runs once for several requests, and again
/// as soon as anything is written through the ORM: a story added, an
/// admin's bulk action.
async fn the_changelist_reuses_its_count_until_a_write() {
    each_app(|app| async move {
        let kind = app.kind;
        let (mut client, log) = superuser_of_a_keeping_admin(&app).await;
        // A `COUNT(*)`, or (a small table with no estimate) the count of
        // its first keys: `SELECT id FROM press_story LIMIT ...`.
        let counts_of = |queries: &[String]| {
            queries
                .iter()
                .map(|q| q.replace(['`', '"'], "").to_uppercase())
                .filter(|q| {
                    q.contains("COUNT(")
                        || (q.starts_with("SELECT PRESS_STORY.ID FROM PRESS_STORY")
                            && !q.contains("ORDER BY"))
                })
                .count()
        };
        let mut author = User::new(format!("author{}", next_number()), "");
        author.save(&mut app.conn()).unwrap();
        let mut first = Story::new("Counted", &format!("counted-{}", next_number()), author.id);
        first.save(&mut app.conn()).unwrap();

        let page = client.get(STORIES).await;
        page.expect(StatusCode::OK, &format!("{kind}: first list"));
        let shown = page.row_ids(STORIES).len();
        log.take();
        let page = client.get(STORIES).await;
        assert_eq!(counts_of(&log.take()), 0, "{kind}: the count is reused");
        assert!(
            page.contains(&format!("{shown} stor")),
            "{kind}: same count shown"
        );

        let mut second = Story::new("Counted", &format!("counted-{}", next_number()), author.id);
        second.save(&mut app.conn()).unwrap();
        let page = client.get(STORIES).await;
        assert_eq!(
            counts_of(&log.take()),
            1,
            "{kind}: a write ends the kept count"
        );
        assert_eq!(page.row_ids(STORIES).len(), shown + 1, "{kind}");
        assert!(
            page.contains(&format!("{} stor", shown + 1)),
            "{kind}: the new count is shown"
        );
    })
    .await;
}

/// The sidebar's lists (the authors of the author filter, the first and last
/// dates of the date drill-down) are kept like the count: not read again
/// for the next request, read again after a write, which then shows.
async fn the_sidebar_lists_are_kept_until_a_write() {
    each_app(|app| async move {
        let kind = app.kind;
        let (mut client, log) = superuser_of_a_keeping_admin(&app).await;
        let sidebar_of = |queries: &[String]| {
            queries
                .iter()
                .filter(|q| {
                    let q = q.to_lowercase();
                    q.contains("order by \"auth_user\".\"username\"")
                        || q.contains("order by `auth_user`.`username`")
                        || (q.contains("published_at") && q.contains("is not null"))
                })
                .count()
        };
        let mut author = User::new(format!("sidebar{}", next_number()), "");
        author.save(&mut app.conn()).unwrap();
        let mut story = Story::new("Sidebar", &format!("sidebar-{}", next_number()), author.id);
        story.save(&mut app.conn()).unwrap();

        client
            .get(STORIES)
            .await
            .expect(StatusCode::OK, kind.name());
        log.take();
        client
            .get(STORIES)
            .await
            .expect(StatusCode::OK, kind.name());
        assert_eq!(sidebar_of(&log.take()), 0, "{kind}: the sidebar is reused");

        // Sorted first among the offered authors.
        let name = format!("a_newcomer{}", next_number());
        User::new(name.clone(), "").save(&mut app.conn()).unwrap();
        let page = client.get(STORIES).await;
        assert_eq!(
            sidebar_of(&log.take()),
            2,
            "{kind}: a write ends the kept lists (authors; first and last date in one)"
        );
        assert!(page.contains(&name), "{kind}: the new author is offered");
    })
    .await;
}

/// The session, the logged-in user and their permissions are read once,
/// not for every page; a write through the ORM (here: the user made
/// inactive) ends that at once, and the next page goes to the login form.
async fn the_session_and_staff_user_are_kept_until_a_write() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut user = app.user(&format!("kept{}", next_number()));
        user.is_staff = true;
        user.is_superuser = true;
        user.save(&mut app.conn()).unwrap();
        let mut logged_in = app.client();
        logged_in
            .login(&user.username, tests::admin_app::PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: log in"));
        let (mut client, log) = keeping_admin_of(&app, &logged_in);
        // The user by id (the author filter reads users too, unfiltered).
        let user_reads = |queries: &[String]| {
            queries
                .iter()
                .map(|q| q.to_lowercase())
                .filter(|q| q.contains("auth_user") && q.contains("where"))
                .count()
        };

        let session_reads = |queries: &[String]| {
            queries
                .iter()
                .map(|q| q.to_lowercase())
                .filter(|q| q.contains("from \"orm_session\"") || q.contains("from `orm_session`"))
                .count()
        };

        client
            .get("/admin/")
            .await
            .expect(StatusCode::OK, kind.name());
        let first = log.take();
        assert_eq!(user_reads(&first), 1, "{kind}: the user is read once");
        assert_eq!(session_reads(&first), 1, "{kind}: the session is read once");
        client
            .get("/admin/")
            .await
            .expect(StatusCode::OK, kind.name());
        client
            .get(STORIES)
            .await
            .expect(StatusCode::OK, kind.name());
        let next = log.take();
        assert_eq!(user_reads(&next), 0, "{kind}: then the user is kept");
        assert_eq!(session_reads(&next), 0, "{kind}: and the session");

        user.is_active = false;
        user.save(&mut app.conn()).unwrap();
        let page = client.get(STORIES).await;
        assert!(
            page.location().starts_with("/admin/login/"),
            "{kind}: an inactive user is sent to log in, got {:?}",
            page.location()
        );
    })
    .await;
}
