//! A chain of 40 models, each with a foreign key to the one before: the
//! models compile without raising `recursion_limit`, and a row of the last
//! one is saved and loaded back with its parent through `select_related`.

use orm_core::prelude::*;
use tests::backends::each_backend;

/// The first link: no foreign key.
#[derive(Model, Debug, Clone)]
#[model(app_label = "chain")]
struct Link00 {
    id: i64,
    #[field(max_length = 50)]
    name: String,
    day: NaiveDate,
}

/// `link!(Name => Previous)`: a model with a foreign key to `Previous`.
macro_rules! link {
    ($($name:ident => $previous:ident;)*) => {$(
        #[derive(Model, Debug, Clone)]
        #[model(app_label = "chain")]
        struct $name {
            id: i64,
            #[field(max_length = 50)]
            name: String,
            day: NaiveDate,
            #[field(on_delete = Cascade)]
            previous: ForeignKey<$previous>,
        }
    )*};
}

link! {
    Link01 => Link00; Link02 => Link01; Link03 => Link02; Link04 => Link03;
    Link05 => Link04; Link06 => Link05; Link07 => Link06; Link08 => Link07;
    Link09 => Link08; Link10 => Link09; Link11 => Link10; Link12 => Link11;
    Link13 => Link12; Link14 => Link13; Link15 => Link14; Link16 => Link15;
    Link17 => Link16; Link18 => Link17; Link19 => Link18; Link20 => Link19;
    Link21 => Link20; Link22 => Link21; Link23 => Link22; Link24 => Link23;
    Link25 => Link24; Link26 => Link25; Link27 => Link26; Link28 => Link27;
    Link29 => Link28; Link30 => Link29; Link31 => Link30; Link32 => Link31;
    Link33 => Link32; Link34 => Link33; Link35 => Link34; Link36 => Link35;
    Link37 => Link36; Link38 => Link37; Link39 => Link38;
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 2, 29).expect("a valid date")
}

#[test]
fn forty_model_chain_saves_and_loads_with_select_related() {
    each_backend(
        &[
            Link00::schema(),
            Link01::schema(),
            Link02::schema(),
            Link03::schema(),
            Link04::schema(),
            Link05::schema(),
            Link06::schema(),
            Link07::schema(),
            Link08::schema(),
            Link09::schema(),
            Link10::schema(),
            Link11::schema(),
            Link12::schema(),
            Link13::schema(),
            Link14::schema(),
            Link15::schema(),
            Link16::schema(),
            Link17::schema(),
            Link18::schema(),
            Link19::schema(),
            Link20::schema(),
            Link21::schema(),
            Link22::schema(),
            Link23::schema(),
            Link24::schema(),
            Link25::schema(),
            Link26::schema(),
            Link27::schema(),
            Link28::schema(),
            Link29::schema(),
            Link30::schema(),
            Link31::schema(),
            Link32::schema(),
            Link33::schema(),
            Link34::schema(),
            Link35::schema(),
            Link36::schema(),
            Link37::schema(),
            Link38::schema(),
            Link39::schema(),
        ],
        |kind, db| {
            let mut conn = db.conn().unwrap();
            let conn = &mut *conn;
            // The foreign keys are enforced, so the parent rows exist: the
            // last one is made row by row, the others through their ids.
            let mut first = Link00 {
                id: 0,
                name: "link 0".into(),
                day: day(),
            };
            first.save(conn).unwrap();
            // The ids of Link00 to Link38, in order.
            let mut ids = vec![first.id];
            macro_rules! save_chain {
                ($($name:ident)*) => {$(
                    let mut row = $name {
                        id: 0,
                        name: stringify!($name).into(),
                        day: day(),
                        previous: ForeignKey::new(ids[ids.len() - 1]),
                    };
                    row.save(conn).unwrap();
                    ids.push(row.id);
                )*};
            }
            save_chain! {
                Link01 Link02 Link03 Link04 Link05 Link06 Link07 Link08 Link09 Link10
                Link11 Link12 Link13 Link14 Link15 Link16 Link17 Link18 Link19 Link20
                Link21 Link22 Link23 Link24 Link25 Link26 Link27 Link28 Link29 Link30
                Link31 Link32 Link33 Link34 Link35 Link36 Link37 Link38
            }
            let mut last = Link39 {
                id: 0,
                name: "the last".into(),
                day: day(),
                previous: ForeignKey::new(ids[38]),
            };
            last.save(conn).unwrap();

            let loaded = Link39::objects()
                .select_related(Link39::PREVIOUS)
                .get_pk(conn, last.id)
                .unwrap();
            assert_eq!(loaded.name, "the last", "{kind}");
            assert_eq!(loaded.day, day(), "{kind}");
            assert_eq!(loaded.previous.id(), ids[38], "{kind}");
            let parent = loaded
                .previous
                .get()
                .expect("the parent loaded with select_related");
            assert_eq!(parent.name, "Link38", "{kind}");
            assert_eq!(parent.previous.id(), ids[37], "{kind}");
            assert!(parent.previous.get().is_none(), "{kind}: one level loaded");

            // Without select_related, the parent is one query away.
            let plain = Link39::objects().get_pk(conn, last.id).unwrap();
            assert!(plain.previous.get().is_none(), "{kind}");
            assert_eq!(plain.previous.fetch(conn).unwrap().name, "Link38", "{kind}");
        },
    );
}
