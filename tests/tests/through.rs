//! A many-to-many field through a join model of the project's (Django's
//! `through=`), on every backend: the join model holds fields of its own,
//! the manager adds links with their defaults and refuses when a field has
//! none, lists, removes and prefetches through it; `makemigrations` makes
//! the project's model and no join model of its own.

use chrono::NaiveDate;
use orm_core::fields::{CustomThrough, ManyToManyManager};
use orm_core::prelude::*;
use orm_core::Error;
use orm_migrations::autodetector::detect_changes;
use orm_migrations::questioner::NonInteractiveQuestioner;
use orm_migrations::{Operation, ProjectState};
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "through_app", ordering = ["name"])]
struct Person {
    id: i64,
    #[field(max_length = 40)]
    name: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "through_app")]
struct Club {
    id: i64,
    #[field(max_length = 40)]
    name: String,
    #[field(through = Membership)]
    members: ManyToMany<Person>,
}

/// Who is in which club, since when and as what.
#[derive(Model, Debug, Clone)]
#[model(app_label = "through_app", ordering = ["joined"], unique_together(["club", "person"]))]
struct Membership {
    id: i64,
    #[field(on_delete = Cascade)]
    person: ForeignKey<Person>,
    #[field(on_delete = Cascade)]
    club: ForeignKey<Club>,
    joined: Option<NaiveDate>,
    #[field(max_length = 20, default = "member")]
    role: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "through_app")]
struct Team {
    id: i64,
    #[field(through = Contract)]
    players: ManyToMany<Person>,
}

/// A join row that cannot be made without a salary.
#[derive(Model, Debug, Clone)]
#[model(app_label = "through_app")]
struct Contract {
    id: i64,
    #[field(on_delete = Cascade)]
    team: ForeignKey<Team>,
    #[field(on_delete = Cascade)]
    player: ForeignKey<Person>,
    salary: i32,
}

fn schemas() -> Vec<&'static orm_core::schema::ModelSchema> {
    vec![
        Person::schema(),
        Club::schema(),
        Membership::schema(),
        Team::schema(),
        Contract::schema(),
    ]
}

fn person(conn: &mut AnyConnection, name: &str) -> Person {
    let mut person = Person {
        id: 0,
        name: name.into(),
    };
    person.save(conn).unwrap();
    person
}

fn names(people: &[Person]) -> Vec<&str> {
    people.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn links_through_a_model_of_the_project() {
    each_backend(&schemas(), |kind, db| {
        let conn = &mut db.conn().unwrap();
        let ada = person(conn, "ada");
        let bob = person(conn, "bob");
        let cy = person(conn, "cy");
        let mut chess = Club {
            id: 0,
            name: "chess".into(),
            members: ManyToMany::new(),
        };
        chess.save(conn).unwrap();

        // A row with values of its own, saved as a row of the join model.
        Membership {
            id: 0,
            person: ForeignKey::new(bob.id),
            club: ForeignKey::new(chess.id),
            joined: NaiveDate::from_ymd_opt(2020, 1, 2),
            role: "captain".into(),
        }
        .save(conn)
        .unwrap();
        // add() leaves the join model's own fields at their defaults.
        let members: ManyToManyManager<CustomThrough<Membership, Club, Person>> = chess.members();
        members.add(conn, &[ada.id, bob.id]).unwrap();
        assert_eq!(names(&members.all(conn).unwrap()), ["ada", "bob"], "{kind}");
        let links = members.links(conn).unwrap();
        let roles: Vec<(i64, &str)> = links
            .iter()
            .map(|m| (m.person.id(), m.role.as_str()))
            .collect();
        assert_eq!(roles.len(), 2, "{kind}");
        assert!(
            roles.contains(&(bob.id, "captain")),
            "{kind}: kept as it was"
        );
        assert!(roles.contains(&(ada.id, "member")), "{kind}: the default");

        // Prefetched, and filtered across the join model backwards.
        let mut clubs = Club::objects().all(conn).unwrap();
        Club::prefetch_members(conn, &mut clubs).unwrap();
        let loaded = clubs[0].members.get().expect("prefetched");
        assert_eq!(names(loaded), ["ada", "bob"], "{kind}");
        let captains = Person::objects()
            .filter_by("membership__role", "captain")
            .unwrap()
            .all(conn)
            .unwrap();
        assert_eq!(names(&captains), ["bob"], "{kind}");

        members.set(conn, &[cy.id, ada.id]).unwrap();
        assert_eq!(names(&members.all(conn).unwrap()), ["ada", "cy"], "{kind}");
        members.remove(conn, &[ada.id]).unwrap();
        members.clear(conn).unwrap();
        assert!(members.ids(conn).unwrap().is_empty(), "{kind}");
        assert_eq!(Membership::objects().count(conn).unwrap(), 0, "{kind}");

        // A join model whose own field has no default: add() says so and
        // writes nothing.
        let mut team = Team {
            id: 0,
            players: ManyToMany::new(),
        };
        team.save(conn).unwrap();
        let error = team.players().add(conn, &[ada.id]).unwrap_err();
        let Error::Validation(errors) = &error else {
            panic!("{kind}: {error:?}");
        };
        let message = errors
            .iter()
            .map(|(f, m)| format!("{f}: {m:?}"))
            .collect::<String>();
        assert!(message.contains("salary"), "{kind}: {message}");
        assert_eq!(Contract::objects().count(conn).unwrap(), 0, "{kind}");
    });
}

#[test]
fn makemigrations_makes_the_projects_join_model_only() {
    let to = ProjectState::from_models(schemas());
    let changes = detect_changes(
        &ProjectState::default(),
        &to,
        &mut NonInteractiveQuestioner,
        "2026-01-01T00:00:00Z",
    )
    .unwrap();
    let created: Vec<String> = changes.operations["through_app"]
        .iter()
        .filter_map(|op| match op {
            Operation::CreateModel { model } => Some(model.name.to_string()),
            _ => None,
        })
        .collect();
    for model in ["Person", "Club", "Membership", "Team", "Contract"] {
        assert!(created.iter().any(|c| c == model), "{model} in {created:?}");
    }
    assert_eq!(
        created.len(),
        5,
        "no join model of the derive's: {created:?}"
    );
    let club = &to.get("through_app", "Club").unwrap();
    assert_eq!(club.many_to_many[0].through, "through_app.Membership");
    // The checks run before makemigrations and at start-up find nothing.
    let models = schemas();
    for schema in &models {
        assert!(
            orm_core::checks::problems(schema, &models).is_empty(),
            "{}",
            schema.name
        );
    }
    // Without its join model among them, the field is reported.
    let without = [Person::schema(), Club::schema()];
    let found = orm_core::checks::problems(Club::schema(), &without);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("through_app.Membership"), "{found:?}");
}
