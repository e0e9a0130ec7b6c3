//! Permissions through users and groups, authenticate, and the
//! createsuperuser / changepassword commands, on every backend.

use std::io::Cursor;
use std::sync::{Arc, Mutex};

use orm_contrib::auth::{
    authenticate, create_permissions, Access, AuthCommand, Granted, Group, Permission, User,
};
use orm_core::prelude::*;
use tests::backends::each_backend;
use tests::models::{Article, Author};

fn schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    let mut schemas = tests::models::auth_schemas();
    schemas.extend([Author::schema(), Article::schema()]);
    schemas
}

fn permission(conn: &mut orm_core::AnyConnection, label: &str) -> Permission {
    let (app, codename) = label.split_once('.').unwrap();
    Permission::objects()
        .filter(Permission::APP_LABEL.eq(app) & Permission::CODENAME.eq(codename))
        .get(conn)
        .unwrap()
}

#[test]
fn permissions_come_from_users_groups_and_superusers() {
    each_backend(&schemas(), |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let created = create_permissions(conn).unwrap();
        assert!(created >= 4 * 5, "{kind}: {created}");
        assert_eq!(create_permissions(conn).unwrap(), 0, "{kind}: idempotent");
        let change = permission(conn, "blog.change_article");
        assert_eq!(change.name, "Can change article");
        let view = permission(conn, "blog.view_article");

        let mut editors = Group::new("editors");
        editors.save(conn).unwrap();
        editors.permissions().add(conn, &[change.id]).unwrap();
        let mut ann = User::new("ann", "");
        ann.save(conn).unwrap();
        assert!(
            !ann.has_perm(conn, "blog.change_article").unwrap(),
            "{kind}"
        );
        ann.groups().add(conn, &[editors.id]).unwrap();
        assert!(
            ann.has_perm(conn, "blog.change_article").unwrap(),
            "{kind}: through the group"
        );
        assert!(!ann.has_perm(conn, "blog.view_article").unwrap(), "{kind}");
        ann.user_permissions().add(conn, &[view.id]).unwrap();
        assert!(
            ann.has_perm(conn, "blog.view_article").unwrap(),
            "{kind}: direct"
        );
        assert!(ann.has_module_perms(conn, "blog").unwrap(), "{kind}");
        // A second direct permission and a second group holding one already
        // held: each label once, in one statement.
        let add = permission(conn, "blog.add_article");
        ann.user_permissions().add(conn, &[add.id]).unwrap();
        let mut writers = Group::new("writers");
        writers.save(conn).unwrap();
        writers
            .permissions()
            .add(conn, &[change.id, add.id])
            .unwrap();
        ann.groups().add(conn, &[writers.id]).unwrap();
        let (access, queries) =
            orm_core::db::capture_queries(conn, |conn| Access::load(conn, ann.id));
        let access = access.unwrap().unwrap();
        assert_eq!(queries.len(), 1, "{kind}: {queries:?}");
        assert_eq!(access.user.username, "ann", "{kind}");
        let labels = [
            "blog.add_article",
            "blog.change_article",
            "blog.view_article",
        ];
        assert_eq!(
            access.granted,
            Granted::Some(labels.iter().map(|l| l.to_string()).collect()),
            "{kind}"
        );
        assert!(
            Access::load(conn, ann.id + 1000).unwrap().is_none(),
            "{kind}"
        );
        assert!(!ann.has_module_perms(conn, "auth").unwrap(), "{kind}");

        ann.is_active = false;
        assert!(
            !ann.has_perm(conn, "blog.view_article").unwrap(),
            "{kind}: inactive has none"
        );
        let mut root = User::new("root", "");
        root.is_superuser = true;
        root.save(conn).unwrap();
        assert!(
            root.has_perm(conn, "anything.at_all").unwrap(),
            "{kind}: superuser has all"
        );
        let access = Access::load(conn, root.id).unwrap().unwrap();
        assert_eq!(access.granted, Granted::All, "{kind}");
        ann.save(conn).unwrap();
        let access = Access::load(conn, ann.id).unwrap().unwrap();
        assert_eq!(
            access.granted,
            Granted::Some(Default::default()),
            "{kind}: inactive"
        );
        assert!(
            root.get_all_permissions(conn)
                .unwrap()
                .contains("auth.delete_user"),
            "{kind}"
        );
    });
}

/// Collects what `tracing` writes while a test runs.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn authenticate_checks_and_never_logs_secrets() {
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        each_backend(&schemas(), |kind, db| {
            let mut conn = db.conn().unwrap();
            let conn = &mut *conn;
            let mut ann = User::new("ann", "ann@example.com");
            ann.set_password("s3cret-Tulip-42").unwrap();
            ann.save(conn).unwrap();
            let hash = ann.password.clone();
            let user = authenticate(conn, "ann", "s3cret-Tulip-42").unwrap();
            assert!(
                user.as_ref().is_some_and(|u| u.last_login.is_some()),
                "{kind}"
            );
            assert!(
                authenticate(conn, "ann", "wrong").unwrap().is_none(),
                "{kind}"
            );
            assert!(
                authenticate(conn, "nobody", "s3cret-Tulip-42")
                    .unwrap()
                    .is_none(),
                "{kind}"
            );
            ann.is_active = false;
            ann.save(conn).unwrap();
            assert!(
                authenticate(conn, "ann", "s3cret-Tulip-42")
                    .unwrap()
                    .is_none(),
                "{kind}: inactive"
            );
            let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
            assert!(logs.contains("login succeeded"), "{kind}: {logs}");
            assert!(
                !logs.contains("s3cret-Tulip-42"),
                "{kind}: password in logs"
            );
            assert!(!logs.contains(&hash), "{kind}: hash in logs");
            assert!(!logs.contains("$argon2"), "{kind}: hash in logs");
            assert!(!format!("{ann:?}").contains(&hash), "{kind}: hash in Debug");
        });
    });
}

fn command(db: &Db, cmd: AuthCommand, input: &str) -> Result<String, String> {
    let mut out = Vec::new();
    cmd.execute(db, &mut Cursor::new(input.as_bytes().to_vec()), &mut out)
        .map(|()| String::from_utf8(out).unwrap())
        .map_err(|e| e.to_string())
}

#[test]
fn createsuperuser_and_changepassword() {
    each_backend(&schemas(), |kind, db| {
        let create = |username: &str, email: &str| AuthCommand::Createsuperuser {
            username: Some(username.into()),
            email: Some(email.into()),
            noinput: false,
        };
        let ok = command(
            db,
            create("admin", "a@example.com"),
            "Tulip-Garden-93\nTulip-Garden-93\n",
        )
        .unwrap();
        assert!(
            ok.contains("Superuser created successfully."),
            "{kind}: {ok}"
        );
        let mut conn = db.conn().unwrap();
        let admin = User::objects()
            .filter(User::USERNAME.eq("admin"))
            .get(&mut conn)
            .unwrap();
        assert!(
            admin.is_staff && admin.is_superuser && admin.check_password("Tulip-Garden-93"),
            "{kind}"
        );

        let taken = command(
            db,
            create("admin", ""),
            "Tulip-Garden-93\nTulip-Garden-93\n",
        )
        .unwrap_err();
        assert_eq!(taken, "the username 'admin' is already taken", "{kind}");
        let weak = command(db, create("bob", ""), "12345678\n12345678\n").unwrap_err();
        assert!(
            weak.starts_with("weak password:") && weak.contains("entirely numeric"),
            "{kind}: {weak}"
        );
        assert!(!weak.contains('\n'), "{kind}: one line");
        let similar = command(
            db,
            create("tulipgarden", ""),
            "tulipgarden1\ntulipgarden1\n",
        )
        .unwrap_err();
        assert!(
            similar.contains("too similar to the username"),
            "{kind}: {similar}"
        );
        let mismatch = command(
            db,
            create("carol", ""),
            "Tulip-Garden-93\nTulip-Garden-94\n",
        )
        .unwrap_err();
        assert_eq!(mismatch, "your passwords didn't match", "{kind}");
        let bad_email = command(db, create("dave", "nope"), "").unwrap_err();
        assert!(bad_email.contains("not a valid email address"), "{kind}");
        let no_user = AuthCommand::Createsuperuser {
            username: None,
            email: None,
            noinput: true,
        };
        assert!(command(db, no_user, "")
            .unwrap_err()
            .contains("--username is required"));
        assert_eq!(
            User::objects().count(&mut conn).unwrap(),
            1,
            "{kind}: nothing else created"
        );

        let change = AuthCommand::Changepassword {
            username: "admin".into(),
        };
        let out = command(db, change.clone(), "Another-Tulip-77\nAnother-Tulip-77\n").unwrap();
        assert!(
            out.contains("Password changed successfully for user 'admin'"),
            "{kind}"
        );
        let admin = User::objects()
            .filter(User::USERNAME.eq("admin"))
            .get(&mut conn)
            .unwrap();
        assert!(admin.check_password("Another-Tulip-77"), "{kind}");
        let missing = AuthCommand::Changepassword {
            username: "zed".into(),
        };
        assert_eq!(
            command(db, missing, "").unwrap_err(),
            "user 'zed' does not exist"
        );
    });
}

#[test]
fn createsuperuser_checks_usernames_like_the_admin() {
    each_backend(&schemas(), |kind, db| {
        let create = |username: &str| AuthCommand::Createsuperuser {
            username: Some(username.into()),
            email: Some(String::new()),
            noinput: false,
        };
        let password = "Tulip-Garden-93\nTulip-Garden-93\n";
        command(db, create("admin"), password).unwrap();
        for name in ["Admin", "ADMIN", "\u{ff21}dmin"] {
            let taken = command(db, create(name), password).unwrap_err();
            assert!(
                taken.starts_with("the username '") && taken.ends_with("' is already taken"),
                "{kind}: {name:?}: {taken}"
            );
        }
        for name in [
            "boss\u{200b}",
            "adm\u{202e}nimda",
            "soft\u{ad}hyphen",
            "\u{3164}",
        ] {
            let refused = command(db, create(name), password).unwrap_err();
            assert!(
                refused.starts_with("Enter a valid username."),
                "{kind}: {name:?}: {refused}"
            );
        }
        // Saved in NFKC: the full-width name is plain ASCII.
        command(db, create("\u{ff42}\u{ff4f}\u{ff42}"), password).unwrap();
        let mut conn = db.conn().unwrap();
        let mut names: Vec<String> = User::objects()
            .all(&mut conn)
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        names.sort();
        assert_eq!(names, ["admin", "bob"], "{kind}");
    });
}
