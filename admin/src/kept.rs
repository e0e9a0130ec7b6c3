//! What the admin keeps between requests, each kind of value in a typed
//! [`KeptValues`] with the pool's rules: dropped by any write through the
//! ORM in this process, and after the pool's time to live at the latest.

use chrono::NaiveDate;
use orm_contrib::auth::KeptAccess;
use orm_core::db::KeptValues;
use orm_core::Db;

/// The values the admin's pages reuse.
#[derive(Clone, Debug)]
pub(crate) struct Kept {
    /// Row counts of changelists (the pool's, shared with users' list
    /// pages).
    pub(crate) counts: KeptValues<i64>,
    /// Row estimates: of whole tables by label, of filtered lists by
    /// `planned:` and their query (`None`: the database has none).
    pub(crate) estimates: KeptValues<Option<i64>>,
    /// The `(primary key, text)` choices of a foreign-key filter, by the
    /// target's label.
    pub(crate) filter_choices: KeptValues<Vec<(String, String)>>,
    /// The first and last dates of a date drill-down, by field and query.
    pub(crate) date_spans: KeptValues<Option<(NaiveDate, NaiveDate)>>,
    /// Signed-in users and their permissions, by id; filled by the
    /// session store in the statement that reads the session.
    pub(crate) access: KeptAccess,
}

impl Kept {
    /// Empty, with `db`'s time to live.
    pub(crate) fn new(db: &Db) -> Kept {
        let ttl = db.kept_values_ttl();
        Kept {
            counts: db.counts().clone(),
            estimates: KeptValues::new(ttl),
            filter_choices: KeptValues::new(ttl),
            date_spans: KeptValues::new(ttl),
            access: KeptAccess::new(db),
        }
    }
}
