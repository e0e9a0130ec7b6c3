//! `select_related` along chains of foreign keys (`task__member__team`),
//! on every backend: typed and by name, through nullable keys and keys
//! that are `NULL`, with a filter, an ordering across relations and a
//! slice, all in one statement.

use orm_core::db::capture_queries;
use orm_core::prelude::*;
use tests::backends::each_backend;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(app_label = "deep_related")]
struct Team {
    id: i64,
    #[field(max_length = 40)]
    name: String,
    founded: Option<chrono::NaiveDate>,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "deep_related")]
struct Member {
    id: i64,
    #[field(max_length = 40)]
    name: String,
    #[field(on_delete = SetNull)]
    team: Option<ForeignKey<Team>>,
    #[field(on_delete = SetNull)]
    mentor: Option<ForeignKey<Member>>,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "deep_related")]
struct Task {
    id: i64,
    #[field(max_length = 40)]
    title: String,
    #[field(on_delete = Cascade)]
    member: ForeignKey<Member>,
    #[field(on_delete = SetNull)]
    reviewer: Option<ForeignKey<Member>>,
    score: f64,
}

struct Seeded {
    red: Team,
    ada: Member,
    bob: Member,
}

fn seed(conn: &mut AnyConnection) -> Seeded {
    let mut red = Team {
        id: 0,
        name: "red".into(),
        founded: chrono::NaiveDate::from_ymd_opt(2020, 5, 17),
    };
    red.save(conn).unwrap();
    let mut ada = Member {
        id: 0,
        name: "ada".into(),
        team: Some(ForeignKey::new(red.id)),
        mentor: None,
    };
    ada.save(conn).unwrap();
    // Bob has no team; Ada mentors him.
    let mut bob = Member {
        id: 0,
        name: "bob".into(),
        team: None,
        mentor: Some(ForeignKey::new(ada.id)),
    };
    bob.save(conn).unwrap();
    for (title, member, reviewer, score) in [
        ("write", &ada, Some(&bob), 1.5),
        ("read", &bob, Some(&ada), 2.5),
        ("rest", &bob, None, 0.5),
    ] {
        Task {
            id: 0,
            title: title.into(),
            member: ForeignKey::new(member.id),
            reviewer: reviewer.map(|m| ForeignKey::new(m.id)),
            score,
        }
        .save(conn)
        .unwrap();
    }
    Seeded { red, ada, bob }
}

fn team_of(member: &Member) -> Option<&Team> {
    member.team.as_ref().and_then(|t| t.get())
}

#[test]
fn chains_of_keys_load_in_one_statement() {
    let schemas = [Team::schema(), Member::schema(), Task::schema()];
    each_backend(&schemas, |kind, db| {
        let conn = &mut db.conn().unwrap();
        let Seeded { red, ada, bob } = seed(conn);
        let query = Task::objects()
            .select_related(Task::MEMBER.then(Member::TEAM))
            .select_related(Task::REVIEWER.then(Member::MENTOR.then(Member::TEAM)))
            .order_by([Task::TITLE.asc()]);
        let (tasks, statements) = capture_queries(conn, |conn| query.all(conn).unwrap());
        assert_eq!(statements.len(), 1, "{kind}: {statements:#?}");
        let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["read", "rest", "write"], "{kind}");

        // read: by bob (no team), reviewed by ada (no mentor).
        let read = &tasks[0];
        let member = read.member.get().expect("member loaded");
        assert_eq!(member.name, bob.name, "{kind}");
        assert!(team_of(member).is_none(), "{kind}: bob has no team");
        let reviewer = read
            .reviewer
            .as_ref()
            .and_then(|r| r.get())
            .expect("reviewer loaded");
        assert_eq!(reviewer.name, ada.name, "{kind}");
        assert!(reviewer.mentor.is_none(), "{kind}");
        assert_eq!(read.score, 2.5, "{kind}");
        // rest: no reviewer.
        assert!(tasks[1].reviewer.is_none(), "{kind}");
        assert!(tasks[1].member.get().is_some(), "{kind}");
        // write: by ada of red, reviewed by bob, whose mentor ada is of red.
        let write = &tasks[2];
        let member = write.member.get().expect("member loaded");
        assert_eq!(team_of(member), Some(&red), "{kind}: every field read back");
        let reviewer = write
            .reviewer
            .as_ref()
            .and_then(|r| r.get())
            .expect("reviewer loaded");
        let mentor = reviewer
            .mentor
            .as_ref()
            .and_then(|m| m.get())
            .expect("mentor loaded");
        assert_eq!(mentor.id, ada.id, "{kind}");
        assert_eq!(team_of(mentor), Some(&red), "{kind}: three keys deep");
        // A key not asked for is not loaded.
        assert!(reviewer.team.is_none(), "{kind}: bob has no team anyway");
        assert!(mentor.mentor.is_none(), "{kind}");
    });
}

#[test]
fn chains_by_name_with_a_filter_ordering_and_slice() {
    let schemas = [Team::schema(), Member::schema(), Task::schema()];
    each_backend(&schemas, |kind, db| {
        let conn = &mut db.conn().unwrap();
        let Seeded { red, .. } = seed(conn);
        let query = Task::objects()
            .select_related_by_name("member__team")
            .unwrap()
            .select_related_by_name("reviewer__mentor")
            .unwrap()
            .filter(Task::SCORE.gt(1.0))
            .order_by_names(&["-member__name", "title"])
            .unwrap()
            .limit(1);
        let (tasks, statements) = capture_queries(conn, |conn| query.all(conn).unwrap());
        assert_eq!(statements.len(), 1, "{kind}: {statements:#?}");
        assert_eq!(tasks.len(), 1, "{kind}");
        assert_eq!(tasks[0].title, "read", "{kind}: bob's, before ada's");
        let mentor = tasks[0]
            .reviewer
            .as_ref()
            .and_then(|r| r.get())
            .expect("reviewer loaded")
            .mentor
            .as_ref();
        assert!(mentor.is_none(), "{kind}: ada has no mentor");
        // get() and first() take the chains too.
        let write = Task::objects()
            .select_related_by_name("member__team")
            .unwrap()
            .filter(Task::TITLE.eq("write"))
            .get(conn)
            .unwrap();
        let member = write.member.get().expect("member loaded");
        assert_eq!(team_of(member).map(|t| t.id), Some(red.id), "{kind}");
        // Names that are not chains of keys are refused.
        for bad in [
            "member__name",
            "title",
            "member__nope",
            "member__team__name",
        ] {
            assert!(
                Task::objects().select_related_by_name(bad).is_err(),
                "{kind}: {bad}"
            );
        }
    });
}

#[test]
fn ordering_across_keys_joins_and_keeps_rows_without_a_target() {
    let schemas = [Team::schema(), Member::schema(), Task::schema()];
    each_backend(&schemas, |kind, db| {
        let conn = &mut db.conn().unwrap();
        seed(conn);
        // A nullable key: the task without a reviewer is kept (a LEFT JOIN).
        let query = Task::objects()
            .order_by_names(&["reviewer__name", "title"])
            .unwrap();
        let (tasks, statements) = capture_queries(conn, |conn| query.all(conn).unwrap());
        let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles.len(), 3, "{kind}: {titles:?}");
        // NULL sorts first on SQLite and MariaDB, last on PostgreSQL.
        let reviewed: Vec<&str> = titles.iter().copied().filter(|t| *t != "rest").collect();
        assert_eq!(
            reviewed,
            ["read", "write"],
            "{kind}: ada's review, then bob's"
        );
        assert!(
            statements[0].contains("LEFT JOIN"),
            "{kind}: {statements:?}"
        );
        // A key every row holds: an inner join, which the database may
        // start from (an index on the username, a LIMIT).
        let query = Task::objects()
            .order_by([Task::MEMBER.then(Member::NAME.desc()), Task::TITLE.asc()])
            .limit(2);
        let (tasks, statements) = capture_queries(conn, |conn| query.all(conn).unwrap());
        let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["read", "rest"], "{kind}: bob's first");
        assert_eq!(statements.len(), 1, "{kind}");
        assert!(
            statements[0].contains("INNER JOIN"),
            "{kind}: {statements:?}"
        );
    });
}
