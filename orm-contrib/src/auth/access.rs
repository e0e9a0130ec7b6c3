//! A user and what they may do, read in one statement: the user's row
//! beside every permission they hold, directly or through a group. With
//! the session store's [`with_access`](crate::sessions::DbSessionStore::with_access),
//! the session row comes in the same statement, so that a logged-in page
//! costs the database one round trip, not five (session, user, direct
//! permissions, groups, group permissions).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::row::NamedRow;
use diesel::sql_types::{BigInt, Nullable, Text};
use orm_core::backend::ddl::quote_ident;
use orm_core::db::{load_raw, AnyConnection, BackendKind, KeptValues, WriteMark};
use orm_core::schema::ModelSchema;
use orm_core::sql_types::{DateTimeUtc, TimestampValue};
use orm_core::{Db, Model, Result, Value};

use super::session::USER_ID;
use super::{GroupPermissions, Permission, User, UserGroups, UserUserPermissions};
use crate::sessions::Session;

/// The permissions a user holds: every one (an active superuser) or a set
/// of labels such as `blog.change_article` (none for an inactive user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Granted {
    /// An active superuser: every permission.
    All,
    /// These labels, `app_label.codename`.
    Some(BTreeSet<String>),
}

impl Granted {
    /// Whether `permission` (`blog.change_article`) is granted.
    pub fn has(&self, permission: &str) -> bool {
        match self {
            Granted::All => true,
            Granted::Some(set) => set.contains(permission),
        }
    }
}

/// Why the user of a session could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SessionAccessError {
    /// The session store failed.
    #[error(transparent)]
    Session(#[from] tower_sessions::session::Error),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] orm_core::Error),
}

/// A user and the permissions they hold, as [`load`](Access::load) reads
/// them.
#[derive(Debug, Clone)]
pub struct Access {
    /// The user's row (many-to-many fields not loaded).
    pub user: User,
    /// What they may do.
    pub granted: Granted,
}

impl Access {
    /// The user with id `id` and their permissions, in one statement;
    /// `None` when there is no such user.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_contrib::auth::*;
    /// use orm_core::Model;
    ///
    /// let db = orm_core::Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// let tables = [User::schema(), Group::schema(), Permission::schema()];
    /// let joins = [UserGroups::schema(), UserUserPermissions::schema(), GroupPermissions::schema()];
    /// orm_core::create_tables(&mut conn, &tables)?;
    /// orm_core::create_tables(&mut conn, &joins)?;
    /// let mut ada = User::new("ada", "ada@example.com");
    /// ada.save(&mut conn)?;
    /// let access = Access::load(&mut conn, ada.id)?.expect("saved");
    /// assert_eq!(access.user.username, "ada");
    /// assert_eq!(access.granted, Granted::Some(Default::default()));
    /// # Ok(()) }
    /// ```
    pub fn load(conn: &mut AnyConnection, id: i64) -> Result<Option<Access>> {
        Ok(Access::from_rows(user_rows(conn, id)?))
    }

    /// The access read from the rows of one user (`None`: no rows).
    fn from_rows(rows: Vec<AccessRow>) -> Option<Access> {
        let labels = labels(&rows);
        let user = rows.into_iter().next()?.user;
        let granted = if !user.is_active {
            Granted::Some(BTreeSet::new())
        } else if user.is_superuser {
            Granted::All
        } else {
            Granted::Some(labels)
        };
        Some(Access { user, granted })
    }
}

/// The labels of the permissions user `id` holds directly or through a
/// group, whatever their flags say, in one statement.
pub(crate) fn held_permissions(conn: &mut AnyConnection, id: i64) -> Result<BTreeSet<String>> {
    Ok(labels(&user_rows(conn, id)?))
}

/// The rows of user `id`: theirs with each permission they hold.
fn user_rows(conn: &mut AnyConnection, id: i64) -> Result<Vec<AccessRow>> {
    let sql = statement(conn.backend(), Of::UserId);
    load_raw(conn, sql, &[Value::BigInt(id), Value::BigInt(id)])
}

/// Which statement: a user by id, or a session by key with its user.
#[derive(Clone, Copy)]
enum Of {
    UserId,
    SessionKey,
}

/// The statement `of` for `backend`, written from the models' schemas
/// once per process.
fn statement(backend: BackendKind, of: Of) -> &'static str {
    static WRITTEN: [[OnceLock<String>; 2]; 3] = [const { [const { OnceLock::new() }; 2] }; 3];
    let slot = match backend {
        BackendKind::Sqlite => 0,
        BackendKind::Postgres => 1,
        BackendKind::Mysql => 2,
    };
    WRITTEN[slot][of as usize].get_or_init(|| {
        let statement = Statement::new(backend);
        match of {
            Of::UserId => statement.by_user_id(),
            Of::SessionKey => statement.by_session_key(),
        }
    })
}

/// The permission labels named by `rows`.
fn labels(rows: &[AccessRow]) -> BTreeSet<String> {
    rows.iter()
        .filter_map(|row| match (&row.perm_app, &row.perm_codename) {
            (Some(app), Some(codename)) => Some(format!("{app}.{codename}")),
            _ => None,
        })
        .collect()
}

/// The users' access read lately, by user id, with the pool's rules (any
/// write through the ORM in this process drops them; the pool's time to
/// live at the latest). Shared by a session store made
/// [`with_access`](crate::sessions::DbSessionStore::with_access), which
/// reads them in the session's own statement, and the pages that ask who
/// is logged in ([`for_session`](KeptAccess::for_session)).
#[derive(Clone, Debug)]
pub struct KeptAccess {
    users: KeptValues<Arc<Access>>,
    /// What the store read with each session, by session key, for the
    /// request that loaded it (even when the time to live is zero and
    /// nothing else is kept). Every request that asks who is logged in
    /// has the store load its session first, which replaces the entry, or
    /// withdraws it when the session came from the store's own kept
    /// records: an entry is as fresh as the request's session.
    handed: Arc<Mutex<HashMap<String, Option<Arc<Access>>>>>,
}

/// Most sessions whose access waits to be handed over; the map starts
/// empty again when it is full.
const MAX_HANDED: usize = 1_024;

impl KeptAccess {
    /// Empty, with `db`'s time to live.
    pub fn new(db: &Db) -> KeptAccess {
        KeptAccess {
            users: KeptValues::new(db.kept_values_ttl()),
            handed: Arc::default(),
        }
    }

    /// The access of user `id`: kept, or read in one statement (`None`:
    /// no such user).
    pub async fn load(&self, db: &Db, id: i64) -> Result<Option<Arc<Access>>> {
        let key = id.to_string();
        if let Some(kept) = self.users.fresh(&key) {
            return Ok(Some(kept));
        }
        let mark = self.users.mark();
        let loaded = db.run(move |conn| Access::load(conn, id)).await?;
        let loaded = loaded.map(Arc::new);
        if let Some(access) = &loaded {
            self.users.keep(&key, mark, access.clone());
        }
        Ok(loaded)
    }

    /// The access of user `id`, logged in on the session `session_key`:
    /// as the store read it with the session in this request, else as
    /// [`load`](KeptAccess::load) finds it.
    pub async fn for_session(
        &self,
        db: &Db,
        session_key: &str,
        id: i64,
    ) -> Result<Option<Arc<Access>>> {
        let handed = self
            .handed
            .lock()
            .ok()
            .and_then(|mut handed| handed.remove(session_key))
            .flatten();
        match handed {
            Some(access) if access.user.id == id => Ok(Some(access)),
            _ => self.load(db, id).await,
        }
    }

    /// The active user logged in on `session` with the password they
    /// logged in with, and their permissions (Django's `get_user`): read
    /// as [`for_session`](KeptAccess::for_session) reads it. A session
    /// that no longer fits (the user deleted or deactivated, the password
    /// changed, another secret key) is ended, and nobody is logged in.
    pub async fn logged_in(
        &self,
        db: &Db,
        session: &tower_sessions::Session,
        secret_key: &[u8],
    ) -> std::result::Result<Option<Access>, SessionAccessError> {
        let Some((id, hash)) = super::session::logged_in(session).await? else {
            return Ok(None);
        };
        let key = session.id().map(|id| id.to_string()).unwrap_or_default();
        match self.for_session(db, &key, id).await? {
            Some(access)
                if access.user.is_active
                    && super::session::hash_matches(secret_key, &access.user, &hash) =>
            {
                Ok(Some(Arc::unwrap_or_clone(access)))
            }
            _ => {
                super::session::logout(session).await?;
                Ok(None)
            }
        }
    }

    /// Withdraws what was handed over with the session `session_key`: the
    /// store did not read it again.
    pub(crate) fn withdraw(&self, session_key: &str) {
        if let Ok(mut handed) = self.handed.lock() {
            handed.remove(session_key);
        }
    }

    /// Hands over `access`, read with the session `session_key` after
    /// `mark` (`None`: nobody is logged in there), and keeps it.
    pub(crate) fn hand(&self, session_key: String, mark: WriteMark, access: Option<Access>) {
        let access = access.map(Arc::new);
        if let Some(access) = &access {
            self.users
                .keep(&access.user.id.to_string(), mark, access.clone());
        }
        if let Ok(mut handed) = self.handed.lock() {
            if handed.len() >= MAX_HANDED {
                handed.clear();
            }
            handed.insert(session_key, access);
        }
    }
}

/// A session row, and the access of the user logged in there.
pub(crate) struct SessionAccess {
    /// The JSON of the session record.
    pub(crate) data: String,
    /// When the session expires.
    pub(crate) expire_date: DateTime<Utc>,
    /// The logged-in user's access (`None`: nobody, or a user since
    /// deleted).
    pub(crate) access: Option<Access>,
}

/// The session with key `key` and its user's access, in one statement;
/// `None` when there is no such session.
pub(crate) fn load_session(conn: &mut AnyConnection, key: &str) -> Result<Option<SessionAccess>> {
    let sql = statement(conn.backend(), Of::SessionKey);
    let key = Value::Text(key.to_owned());
    let rows: Vec<SessionRow> = load_raw(conn, sql, &[key.clone(), key])?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let data = first.data;
    let expire_date = first.expire_date.0.and_utc();
    let access_rows: Vec<AccessRow> = std::iter::once(first.access)
        .chain(rows.map(|row| row.access))
        .flatten()
        .collect();
    Ok(Some(SessionAccess {
        data,
        expire_date,
        access: Access::from_rows(access_rows),
    }))
}

/// One row: the user's columns and one permission (`NULL` for the row of
/// a user without direct permissions).
struct AccessRow {
    user: User,
    perm_app: Option<String>,
    perm_codename: Option<String>,
}

impl<DB: Backend> QueryableByName<DB> for AccessRow
where
    User: QueryableByName<DB>,
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    fn build<'a>(row: &impl NamedRow<'a, DB>) -> deserialize::Result<Self> {
        Ok(AccessRow {
            user: User::build(row)?,
            perm_app: NamedRow::get::<Nullable<Text>, _>(row, PERM_APP)?,
            perm_codename: NamedRow::get::<Nullable<Text>, _>(row, PERM_CODENAME)?,
        })
    }
}

/// One row of the session statement: the session's columns, and the
/// user's when someone is logged in.
struct SessionRow {
    data: String,
    expire_date: TimestampValue,
    access: Option<AccessRow>,
}

impl<DB: Backend> QueryableByName<DB> for SessionRow
where
    AccessRow: QueryableByName<DB>,
    String: FromSql<Text, DB>,
    TimestampValue: FromSql<DateTimeUtc, DB>,
    Option<i64>: FromSql<Nullable<BigInt>, DB>,
{
    fn build<'a>(row: &impl NamedRow<'a, DB>) -> deserialize::Result<Self> {
        let user_id = NamedRow::get::<Nullable<BigInt>, Option<i64>>(row, FOUND_USER)?;
        Ok(SessionRow {
            data: NamedRow::get::<Text, _>(row, SESSION_DATA)?,
            expire_date: NamedRow::get::<DateTimeUtc, _>(row, SESSION_EXPIRE)?,
            access: match user_id {
                Some(_) => Some(AccessRow::build(row)?),
                None => None,
            },
        })
    }
}

const PERM_APP: &str = "__perm_app";
const PERM_CODENAME: &str = "__perm_codename";
const SESSION_DATA: &str = "__session_data";
const SESSION_EXPIRE: &str = "__session_expire";
const FOUND_USER: &str = "__found_user";

/// The statements, from the models' schemas, quoted for one backend.
struct Statement {
    backend: BackendKind,
}

impl Statement {
    fn new(backend: BackendKind) -> Statement {
        Statement { backend }
    }

    fn q(&self, name: &str) -> String {
        quote_ident(name, self.backend)
    }

    /// `{table} {alias}`.
    fn table(&self, schema: &ModelSchema, alias: &str) -> String {
        format!("{} {alias}", self.q(&schema.table))
    }

    /// `{alias}.{column}`, quoted.
    fn column(&self, alias: &str, column: &str) -> String {
        format!("{alias}.{}", self.q(column))
    }

    /// `{alias}.{pk column}`.
    fn pk(&self, alias: &str, schema: &ModelSchema) -> String {
        self.column(alias, &schema.pk().column)
    }

    /// The column of `join`'s foreign key to the model labelled `to`.
    fn fk(&self, alias: &str, join: &ModelSchema, to: &ModelSchema) -> String {
        let label = to.label();
        let column = join
            .fields
            .iter()
            .find(|f| f.foreign_key.as_ref().is_some_and(|fk| fk.to == label))
            .map_or("", |f| &f.column);
        self.column(alias, column)
    }

    /// The user id in the session's JSON: `data._auth_user_id`.
    fn session_user_id(&self, data: &str) -> String {
        match self.backend {
            BackendKind::Sqlite => format!("json_extract({data}, '$.data.{USER_ID}')"),
            BackendKind::Postgres => {
                format!("CAST(CAST({data} AS jsonb) #>> '{{data,{USER_ID}}}' AS BIGINT)")
            }
            BackendKind::Mysql => {
                format!("CAST(JSON_UNQUOTE(JSON_EXTRACT({data}, '$.data.{USER_ID}')) AS SIGNED)")
            }
        }
    }

    /// What both branches select beside the user: the permission's label.
    fn permission_columns(&self) -> String {
        let permission = Permission::schema();
        let app = permission.field("app_label").map_or("", |f| &f.column);
        let codename = permission.field("codename").map_or("", |f| &f.column);
        format!(
            "{} AS {PERM_APP}, {} AS {PERM_CODENAME}",
            self.column("pp", app),
            self.column("pp", codename)
        )
    }

    /// The two branches' joins from the user `u`: direct permissions
    /// (left joined: the user's row comes even without any), then those
    /// of their groups.
    fn permission_joins(&self) -> (String, String) {
        let (user, permission) = (User::schema(), Permission::schema());
        let (direct, groups, group_perms) = (
            UserUserPermissions::schema(),
            UserGroups::schema(),
            GroupPermissions::schema(),
        );
        let group = super::Group::schema();
        let direct_join = format!(
            "LEFT JOIN {} ON {} = {} LEFT JOIN {} ON {} = {}",
            self.table(direct, "up"),
            self.fk("up", direct, user),
            self.pk("u", user),
            self.table(permission, "pp"),
            self.pk("pp", permission),
            self.fk("up", direct, permission),
        );
        let group_join = format!(
            "JOIN {} ON {} = {} JOIN {} ON {} = {} JOIN {} ON {} = {}",
            self.table(groups, "ug"),
            self.fk("ug", groups, user),
            self.pk("u", user),
            self.table(group_perms, "gp"),
            self.fk("gp", group_perms, group),
            self.fk("ug", groups, group),
            self.table(permission, "pp"),
            self.pk("pp", permission),
            self.fk("gp", group_perms, permission),
        );
        (direct_join, group_join)
    }

    /// The user `u` by id, with their permissions.
    fn by_user_id(&self) -> String {
        let user = User::schema();
        let (direct, group) = self.permission_joins();
        let perms = self.permission_columns();
        let from = self.table(user, "u");
        let by_id = self.pk("u", user);
        format!(
            "SELECT u.*, {perms} FROM {from} {direct} WHERE {by_id} = ? \
             UNION ALL SELECT u.*, {perms} FROM {from} {group} WHERE {by_id} = ?",
        )
    }

    /// The session `s` by key, its user `u` (left joined: a session without
    /// a user still comes) and their permissions.
    fn by_session_key(&self) -> String {
        let (user, session) = (User::schema(), Session::schema());
        let (direct, group) = self.permission_joins();
        let perms = self.permission_columns();
        let column = |name: &str| {
            let column = session.field(name).map_or("", |f| &f.column);
            self.column("s", column)
        };
        let data = column("session_data");
        let selected = format!(
            "{data} AS {SESSION_DATA}, {} AS {SESSION_EXPIRE}, {} AS {FOUND_USER}, u.*, {perms}",
            column("expire_date"),
            self.pk("u", user),
        );
        let from = self.table(session, "s");
        let users = self.table(user, "u");
        let on = format!("{} = {}", self.pk("u", user), self.session_user_id(&data));
        let by_key = column("session_key");
        format!(
            "SELECT {selected} FROM {from} LEFT JOIN {users} ON {on} {direct} \
             WHERE {by_key} = ? \
             UNION ALL SELECT {selected} FROM {from} JOIN {users} ON {on} {group} \
             WHERE {by_key} = ?",
        )
    }
}
