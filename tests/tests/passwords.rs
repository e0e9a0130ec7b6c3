//! Password hashes of the built-in `User` on every backend: stored with
//! `set_password`, checked, and upgraded to the current parameters on login.

use orm_contrib::auth::{
    check_password_and_upgrade, check_password_for_unknown_user, needs_rehash, Hasher, User,
};
use orm_core::prelude::*;
use tests::backends::each_backend;

const RAW: &str = "plum-tuesday-orbit-42";

/// Weaker parameters than the current ones, as an older release would use.
const OLD: Hasher = Hasher {
    memory_kib: 8192,
    iterations: 1,
    parallelism: 1,
    output_len: 32,
};

fn reload(conn: &mut orm_core::AnyConnection, user: &User) -> User {
    User::objects()
        .filter(User::ID.eq(user.id))
        .get(conn)
        .expect("reload the user")
}

#[test]
fn set_password_is_stored_hashed() {
    each_backend(&[User::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let mut user = User::new("alice", "alice@example.com");
        assert!(!user.has_usable_password(), "{kind}");
        user.set_password(RAW).unwrap();
        user.save(conn).unwrap();

        let stored = reload(conn, &user);
        assert!(
            stored
                .password
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{kind}: {}",
            stored.password
        );
        assert!(!stored.password.contains(RAW), "{kind}");
        assert!(stored.check_password(RAW), "{kind}");
        assert!(!stored.check_password("plum-tuesday-orbit-43"), "{kind}");

        let mut nobody = User::new("nobody", "");
        nobody.set_unusable_password();
        nobody.save(conn).unwrap();
        let mut stored = reload(conn, &nobody);
        assert!(!stored.has_usable_password(), "{kind}");
        assert!(
            !check_password_and_upgrade(&mut stored, "", conn).unwrap(),
            "{kind}"
        );
        assert_eq!(reload(conn, &nobody).password, nobody.password, "{kind}");

        check_password_for_unknown_user(RAW);
    });
}

#[test]
fn old_hashes_are_upgraded_on_login() {
    each_backend(&[User::schema()], |kind, db| {
        let mut conn = db.conn().unwrap();
        let conn = &mut *conn;
        let mut bob = User::new("bob", "bob@example.com");
        bob.set_password("bob's own password").unwrap();
        bob.save(conn).unwrap();
        let bob_hash = bob.password.clone();

        let mut user = User::new("alice", "alice@example.com");
        user.first_name = "Alice".into();
        user.password = OLD.hash(RAW).unwrap();
        user.save(conn).unwrap();
        let old = reload(conn, &user).password;
        assert!(
            old.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"),
            "{kind}: {old}"
        );
        assert!(needs_rehash(&old), "{kind}");

        // A wrong password changes nothing.
        let mut loaded = reload(conn, &user);
        assert!(
            !check_password_and_upgrade(&mut loaded, "wrong", conn).unwrap(),
            "{kind}"
        );
        assert_eq!(loaded.password, old, "{kind}");
        assert_eq!(reload(conn, &user).password, old, "{kind}");

        // The right one is rehashed with the current parameters, and only
        // the password column is written.
        let mut loaded = reload(conn, &user);
        loaded.first_name = "Not saved".into();
        assert!(
            check_password_and_upgrade(&mut loaded, RAW, conn).unwrap(),
            "{kind}"
        );
        let stored = reload(conn, &user);
        assert_ne!(stored.password, old, "{kind}");
        assert_eq!(stored.password, loaded.password, "{kind}");
        assert!(
            stored
                .password
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{kind}: {}",
            stored.password
        );
        assert!(!needs_rehash(&stored.password), "{kind}");
        assert!(stored.check_password(RAW), "{kind}");
        assert_eq!(stored.first_name, "Alice", "{kind}");
        assert_eq!(stored.username, "alice", "{kind}");

        // Once current, a login writes nothing more.
        let current = stored.password.clone();
        let mut loaded = reload(conn, &user);
        assert!(
            check_password_and_upgrade(&mut loaded, RAW, conn).unwrap(),
            "{kind}"
        );
        assert_eq!(reload(conn, &user).password, current, "{kind}");

        // Other users are untouched.
        assert_eq!(reload(conn, &bob).password, bob_hash, "{kind}");
    });
}
