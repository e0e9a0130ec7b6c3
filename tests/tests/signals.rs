//! Model signals on every backend: `pre_save` changes the object before
//! it is written, `post_save` knows whether it was created and writes in
//! the same transaction (an error undoes the save), `pre_delete` and
//! `post_delete` come for each object a cascade deletes, `m2m_changed`
//! before and after links change, and bulk writes send none.

use std::sync::Mutex;

use orm_core::prelude::*;
use orm_core::signals::{self, M2mAction};
use orm_core::Error;
use tests::backends::each_backend;

#[derive(Model, Debug, Clone)]
#[model(app_label = "signalling")]
struct Shelf {
    id: i64,
    #[field(max_length = 40)]
    name: String,
    books: i32,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "signalling")]
struct Label {
    id: i64,
    #[field(max_length = 40)]
    name: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "signalling")]
struct Book {
    id: i64,
    #[field(max_length = 40)]
    title: String,
    #[field(on_delete = Cascade)]
    shelf: ForeignKey<Shelf>,
    #[field(blank)]
    labels: ManyToMany<Label>,
}

/// What the handlers saw, in order.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn seen() -> Vec<String> {
    std::mem::take(&mut *SEEN.lock().unwrap())
}

fn note(event: String) {
    SEEN.lock().unwrap().push(event);
}

fn connect() {
    signals::pre_save::<Book>(|_, book| {
        book.title = book.title.trim().to_owned();
        note(format!("pre_save {}", book.title));
        Ok(())
    });
    // Keeps the shelf's count of books, in the save's transaction.
    signals::post_save::<Book>(|conn, book, created| {
        note(format!("post_save {} created={created}", book.title));
        if book.title == "refused" {
            return Err(Error::Internal("refused by a handler".into()));
        }
        if created {
            let mut shelf = Shelf::objects().get_pk(conn, book.shelf.id())?;
            shelf.books += 1;
            shelf.save(conn)?;
        }
        Ok(())
    });
    signals::pre_delete::<Book>(|_, book| {
        note(format!("pre_delete {}", book.title));
        Ok(())
    });
    signals::post_delete::<Book>(|_, book| {
        note(format!("post_delete {} #{}", book.title, book.id != 0));
        Ok(())
    });
    signals::post_delete::<Shelf>(|_, shelf| {
        note(format!("post_delete shelf {}", shelf.name));
        Ok(())
    });
    signals::m2m_changed::<Book>(|_, change| {
        note(format!(
            "{} {:?} {}",
            change.field,
            change.action,
            change.targets.len()
        ));
        Ok(())
    });
}

#[test]
fn signals_come_with_saves_deletes_and_links() {
    connect();
    let schemas = [
        Shelf::schema(),
        Label::schema(),
        Book::schema(),
        BookLabels::schema(),
    ];
    each_backend(&schemas, |kind, db| {
        let conn = &mut db.conn().unwrap();
        seen();
        let mut shelf = Shelf {
            id: 0,
            name: "top".into(),
            books: 0,
        };
        shelf.save(conn).unwrap();
        let mut book = Book {
            id: 0,
            title: "  Dune ".into(),
            shelf: ForeignKey::new(shelf.id),
            labels: ManyToMany::new(),
        };
        book.save(conn).unwrap();
        assert_eq!(book.title, "Dune", "{kind}: changed by pre_save");
        book.save(conn).unwrap();
        assert_eq!(
            seen(),
            [
                "pre_save Dune",
                "post_save Dune created=true",
                "pre_save Dune",
                "post_save Dune created=false"
            ],
            "{kind}"
        );
        assert_eq!(
            Shelf::objects().get_pk(conn, shelf.id).unwrap().books,
            1,
            "{kind}"
        );

        // An error from a handler undoes the save, the handler's writes too.
        let mut refused = Book {
            id: 0,
            title: "refused".into(),
            shelf: ForeignKey::new(shelf.id),
            labels: ManyToMany::new(),
        };
        assert!(refused.save(conn).is_err(), "{kind}");
        assert_eq!(Book::objects().count(conn).unwrap(), 1, "{kind}: undone");
        seen();

        // Links.
        let mut sea = Label {
            id: 0,
            name: "sea".into(),
        };
        sea.save(conn).unwrap();
        let mut sand = Label {
            id: 0,
            name: "sand".into(),
        };
        sand.save(conn).unwrap();
        book.labels().add(conn, &[sea.id, sand.id, sea.id]).unwrap();
        book.labels().add(conn, &[sea.id]).unwrap();
        book.labels().remove(conn, &[sand.id]).unwrap();
        book.labels().clear(conn).unwrap();
        assert_eq!(
            seen(),
            [
                format!("labels {:?} 2", M2mAction::PreAdd),
                format!("labels {:?} 2", M2mAction::PostAdd),
                format!("labels {:?} 1", M2mAction::PreRemove),
                format!("labels {:?} 1", M2mAction::PostRemove),
                format!("labels {:?} 0", M2mAction::PreClear),
                format!("labels {:?} 0", M2mAction::PostClear),
            ],
            "{kind}: nothing for a link already there"
        );

        // The same through the field known by name, as forms and the
        // admin change links: only what differs is removed and added.
        let by_name = orm_core::fields::ManyToManyOps::resolve(
            Book::schema(),
            &Book::schema().many_to_many[0],
        )
        .expect("registered");
        let key = orm_core::Value::BigInt(book.id);
        let ids = |labels: &[&Label]| -> Vec<orm_core::Value> {
            labels
                .iter()
                .map(|l| orm_core::Value::BigInt(l.id))
                .collect()
        };
        by_name.set(conn, &key, &ids(&[&sea])).unwrap();
        by_name.set(conn, &key, &ids(&[&sea, &sand])).unwrap();
        by_name.set(conn, &key, &ids(&[&sand])).unwrap();
        assert_eq!(
            seen(),
            [
                format!("labels {:?} 1", M2mAction::PreAdd),
                format!("labels {:?} 1", M2mAction::PostAdd),
                format!("labels {:?} 1", M2mAction::PreAdd),
                format!("labels {:?} 1", M2mAction::PostAdd),
                format!("labels {:?} 1", M2mAction::PreRemove),
                format!("labels {:?} 1", M2mAction::PostRemove),
            ],
            "{kind}"
        );
        assert_eq!(book.labels().ids(conn).unwrap(), [sand.id], "{kind}");
        book.labels().clear(conn).unwrap();
        seen();

        // Bulk writes send nothing.
        let mut more = [
            Book {
                id: 0,
                title: "Emma".into(),
                shelf: ForeignKey::new(shelf.id),
                labels: ManyToMany::new(),
            },
            Book {
                id: 0,
                title: "Ulysses".into(),
                shelf: ForeignKey::new(shelf.id),
                labels: ManyToMany::new(),
            },
        ];
        Book::bulk_create(conn, &mut more).unwrap();
        assert!(seen().is_empty(), "{kind}");

        // A delete, and the cascade from the shelf.
        more[0].delete(conn).unwrap();
        assert_eq!(
            seen(),
            ["pre_delete Emma", "post_delete Emma #true"],
            "{kind}"
        );
        shelf.delete(conn).unwrap();
        let mut events = seen();
        let last = events.pop();
        events.sort();
        assert_eq!(
            events,
            [
                "post_delete Dune #true",
                "post_delete Ulysses #true",
                "pre_delete Dune",
                "pre_delete Ulysses"
            ],
            "{kind}: each book the cascade deletes"
        );
        assert_eq!(
            last.as_deref(),
            Some("post_delete shelf top"),
            "{kind}: the shelf last"
        );
        assert_eq!(Book::objects().count(conn).unwrap(), 0, "{kind}");
    });
}
