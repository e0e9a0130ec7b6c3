//! `OneToOne<M>` on every backend: a unique foreign key (a second row
//! pointing at the same target is refused), its reverse accessor giving the
//! one row or none, lookups both ways by type and by name, `select_related`,
//! `on_delete`, and its migration.

use orm_core::backend::ddl::create_table;
use orm_core::db::BackendKind;
use orm_core::prelude::*;
use orm_core::Error;
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "club")]
struct Member {
    id: i64,
    #[field(max_length = 50)]
    name: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "club")]
struct Profile {
    id: i64,
    #[field(on_delete = Cascade, related_name = "profile")]
    member: OneToOne<Member>,
    #[field(max_length = 200)]
    bio: String,
}

/// A one-to-one that may be empty, cleared when its target goes.
#[derive(Model, Debug, Clone)]
#[model(app_label = "club")]
struct Locker {
    id: i64,
    #[field(on_delete = SetNull, related_name = "locker")]
    holder: Option<OneToOne<Member>>,
    number: i32,
}

fn member(conn: &mut AnyConnection, name: &str) -> Member {
    let mut member = Member {
        id: 0,
        name: name.into(),
    };
    member.save(conn).unwrap();
    member
}

#[test]
fn the_schema_says_unique() {
    let field = Profile::schema().field("member").unwrap();
    assert!(field.unique);
    assert!(field.foreign_key.is_some());
    let ddl = create_table(Profile::schema(), BackendKind::Postgres, true);
    assert!(ddl.create_table.contains("UNIQUE"), "{}", ddl.create_table);
    // The unique constraint indexes the column: no second index.
    assert!(ddl.indexes.is_empty(), "{:?}", ddl.indexes);
}

#[test]
fn one_row_each_way() {
    each_backend(
        &[Member::schema(), Profile::schema(), Locker::schema()],
        |kind, db| {
            let mut conn = db.conn().unwrap();
            let conn = &mut conn;
            let ada = member(conn, "Ada");
            let bob = member(conn, "Bob");
            assert!(ada.profile(conn).unwrap().is_none(), "{kind}");
            Profile {
                id: 0,
                member: ForeignKey::new(ada.id),
                bio: "Analyst".into(),
            }
            .save(conn)
            .unwrap();
            let again = Profile {
                id: 0,
                member: ForeignKey::new(ada.id),
                bio: "Twice".into(),
            }
            .save(conn);
            assert!(
                matches!(again, Err(Error::UniqueViolation { .. })),
                "{kind}: {again:?}"
            );
            let profile = ada.profile(conn).unwrap().expect("Ada's profile");
            assert_eq!(profile.bio, "Analyst", "{kind}");
            assert!(bob.profile(conn).unwrap().is_none(), "{kind}");

            // Forwards and backwards, typed and by name.
            let found = Profile::objects()
                .filter(Profile::MEMBER.matches(Member::NAME.eq("Ada")))
                .select_related(Profile::MEMBER)
                .get(conn)
                .unwrap();
            assert_eq!(
                found.member.get().map(|m| m.name.as_str()),
                Some("Ada"),
                "{kind}"
            );
            let with_bio = Member::objects()
                .filter_by("profile__bio__icontains", "analy")
                .unwrap()
                .all(conn)
                .unwrap();
            assert_eq!(with_bio.len(), 1, "{kind}");
            assert_eq!(with_bio[0].name, "Ada", "{kind}");

            // Nullable: several empty, one each otherwise; cleared on delete.
            for number in 1..=2 {
                Locker {
                    id: 0,
                    holder: None,
                    number,
                }
                .save(conn)
                .unwrap();
            }
            let mut first = Locker::objects().get_pk(conn, 1).unwrap();
            first.holder = Some(ForeignKey::new(bob.id));
            first.save(conn).unwrap();
            assert_eq!(
                bob.locker(conn).unwrap().map(|l| l.number),
                Some(1),
                "{kind}"
            );
            bob.delete(conn).unwrap();
            assert_eq!(
                Locker::objects()
                    .filter(Locker::HOLDER.is_null(true))
                    .count(conn)
                    .unwrap(),
                2,
                "{kind}"
            );

            // Cascade: the profile goes with its member.
            ada.delete(conn).unwrap();
            assert_eq!(Profile::objects().count(conn).unwrap(), 0, "{kind}");
        },
    );
}
