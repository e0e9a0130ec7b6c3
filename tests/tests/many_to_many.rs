//! Many-to-many relations on every backend: add, remove, set, clear, list,
//! prefetch without N+1, and cascades through the join table.

use orm_contrib::auth::{Group, Permission, User, UserGroups};
use orm_core::prelude::*;
use tests::backends::each_backend;

/// The auth tables, and every other table that points at users: this
/// binary links every model of the `tests` crate (the admin log and the
/// `press` stories too), so deleting a user reaches them all.
fn schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    tests::admin_models::admin_schemas()
}

fn group(conn: &mut orm_core::AnyConnection, name: &str) -> Group {
    let mut group = Group::new(name);
    group.save(conn).unwrap();
    group
}

#[test]
fn add_remove_set_clear_list() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let mut ann = User::new("ann", "ann@example.com");
        ann.save(conn).unwrap();
        let editors = group(conn, "editors");
        let admins = group(conn, "admins");
        let readers = group(conn, "readers");

        ann.groups()
            .add(conn, &[editors.id, admins.id, editors.id])
            .unwrap();
        let names = |conn: &mut orm_core::AnyConnection, user: &User| -> Vec<String> {
            user.groups()
                .all(conn)
                .unwrap()
                .into_iter()
                .map(|g| g.name)
                .collect()
        };
        assert_eq!(
            names(conn, &ann),
            vec!["admins", "editors"],
            "{kind}: ordered, no duplicates"
        );
        assert!(ann.groups().contains(conn, editors.id).unwrap());
        ann.groups().remove(conn, &[admins.id]).unwrap();
        assert_eq!(names(conn, &ann), vec!["editors"], "{kind}");
        ann.groups().set(conn, &[readers.id, admins.id]).unwrap();
        assert_eq!(names(conn, &ann), vec!["admins", "readers"], "{kind}");
        ann.groups().clear(conn).unwrap();
        assert!(names(conn, &ann).is_empty(), "{kind}");

        let unsaved = User::new("ghost", "");
        assert!(
            unsaved.groups().add(conn, &[editors.id]).is_err(),
            "{kind}: save first"
        );
        assert!(
            ann.groups().add(conn, &[999_999]).is_err(),
            "{kind}: unknown group refused"
        );
    });
}

#[test]
fn prefetch_takes_two_queries_for_any_number_of_rows() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let groups: Vec<Group> = (0..3).map(|n| group(conn, &format!("g{n}"))).collect();
        for n in 0..20 {
            let mut user = User::new(format!("user{n:02}"), "");
            user.save(conn).unwrap();
            let ids: Vec<i64> = groups.iter().take(n % 4).map(|g| g.id).collect();
            user.groups().add(conn, &ids).unwrap();
        }
        let mut users = User::objects().all(conn).unwrap();
        let (result, queries) =
            orm_core::db::capture_queries(conn, |conn| User::prefetch_groups(conn, &mut users));
        result.unwrap();
        assert_eq!(queries.len(), 2, "{kind}: {queries:?}");
        for (n, user) in users.iter().enumerate() {
            assert_eq!(
                user.groups.get().unwrap().len(),
                n % 4,
                "{kind}: {}",
                user.username
            );
        }
    });
}

#[test]
fn deleting_either_side_removes_the_links() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let mut ann = User::new("ann", "");
        ann.save(conn).unwrap();
        let editors = group(conn, "editors");
        let admins = group(conn, "admins");
        ann.groups().add(conn, &[editors.id, admins.id]).unwrap();
        editors.delete(conn).unwrap();
        assert_eq!(UserGroups::objects().count(conn).unwrap(), 1, "{kind}");
        ann.delete(conn).unwrap();
        assert_eq!(UserGroups::objects().count(conn).unwrap(), 0, "{kind}");
        assert_eq!(
            Group::objects().count(conn).unwrap(),
            1,
            "{kind}: the group stays"
        );

        let mut perm = Permission {
            id: 0,
            name: "Can change article".into(),
            app_label: "blog".into(),
            codename: "change_article".into(),
        };
        perm.save(conn).unwrap();
        admins.permissions().add(conn, &[perm.id]).unwrap();
        let listed = admins.permissions().all(conn).unwrap();
        assert_eq!(listed[0].label(), "blog.change_article", "{kind}");
    });
}
