//! `atomic` under concurrent writers: a transaction that reads and then
//! writes must wait for another writer, not fail at once.

use std::sync::{Arc, Barrier};

use orm_core::db::BackendKind;
use orm_core::prelude::*;
use tests::backends::each_backend;
use tests::models::Author;

/// Threads writing at once.
const WRITERS: usize = 8;
/// Transactions per thread.
const ROUNDS: usize = 20;

#[test]
fn transactions_that_read_then_write_wait_for_each_other() {
    each_backend(&[Author::schema()], |kind, db| {
        let mut first = Author {
            id: 0,
            username: "counter-0".to_owned(),
            email: String::new(),
        };
        first.save(&mut db.conn().unwrap()).unwrap();
        let start = Arc::new(Barrier::new(WRITERS));
        let threads: Vec<_> = (0..WRITERS)
            .map(|_| {
                let (db, start) = (db.clone(), Arc::clone(&start));
                std::thread::spawn(move || {
                    let mut conn = db.conn().unwrap();
                    start.wait();
                    let mut errors = Vec::new();
                    for _ in 0..ROUNDS {
                        // Read the counter, then write it back one higher.
                        let result = orm_core::atomic(&mut conn, |conn| {
                            let mut author = Author::objects().get(conn)?;
                            let n: usize = author.username["counter-".len()..]
                                .parse()
                                .unwrap_or_default();
                            author.username = format!("counter-{}", n + 1);
                            author.save(conn)
                        });
                        if let Err(e) = result {
                            errors.push(e.to_string());
                        }
                    }
                    errors
                })
            })
            .collect();
        let errors: Vec<String> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        assert!(
            errors.is_empty(),
            "{kind}: {} failed: {errors:?}",
            errors.len()
        );
        if kind == BackendKind::Sqlite {
            // One writer at a time from BEGIN on: no increment is lost.
            let author = Author::objects().get(&mut db.conn().unwrap()).unwrap();
            assert_eq!(author.username, format!("counter-{}", WRITERS * ROUNDS));
        }
    });
}
