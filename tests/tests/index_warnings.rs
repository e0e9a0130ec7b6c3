//! `check` warns about an admin filter no index serves, once its table is
//! large enough for that to cost: each `list_filter` field and the
//! `date_hierarchy` that starts no index, from 10,000 rows.

use orm_core::__private::diesel::connection::SimpleConnection as _;
use orm_core::db::BackendKind;
use orm_core::prelude::*;
use tests::admin_models::{admin_schemas, Story};
use tests::backends::each_backend;

#[test]
fn filters_without_an_index_are_reported_on_large_tables() {
    each_backend(&admin_schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let mut author = orm_contrib::auth::User::new("writer", "");
        author.save(&mut conn).unwrap();
        let mut add = |range: std::ops::Range<usize>| {
            let mut stories: Vec<Story> = range
                .map(|i| Story::new("Story", &format!("story-{i}"), author.id))
                .collect();
            Story::bulk_create(&mut conn, &mut stories).unwrap();
        };
        add(0..100);
        let mut conn = db.conn().unwrap();
        let warnings = orm::startup::index_warnings(&mut conn).unwrap();
        assert_eq!(warnings, Vec::<String>::new(), "{kind}: 100 rows");

        add(100..20_000);
        // Fresh statistics, as the servers keep them over time.
        match kind {
            BackendKind::Postgres => conn.batch_execute("ANALYZE press_story").unwrap(),
            BackendKind::Mysql => conn.batch_execute("ANALYZE TABLE press_story").unwrap(),
            BackendKind::Sqlite => {}
        }
        let warnings = orm::startup::index_warnings(&mut conn).unwrap();
        // `author` is a foreign key, which has an index.
        let fields: Vec<&str> = warnings
            .iter()
            .filter_map(|w| w.split('`').nth(1))
            .collect();
        assert_eq!(
            fields,
            ["is_published", "status", "published_at", "published_at"],
            "{kind}: {warnings:#?}"
        );
        assert!(
            warnings[0].starts_with(
                "press.Story: the list_filter field `is_published` starts no index, \
                 so filtering its "
            ),
            "{kind}: {}",
            warnings[0]
        );
        assert!(warnings[3].contains("the date_hierarchy field"), "{kind}");
    });
}
