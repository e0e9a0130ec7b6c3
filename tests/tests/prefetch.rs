//! Nested `prefetch` on every backend: each team with its members (a
//! nullable key), each member with their tasks (filtered, ordered,
//! sliced for each member, with their reviewer selected), one query per
//! level.

use orm_core::db::capture_queries;
use orm_core::prelude::*;
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "prefetching")]
struct Team {
    id: i64,
    #[field(max_length = 40)]
    name: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "prefetching")]
struct Member {
    id: i64,
    #[field(max_length = 40)]
    name: String,
    #[field(on_delete = SetNull)]
    team: Option<ForeignKey<Team>>,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "prefetching")]
struct Task {
    id: i64,
    #[field(max_length = 40)]
    title: String,
    #[field(on_delete = Cascade)]
    member: ForeignKey<Member>,
    #[field(on_delete = SetNull)]
    reviewer: Option<ForeignKey<Member>>,
    done: bool,
}

fn member(conn: &mut AnyConnection, name: &str, team: Option<&Team>) -> Member {
    let mut member = Member {
        id: 0,
        name: name.into(),
        team: team.map(|t| ForeignKey::new(t.id)),
    };
    member.save(conn).unwrap();
    member
}

fn task(conn: &mut AnyConnection, title: &str, member: &Member, reviewer: &Member, done: bool) {
    Task {
        id: 0,
        title: title.into(),
        member: ForeignKey::new(member.id),
        reviewer: Some(ForeignKey::new(reviewer.id)),
        done,
    }
    .save(conn)
    .unwrap();
}

#[test]
fn nested_prefetch_takes_one_query_per_level() {
    let schemas = [Team::schema(), Member::schema(), Task::schema()];
    each_backend(&schemas, |kind, db| {
        let conn = &mut db.conn().unwrap();
        let mut red = Team {
            id: 0,
            name: "red".into(),
        };
        red.save(conn).unwrap();
        let mut blue = Team {
            id: 0,
            name: "blue".into(),
        };
        blue.save(conn).unwrap();
        let ada = member(conn, "ada", Some(&red));
        let bob = member(conn, "bob", Some(&red));
        member(conn, "cy", None);
        for (title, done) in [("c", false), ("a", false), ("b", false), ("x", true)] {
            task(conn, title, &ada, &bob, done);
        }
        task(conn, "d", &bob, &ada, false);

        let query = Team::objects().order_by([Team::NAME.desc()]).prefetch(
            Member::TEAM,
            Member::objects().order_by([Member::NAME.asc()]).prefetch(
                Task::MEMBER,
                Task::objects()
                    .filter(Task::DONE.eq(false))
                    .order_by([Task::TITLE.asc()])
                    .select_related(Task::REVIEWER)
                    .limit(2),
            ),
        );
        let (teams, statements) = capture_queries(conn, |conn| query.all(conn).unwrap());
        assert_eq!(statements.len(), 3, "{kind}: {statements:#?}");
        /// A team's name, and each member's name with their task titles.
        type Shape<'a> = (&'a str, Vec<(&'a str, Vec<&'a str>)>);
        let shape: Vec<Shape> = teams
            .iter()
            .map(|(team, members)| {
                let members = members
                    .iter()
                    .map(|(m, tasks)| {
                        (
                            m.name.as_str(),
                            tasks.iter().map(|t| t.title.as_str()).collect(),
                        )
                    })
                    .collect();
                (team.name.as_str(), members)
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("red", vec![("ada", vec!["a", "b"]), ("bob", vec!["d"])]),
                ("blue", vec![])
            ],
            "{kind}: open tasks, two at most for each member"
        );
        let (_, tasks) = &teams[0].1[0];
        let reviewer = tasks[0].reviewer.as_ref().and_then(|r| r.get());
        assert_eq!(reviewer.map(|r| r.name.as_str()), Some("bob"), "{kind}");

        // The two-query shortcut gives the same children.
        let flat = Member::objects()
            .order_by([Member::NAME.asc()])
            .prefetch_related(conn, Task::MEMBER)
            .unwrap();
        let counts: Vec<usize> = flat.iter().map(|(_, tasks)| tasks.len()).collect();
        assert_eq!(counts, [4, 1, 0], "{kind}");
        // No parent: no query for children.
        let (none, statements) = capture_queries(conn, |conn| {
            Team::objects()
                .filter(Team::NAME.eq("green"))
                .prefetch(Member::TEAM, Member::objects())
                .all(conn)
                .unwrap()
        });
        assert!(none.is_empty(), "{kind}");
        assert_eq!(statements.len(), 1, "{kind}");
    });
}
