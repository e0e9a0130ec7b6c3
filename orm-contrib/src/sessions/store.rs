//! [`DbSessionStore`]: tower-sessions' store trait over the [`Session`]
//! table.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::result::Error as DieselError;
use orm_core::db::{AnyConnection, Db, KeptValues};
use orm_core::model::{Model, ModelOps};
use orm_core::query::QuerySet;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use super::model::Session;
use crate::auth::access::load_session;
use crate::auth::{Access, KeptAccess};

/// How many fresh ids `create` tries when the id it was given is taken.
const CREATE_ATTEMPTS: usize = 8;

type StoreResult<T> = session_store::Result<T>;

/// A tower-sessions store keeping sessions in the [`Session`] table.
///
/// Every call runs on tokio's blocking threads through [`Db::run`]; cloning
/// is cheap (it clones the pool handle).
///
/// ```no_run
/// # fn main() -> orm_core::Result<()> {
/// use orm_contrib::sessions::DbSessionStore;
///
/// // Handed to `tower_sessions::SessionManagerLayer::new`.
/// let store = DbSessionStore::new(orm_core::Db::from_env()?);
/// assert_eq!(store.db().backend(), orm_core::db::BackendKind::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
    /// Records read lately, with the pool's time to live. Apart from the
    /// pool's counts: a site with many sessions fills it (then it starts
    /// empty again) without costing the list pages their counts.
    records: KeptValues<Record>,
    /// Where the access of the user logged in is kept, when the session's
    /// statement reads it too ([`with_access`](DbSessionStore::with_access)).
    access: Option<KeptAccess>,
}

impl fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbSessionStore")
            .field("backend", &self.db.backend())
            .finish()
    }
}

impl DbSessionStore {
    /// A store over `db`, whose `orm_session` table must exist.
    pub fn new(db: Db) -> Self {
        let records = KeptValues::new(db.kept_values_ttl());
        DbSessionStore {
            db,
            records,
            access: None,
        }
    }

    /// Reads, in the statement that loads a session, the user logged in
    /// there and their permissions, and keeps them in `access`: a page
    /// that then asks [`KeptAccess::load`] for that user costs no second
    /// round trip.
    ///
    /// ```no_run
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_contrib::auth::KeptAccess;
    /// use orm_contrib::sessions::DbSessionStore;
    ///
    /// let db = orm_core::Db::from_env()?;
    /// let users = KeptAccess::new(&db);
    /// let store = DbSessionStore::new(db).with_access(users.clone());
    /// # Ok(()) }
    /// ```
    pub fn with_access(mut self, access: KeptAccess) -> Self {
        self.access = Some(access);
        self
    }

    /// The database the sessions live in.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Runs `work` on a blocking thread; `action` names the operation in
    /// error messages. The work's database errors stay the ORM's (the
    /// outer result), so that [`Db::run`] can tell a lost connection and
    /// run the work again; the store's own errors are the inner result.
    async fn run<T, F>(&self, action: &'static str, work: F) -> StoreResult<T>
    where
        F: FnMut(&mut AnyConnection) -> orm_core::Result<StoreResult<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.db
            .run(work)
            .await
            .map_err(|e| backend_error(action, &e))?
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// Inserts a new session. When its id is already taken (by a live or an
    /// expired session), the record gets a fresh random id and the insert is
    /// tried again; the existing row is left alone.
    async fn create(&self, session_record: &mut Record) -> StoreResult<()> {
        let candidate = session_record.clone();
        let id = self
            .run("create", move |conn| {
                let mut record = candidate.clone();
                Ok(insert_new(conn, &mut record)?.map(|()| record.id))
            })
            .await?;
        session_record.id = id;
        Ok(())
    }

    /// Writes the record over its row, or inserts it when there is none.
    async fn save(&self, session_record: &Record) -> StoreResult<()> {
        let record = session_record.clone();
        self.run("save", move |conn| upsert(conn, &record)).await
    }

    /// The record with this id; `None` when there is none or it has
    /// expired (an expired row is deleted on the way). A record found is
    /// kept like a count (`KeptValues::keep`, the pool's time to live, in a
    /// `KeptValues` of the store's own): the next requests of the
    /// session skip the database until this process writes through the ORM
    /// (any session saved or deleted, any model) or the count's time to
    /// live passes; a session ended by another process ends here within
    /// that time.
    async fn load(&self, session_id: &Id) -> StoreResult<Option<Record>> {
        let id = *session_id;
        let key = id.to_string();
        if let Some(record) = self.records.fresh(&key) {
            if record.expiry_date > OffsetDateTime::now_utc() {
                if let Some(kept) = &self.access {
                    kept.withdraw(&key);
                }
                return Ok(Some(record));
            }
        }
        let mark = self.records.mark();
        let record = match &self.access {
            None => {
                self.run("load", move |conn| load(conn, id, Utc::now()))
                    .await?
            }
            Some(kept) => {
                let (record, access) = self
                    .run("load", move |conn| load_with_access(conn, id, Utc::now()))
                    .await?;
                kept.hand(key.clone(), mark, access);
                record
            }
        };
        if let Some(record) = &record {
            self.records.keep(&key, mark, record.clone());
        }
        Ok(record)
    }

    /// Deletes the record with this id, if any.
    async fn delete(&self, session_id: &Id) -> StoreResult<()> {
        let key = session_id.to_string();
        self.run("delete", move |conn| {
            delete_where(
                conn,
                Session::objects().filter(Session::SESSION_KEY.eq(key.clone())),
            )
            .map(|_| Ok(()))
        })
        .await
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    /// Deletes every session whose expiry has passed, in one statement.
    async fn delete_expired(&self) -> StoreResult<()> {
        self.run("purge", |conn| {
            delete_expired(conn, Utc::now()).map(|_| Ok(()))
        })
        .await
    }
}

/// Inserts `record`, replacing its id with a fresh one while it is taken.
/// The database's errors are the outer result, the store's the inner.
fn insert_new(conn: &mut AnyConnection, record: &mut Record) -> orm_core::Result<StoreResult<()>> {
    for _ in 0..CREATE_ATTEMPTS {
        let mut row = match encode(record) {
            Ok(row) => row,
            Err(e) => return Ok(Err(e)),
        };
        match row.insert(conn) {
            Ok(()) => return Ok(Ok(())),
            Err(orm_core::Error::UniqueViolation { .. }) => record.id = Id::default(),
            Err(e) => return Err(e),
        }
    }
    Ok(Err(session_store::Error::Backend(format!(
        "session store: cannot create a session: no free session id after {CREATE_ATTEMPTS} attempts"
    ))))
}

/// Updates `record`'s row, inserting it when it is missing. The
/// database's errors are the outer result, the store's the inner.
fn upsert(conn: &mut AnyConnection, record: &Record) -> orm_core::Result<StoreResult<()>> {
    let mut row = match encode(record) {
        Ok(row) => row,
        Err(e) => return Ok(Err(e)),
    };
    let update = |conn: &mut AnyConnection, row: &Session| {
        Session::objects()
            .filter(Session::SESSION_KEY.eq(row.session_key.clone()))
            .update(
                conn,
                vec![
                    Session::SESSION_DATA.set(row.session_data.clone()),
                    Session::EXPIRE_DATE.set(row.expire_date),
                ],
            )
    };
    if update(conn, &row)? > 0 {
        return Ok(Ok(()));
    }
    match row.insert(conn) {
        Ok(()) => Ok(Ok(())),
        // Inserted meanwhile by another request: write over it.
        Err(orm_core::Error::UniqueViolation { .. }) => update(conn, &row).map(|_| Ok(())),
        Err(e) => Err(e),
    }
}

/// The live record with id `id` at `now`; an expired row is deleted. The
/// database's errors are the outer result, the store's the inner.
fn load(
    conn: &mut AnyConnection,
    id: Id,
    now: DateTime<Utc>,
) -> orm_core::Result<StoreResult<Option<Record>>> {
    let row = Session::objects()
        .filter(Session::SESSION_KEY.eq(id.to_string()))
        .first(conn)?;
    match row {
        Some(row) => live_record(conn, id, &row.session_data, row.expire_date, now),
        None => Ok(Ok(None)),
    }
}

/// As [`load`], with the access of the user logged in, read in the same
/// statement (`None` beside a missing or expired record).
fn load_with_access(
    conn: &mut AnyConnection,
    id: Id,
    now: DateTime<Utc>,
) -> orm_core::Result<StoreResult<(Option<Record>, Option<Access>)>> {
    let Some(found) = load_session(conn, &id.to_string())? else {
        return Ok(Ok((None, None)));
    };
    let record = live_record(conn, id, &found.data, found.expire_date, now)?;
    Ok(record.map(|record| {
        let access = record.as_ref().and(found.access);
        (record, access)
    }))
}

/// The record stored as `data` for id `id`, unless it has expired at `now`
/// (then its row is deleted).
fn live_record(
    conn: &mut AnyConnection,
    id: Id,
    data: &str,
    expire_date: DateTime<Utc>,
    now: DateTime<Utc>,
) -> orm_core::Result<StoreResult<Option<Record>>> {
    if expire_date <= now {
        // Only while still expired: a concurrent save may have renewed it.
        let expired = Session::objects()
            .filter(Session::SESSION_KEY.eq(id.to_string()) & Session::EXPIRE_DATE.lte(now));
        delete_where(conn, expired)?;
        return Ok(Ok(None));
    }
    Ok(decode(data).and_then(|record| {
        if record.id != id {
            return Err(session_store::Error::Decode(
                "session store: the stored record does not match its key".to_owned(),
            ));
        }
        Ok(Some(record))
    }))
}

/// Deletes every session expired at `now`; returns how many.
fn delete_expired(conn: &mut AnyConnection, now: DateTime<Utc>) -> orm_core::Result<usize> {
    delete_where(
        conn,
        Session::objects().filter(Session::EXPIRE_DATE.lte(now)),
    )
}

/// One `DELETE` of the matching rows (nothing points at sessions, so there
/// is nothing to collect first).
fn delete_where(conn: &mut AnyConnection, query: QuerySet<Session>) -> orm_core::Result<usize> {
    (ModelOps::of::<Session>().delete)(conn, query.spec())
}

/// The row for `record` (not saved).
fn encode(record: &Record) -> StoreResult<Session> {
    let session_data = serde_json::to_string(record).map_err(|e| {
        session_store::Error::Encode(format!(
            "session store: cannot encode the session record as JSON ({:?} error)",
            e.classify()
        ))
    })?;
    let expiry = record.expiry_date;
    let expire_date = DateTime::<Utc>::from_timestamp(expiry.unix_timestamp(), expiry.nanosecond())
        .ok_or_else(|| {
            session_store::Error::Encode(
                "session store: the session expiry date is out of range".to_owned(),
            )
        })?;
    Ok(Session {
        id: 0,
        session_key: record.id.to_string(),
        session_data,
        expire_date,
    })
}

/// The record stored as `json`. The error tells where the JSON is wrong,
/// never what it holds.
fn decode(json: &str) -> StoreResult<Record> {
    serde_json::from_str(json).map_err(|e| {
        session_store::Error::Decode(format!(
            "session store: cannot decode the stored session record ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

/// The store error for a database error during `action`. Only the kind of
/// failure is told: drivers may quote the values of a statement (MySQL's
/// "Duplicate entry '…'"), and those are session keys and data.
fn backend_error(action: &str, err: &orm_core::Error) -> session_store::Error {
    use orm_core::Error;
    let reason = match err {
        Error::Unavailable { .. } | Error::Connection { .. } => {
            "the database is unavailable".to_owned()
        }
        Error::BackendNotCompiled(kind) => format!("{kind} support is not compiled in"),
        Error::UniqueViolation { .. } => "a unique constraint refused the write".to_owned(),
        Error::Validation(_) | Error::InvalidValue { .. } => {
            "a session field failed validation".to_owned()
        }
        Error::Query(DieselError::DatabaseError(kind, info)) => {
            let mut reason = format!("the database refused the statement ({kind:?})");
            if let Some(table) = info.table_name() {
                reason.push_str(&format!(", table `{table}`"));
            }
            if let Some(column) = info.column_name() {
                reason.push_str(&format!(", column `{column}`"));
            }
            reason
        }
        Error::Query(_) => "the query failed".to_owned(),
        Error::Internal(_) => "the database task failed".to_owned(),
        _ => "unexpected database error".to_owned(),
    };
    session_store::Error::Backend(format!(
        "session store: cannot {action} a session: {reason}"
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn record(expiry_date: DateTime<Utc>) -> Record {
        let mut data = HashMap::new();
        data.insert(
            "user".to_owned(),
            serde_json::json!({"id": 42, "name": "ann"}),
        );
        Record {
            id: Id::default(),
            data,
            expiry_date: tower_sessions::cookie::time::OffsetDateTime::from_unix_timestamp(
                expiry_date.timestamp(),
            )
            .unwrap(),
        }
    }

    fn conn(db: &Db) -> orm_core::db::PooledConnection {
        let mut conn = db.conn().unwrap();
        orm_core::create_tables(&mut conn, &[Session::schema()]).unwrap();
        conn
    }

    #[test]
    fn records_round_trip_through_json() {
        let record = record(Utc::now());
        let row = encode(&record).unwrap();
        assert_eq!(row.session_key, record.id.to_string());
        assert_eq!(
            row.expire_date.timestamp(),
            record.expiry_date.unix_timestamp()
        );
        assert_eq!(decode(&row.session_data).unwrap(), record);
    }

    #[test]
    fn errors_never_quote_keys_or_data() {
        let record = record(Utc::now());
        let key = record.id.to_string();
        let duplicate = orm_core::Error::UniqueViolation {
            model: "Session".into(),
            field: Some("session_key".into()),
            message: format!("Duplicate entry '{key}' for key 'orm_session.session_key'"),
        };
        let text = backend_error("create", &duplicate).to_string();
        assert!(!text.contains(&key), "{text}");
        assert!(text.contains("unique constraint"), "{text}");

        let garbled = "{\"id\": \"ann's secret\"}";
        let text = decode(garbled).unwrap_err().to_string();
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("line 1"), "{text}");
    }

    #[test]
    fn create_retries_taken_ids_and_load_drops_expired_rows() {
        let db = Db::open("sqlite://:memory:").unwrap();
        let conn = &mut *conn(&db);
        let now = Utc::now();
        let mut first = record(now + chrono::Duration::hours(1));
        insert_new(conn, &mut first).unwrap().unwrap();
        let mut second = record(now + chrono::Duration::hours(1));
        second.id = first.id;
        insert_new(conn, &mut second).unwrap().unwrap();
        assert_ne!(second.id, first.id);
        assert_eq!(
            load(conn, first.id, now).unwrap().unwrap(),
            Some(first.clone())
        );
        assert_eq!(
            load(conn, second.id, now).unwrap().unwrap(),
            Some(second.clone())
        );

        let later = now + chrono::Duration::hours(2);
        assert_eq!(load(conn, first.id, later).unwrap().unwrap(), None);
        assert_eq!(Session::objects().count(conn).unwrap(), 1);
        assert_eq!(delete_expired(conn, later).unwrap(), 1);
        assert_eq!(Session::objects().count(conn).unwrap(), 0);
    }

    #[test]
    fn save_inserts_a_missing_row_then_updates_it() {
        let db = Db::open("sqlite://:memory:").unwrap();
        let conn = &mut *conn(&db);
        let now = Utc::now();
        let mut record = record(now + chrono::Duration::hours(1));
        upsert(conn, &record).unwrap().unwrap();
        record
            .data
            .insert("n".to_owned(), serde_json::Value::from(2));
        upsert(conn, &record).unwrap().unwrap();
        assert_eq!(Session::objects().count(conn).unwrap(), 1);
        assert_eq!(load(conn, record.id, now).unwrap().unwrap(), Some(record));
    }
}
