//! The ORM against hand-written diesel: the same queries, on the same
//! database, in the same run (twenty cases: eight here, twelve of the ORM's
//! breadth in `breadth.rs`).
//!
//! ```sh
//! cargo bench -p bench --bench orm_vs_diesel
//! ORM_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//! ORM_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!     cargo bench -p bench --bench orm_vs_diesel --features postgres,mysql
//! ```
//!
//! Each case runs twice per backend: `orm` is the code a user of `orm_core`
//! writes (a `QuerySet` or a `Model` method on a pooled `AnyConnection`,
//! through the `MultiConnection` enum), `diesel` the same query written with
//! diesel's DSL on the concrete connection (`SqliteConnection`,
//! `PgConnection`, `MysqlConnection`) with `table!` declarations written by
//! hand. Both sides use one database: a temporary SQLite file with the
//! settings `orm_core` gives its connections, or a database created for the
//! run on the PostgreSQL / MariaDB server named by `ORM_TEST_POSTGRES_URL` /
//! `ORM_TEST_MYSQL_URL` (dropped at the end).
//!
//! After criterion's report, each case runs again with the two sides taking
//! turns (ORM, diesel, diesel, ORM, ...), so that load from other processes
//! falls on both alike, and a markdown table of the median times and their
//! ratio ORM/diesel is printed. A criterion filter (`-- get_pk`) applies to
//! both passes. `ORM_BENCH_RATIOS_ONLY=1` skips criterion and prints only
//! the table, for the cases listed in `ORM_BENCH_CASES=get_pk,icontains`
//! (all when unset).

use std::hint::black_box;
use std::time::{Duration, Instant};

use blog::models::Article;
use chrono::{NaiveDateTime, TimeDelta, Utc};
use criterion::{Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use orm_contrib::auth::User;
use orm_core::db::{BackendKind, PoolOptions, PooledConnection};
use orm_core::{ForeignKey, Model};
use tests::backends::{blank, configured, TestDb};

// The blog binary runs on mimalloc; so do both sides here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Users in the seeded database.
const USERS: usize = 50;
/// Articles in the seeded database (every other one published; one in 100
/// has "Rust" in its title).
const ARTICLES: usize = 10_000;
/// Rows of the insert cases.
const INSERTS: usize = 10_000;
/// Rows of the update case.
const UPDATES: usize = 1_000;
/// Rows of the delete case.
const DELETES: usize = 1_000;
/// Rows of the list case.
const PAGE: i64 = 100;
/// Rows in one multi-row INSERT of the hand-written bulk insert.
const DIESEL_CHUNK: usize = 1_000;

/// The settings `orm_core` gives every SQLite connection
/// (`orm-core/src/db/url.rs`), applied to the hand-written side too.
/// [`check_same_settings`] reads them back from both connections.
const SQLITE_PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; \
     PRAGMA mmap_size = 268435456; PRAGMA cache_size = -2000; \
     PRAGMA case_sensitive_like = ON; PRAGMA temp_store = MEMORY;";

/// The tables as a diesel user declares them by hand.
#[allow(unreachable_pub)]
mod schema {
    diesel::table! {
        auth_user (id) {
            id -> BigInt,
            password -> Text,
            last_login -> Nullable<Timestamp>,
            is_superuser -> Bool,
            username -> Text,
            first_name -> Text,
            last_name -> Text,
            email -> Text,
            is_staff -> Bool,
            is_active -> Bool,
            date_joined -> Timestamp,
        }
    }

    diesel::table! {
        blog_article (id) {
            id -> BigInt,
            title -> Text,
            slug -> Text,
            author_id -> BigInt,
            content -> Text,
            published_date -> Timestamp,
            updated_date -> Timestamp,
            is_published -> Bool,
            comment_count -> Integer,
            cover -> Text,
        }
    }

    diesel::joinable!(blog_article -> auth_user (author_id));
    diesel::allow_tables_to_appear_in_same_query!(auth_user, blog_article);
}

use schema::{auth_user, blog_article};

diesel::define_sql_function! {
    /// `lower(x)`
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// An article row, as a diesel user loads it.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = blog_article)]
#[allow(dead_code)] // loaded to be timed, not read
struct ArticleRow {
    id: i64,
    title: String,
    slug: String,
    author_id: i64,
    content: String,
    published_date: NaiveDateTime,
    updated_date: NaiveDateTime,
    is_published: bool,
    comment_count: i32,
    cover: String,
}

/// A user row, as a diesel user loads it.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = auth_user)]
#[allow(dead_code)] // loaded to be timed, not read
struct UserRow {
    id: i64,
    password: String,
    last_login: Option<NaiveDateTime>,
    is_superuser: bool,
    username: String,
    first_name: String,
    last_name: String,
    email: String,
    is_staff: bool,
    is_active: bool,
    date_joined: NaiveDateTime,
}

/// Every column but the key: what a diesel user inserts, and sets on update.
#[derive(Insertable, AsChangeset, Clone)]
#[diesel(table_name = blog_article)]
struct NewArticle {
    title: String,
    slug: String,
    author_id: i64,
    content: String,
    published_date: NaiveDateTime,
    updated_date: NaiveDateTime,
    is_published: bool,
    comment_count: i32,
    cover: String,
}

diesel::define_sql_function! {
    /// SQLite's `last_insert_rowid()`
    fn last_insert_rowid() -> diesel::sql_types::BigInt;
}

diesel::define_sql_function! {
    /// MySQL's `LAST_INSERT_ID()`
    #[sql_name = "LAST_INSERT_ID"]
    fn last_insert_id() -> diesel::sql_types::Unsigned<diesel::sql_types::BigInt>;
}

/// Inserting rows and reading the keys the database gave them, as a diesel
/// user does it on each backend (the work `save` and `bulk_create` do: the
/// objects carry their keys afterwards). Each backend's fastest way:
/// `RETURNING` on PostgreSQL; on SQLite `last_insert_rowid()` after the
/// `INSERT` (its `RETURNING` buffers rows in a temporary table), and
/// `LAST_INSERT_ID()` on MySQL, which has no `RETURNING`.
trait InsertWithKeys: Connection {
    /// Inserts one row; its key.
    fn insert_one(&mut self, row: &NewArticle) -> QueryResult<i64>;
    /// Inserts rows with one multi-row `INSERT`; their keys.
    fn insert_chunk(&mut self, rows: &[NewArticle]) -> QueryResult<Vec<i64>>;
}

impl InsertWithKeys for SqliteConnection {
    fn insert_one(&mut self, row: &NewArticle) -> QueryResult<i64> {
        diesel::insert_into(blog_article::table)
            .values(row)
            .execute(self)?;
        diesel::select(last_insert_rowid()).get_result(self)
    }

    fn insert_chunk(&mut self, rows: &[NewArticle]) -> QueryResult<Vec<i64>> {
        // SQLite's RETURNING buffers the rows in a temporary table first; one
        // writer at a time gives the rows of one INSERT consecutive rowids.
        diesel::insert_into(blog_article::table)
            .values(rows)
            .execute(self)?;
        let last: i64 = diesel::select(last_insert_rowid()).get_result(self)?;
        let first = last + 1 - rows.len() as i64;
        Ok((first..=last).collect())
    }
}

#[cfg(feature = "postgres")]
impl InsertWithKeys for diesel::PgConnection {
    fn insert_one(&mut self, row: &NewArticle) -> QueryResult<i64> {
        diesel::insert_into(blog_article::table)
            .values(row)
            .returning(blog_article::id)
            .get_result(self)
    }

    fn insert_chunk(&mut self, rows: &[NewArticle]) -> QueryResult<Vec<i64>> {
        diesel::insert_into(blog_article::table)
            .values(rows)
            .returning(blog_article::id)
            .get_results(self)
    }
}

#[cfg(feature = "mysql")]
impl InsertWithKeys for diesel::MysqlConnection {
    fn insert_one(&mut self, row: &NewArticle) -> QueryResult<i64> {
        diesel::insert_into(blog_article::table)
            .values(row)
            .execute(self)?;
        let key: u64 = diesel::select(last_insert_id()).get_result(self)?;
        Ok(key as i64)
    }

    fn insert_chunk(&mut self, rows: &[NewArticle]) -> QueryResult<Vec<i64>> {
        diesel::insert_into(blog_article::table)
            .values(rows)
            .execute(self)?;
        // InnoDB gives the rows of one multi-row INSERT consecutive keys.
        let first: u64 = diesel::select(last_insert_id()).get_result(self)?;
        Ok((0..rows.len() as i64).map(|i| first as i64 + i).collect())
    }
}

/// The hand-written side's connection: one concrete diesel connection.
enum Raw {
    Sqlite(SqliteConnection),
    #[cfg(feature = "postgres")]
    Pg(diesel::PgConnection),
    #[cfg(feature = "mysql")]
    Mysql(diesel::MysqlConnection),
}

/// Expands `$body` once per concrete connection type, with `$c` bound to it.
macro_rules! with_raw {
    ($raw:expr, $c:ident => $body:expr) => {
        match $raw {
            Raw::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            Raw::Pg($c) => $body,
            #[cfg(feature = "mysql")]
            Raw::Mysql($c) => $body,
        }
    };
}

/// Deletes the rows above the seed on one concrete connection.
macro_rules! reset_conn {
    ($c:ident, $seed_max:expr) => {{
        diesel::delete(blog_article::table.filter(blog_article::id.gt($seed_max)))
            .execute($c)
            .expect("delete the written rows");
        // SQLite: empty the write-ahead log, so that neither side's timed
        // commit pays a checkpoint (an fsync) the other's writes caused.
        // The servers refuse the statement, which changes nothing.
        let _ = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").execute($c);
    }};
}
#[path = "orm_vs_diesel/breadth.rs"]
mod breadth;

/// The two sides of every case, on one database: the ORM's pooled
/// connection and the hand-written side's concrete connection.
struct Sides {
    orm: PooledConnection,
    raw: Raw,
}

/// A database for the run, with both sides connected to it.
struct Backend {
    kind: BackendKind,
    sides: Sides,
    /// The largest article id of the seed: rows above it are the writes'.
    seed_max: i64,
    /// The seeded articles' ids.
    article_ids: Vec<i64>,
    /// The seeded users' ids.
    user_ids: Vec<i64>,
    /// A user with no seeded article, whose articles the delete case deletes.
    victim: i64,
    /// The database, dropped last (after the connections).
    _database: TestDb,
}

fn main() {
    let ratios_only = std::env::var("ORM_BENCH_RATIOS_ONLY").is_ok_and(|v| v == "1");
    let only: Option<Vec<String>> = std::env::var("ORM_BENCH_CASES")
        .ok()
        .map(|ids| ids.split(',').map(|id| id.trim().to_owned()).collect());
    let profiling = std::env::args().any(|a| a == "--profile-time");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let mut table = Vec::new();
    for (kind, url) in configured() {
        let mut backend = match Backend::open(kind, url.as_deref()) {
            Ok(backend) => backend,
            Err(message) => panic!("{kind}: {message}"),
        };
        eprintln!(
            "{}: seeded {USERS} users and {ARTICLES} articles",
            kind.name()
        );
        let mut cases = cases(&mut backend);
        let mut selected = Vec::new();
        for case in &mut cases {
            let chosen = if ratios_only {
                only.as_ref()
                    .is_none_or(|only| only.iter().any(|id| id == case.id))
            } else {
                run_criterion(&mut criterion, &mut backend, case)
            };
            if chosen {
                selected.push(case.id);
            }
        }
        if profiling {
            continue;
        }
        for case in &mut cases {
            if selected.contains(&case.id) {
                let (orm, diesel) = taking_turns(&mut backend.sides, case);
                table.push((kind, case.id, orm, diesel));
            }
        }
    }
    criterion.final_summary();
    if !profiling {
        print_table(&table);
    }
}

impl Backend {
    fn open(kind: BackendKind, base: Option<&str>) -> Result<Backend, String> {
        if kind != BackendKind::Sqlite && base.is_none() {
            return Err("no server URL".into());
        }
        let database = blank(kind, base, PoolOptions::default());
        let url = database.db.url().as_str().to_owned();
        // The ORM side as users hold it: a connection from `Db`'s pool.
        let orm = database.db.conn().map_err(|e| e.to_string())?;
        let raw = match kind {
            BackendKind::Sqlite => {
                let path = url.trim_start_matches("sqlite://");
                let mut conn = SqliteConnection::establish(path).map_err(|e| e.to_string())?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(|e| e.to_string())?;
                Raw::Sqlite(conn)
            }
            #[cfg(feature = "postgres")]
            BackendKind::Postgres => {
                let mut conn = diesel::PgConnection::establish(&url).map_err(|e| e.to_string())?;
                conn.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(|e| e.to_string())?;
                Raw::Pg(conn)
            }
            #[cfg(feature = "mysql")]
            BackendKind::Mysql => {
                let mut conn =
                    diesel::MysqlConnection::establish(&url).map_err(|e| e.to_string())?;
                conn.batch_execute("SET time_zone = '+00:00'")
                    .map_err(|e| e.to_string())?;
                Raw::Mysql(conn)
            }
            #[allow(unreachable_patterns)]
            other => return Err(format!("{other} is not compiled in")),
        };
        let mut backend = Backend {
            kind,
            sides: Sides { orm, raw },
            seed_max: 0,
            article_ids: Vec::new(),
            user_ids: Vec::new(),
            victim: 0,
            _database: database,
        };
        backend.seed().map_err(|e| e.to_string())?;
        check_same_settings(&mut backend.sides);
        Ok(backend)
    }

    /// Creates the tables with orm-core's DDL and fills them.
    fn seed(&mut self) -> orm_core::Result<()> {
        let Sides { orm, raw } = &mut self.sides;
        orm_core::create_tables(orm, &[User::schema(), Article::schema()])?;
        let mut users: Vec<User> = (0..=USERS)
            .map(|n| User::new(format!("user{n:02}"), format!("user{n:02}@example.com")))
            .collect();
        User::bulk_create(orm, &mut users)?;
        self.user_ids = users.iter().map(|u| u.id).collect();
        self.victim = self.user_ids.pop().unwrap_or_default();
        let base = Utc::now().naive_utc();
        let rows: Vec<NewArticle> = (0..ARTICLES)
            .map(|n| {
                let date = base - TimeDelta::minutes(n as i64);
                new_article(n, "article", self.user_ids[n % USERS], date, n % 2 == 0)
            })
            .collect();
        insert_chunked(raw, &rows);
        let analyze = match self.kind {
            BackendKind::Mysql => "ANALYZE TABLE auth_user, blog_article",
            _ => "ANALYZE",
        };
        with_raw!(raw, c => c.batch_execute(analyze))?;
        self.article_ids = with_raw!(raw, c => blog_article::table
            .select(blog_article::id)
            .order(blog_article::id)
            .load::<i64>(c))?;
        self.seed_max = self.article_ids.last().copied().unwrap_or(0);
        Ok(())
    }
}

/// A new article row: "Rust" is in one title in 100.
fn new_article(
    n: usize,
    prefix: &str,
    author_id: i64,
    date: NaiveDateTime,
    published: bool,
) -> NewArticle {
    let title = if n % 100 == 7 {
        format!("Learning Rust, part {n}")
    } else {
        format!("The {prefix} number {n}")
    };
    NewArticle {
        title,
        slug: format!("{prefix}-{n}"),
        author_id,
        content: "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(8),
        published_date: date,
        updated_date: date,
        is_published: published,
        comment_count: 0,
        cover: String::new(),
    }
}

/// The same article as an ORM object.
fn orm_article(row: &NewArticle) -> Article {
    Article {
        id: 0,
        title: row.title.clone(),
        slug: row.slug.clone(),
        author: ForeignKey::new(row.author_id),
        content: row.content.clone(),
        published_date: row.published_date.and_utc(),
        updated_date: row.updated_date.and_utc(),
        is_published: row.is_published,
        comment_count: row.comment_count,
        cover: row.cover.clone(),
    }
}

/// Reads the SQLite settings back from both sides' connections: the
/// comparison is only fair when they match.
fn check_same_settings(sides: &mut Sides) {
    /// `PRAGMA name` (whose result column is `column`) on both
    /// connections, read as text.
    macro_rules! same {
        ($orm:expr, $raw:expr, $($name:ident / $column:ident),+) => {$({
            #[derive(QueryableByName, PartialEq, Debug)]
            struct Setting {
                #[diesel(sql_type = diesel::sql_types::Text)]
                $column: String,
            }
            let sql = concat!("PRAGMA ", stringify!($name));
            let a: Vec<Setting> = diesel::sql_query(sql).load($orm).expect("read a setting");
            let b: Vec<Setting> = diesel::sql_query(sql).load($raw).expect("read a setting");
            assert_eq!(a, b, "{sql} differs between the two sides");
        })+};
    }
    #[allow(irrefutable_let_patterns)]
    let Sides {
        orm,
        raw: Raw::Sqlite(raw),
    } = sides
    else {
        return;
    };
    same!(
        &mut **orm,
        raw,
        foreign_keys / foreign_keys,
        journal_mode / journal_mode,
        synchronous / synchronous,
        busy_timeout / timeout,
        mmap_size / mmap_size,
        cache_size / cache_size,
        temp_store / temp_store
    );
}

/// Runs `iters` times and returns the time taken: what criterion's
/// `iter_custom` and the turn-taking pass both call.
type Runner = Box<dyn FnMut(&mut Sides, u64) -> Duration>;

/// One case: the ORM's code and the hand-written code for the same work.
struct Case {
    id: &'static str,
    /// Long runs (tens of ms and more): fewer samples.
    slow: bool,
    orm: Runner,
    diesel: Runner,
}

/// Every case's id and what it does, in the order of the table.
const CASES: &[(&str, &str)] = &[
    ("get_pk", "get by primary key"),
    ("list_related", "100 published articles with their authors"),
    ("count_filter", "count with a filter"),
    (
        "icontains",
        "`icontains` search on the title (100 of 10,000 rows)",
    ),
    (
        "bulk_insert",
        "insert 10,000 in one transaction, bulk, keys read back",
    ),
    (
        "insert_each",
        "insert 10,000 in one transaction, one by one, keys read back",
    ),
    ("update_each", "update 1,000 rows one by one (`save`)"),
    ("delete_bulk", "delete 1,000 rows with one filter"),
];

fn backend_id(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Sqlite => "sqlite",
        BackendKind::Postgres => "postgres",
        BackendKind::Mysql => "mysql",
    }
}

/// Runs one case under criterion as group `backend.case`, functions `orm`
/// and `diesel`. Returns whether the filter selected it.
fn run_criterion(c: &mut Criterion, backend: &mut Backend, case: &mut Case) -> bool {
    let mut group = c.benchmark_group(format!("{}.{}", backend_id(backend.kind), case.id));
    if case.slow {
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_secs(2));
    }
    let sides = &mut backend.sides;
    let mut selected = false;
    group.bench_function("orm", |b| {
        selected = true;
        b.iter_custom(|n| (case.orm)(sides, n));
    });
    group.bench_function("diesel", |b| {
        selected = true;
        b.iter_custom(|n| (case.diesel)(sides, n));
    });
    group.finish();
    selected
}

/// The median time of one run of each side, the sides taking turns.
fn taking_turns(sides: &mut Sides, case: &mut Case) -> (Duration, Duration) {
    // Batches of about 20 ms: long enough to time, short enough for many turns.
    let (batch, turns) = if case.slow {
        (1, 9)
    } else {
        (case.orm)(sides, 50);
        let once = (case.orm)(sides, 50) / 50;
        let batch = (Duration::from_millis(20).as_nanos() / once.as_nanos().max(1)).max(1);
        (batch as u64, 31)
    };
    let mut orm = Vec::with_capacity(turns);
    let mut diesel = Vec::with_capacity(turns);
    for turn in 0..turns {
        if turn % 2 == 0 {
            orm.push((case.orm)(sides, batch) / batch as u32);
            diesel.push((case.diesel)(sides, batch) / batch as u32);
        } else {
            diesel.push((case.diesel)(sides, batch) / batch as u32);
            orm.push((case.orm)(sides, batch) / batch as u32);
        }
    }
    (median(orm), median(diesel))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// The markdown table of the turn-taking pass.
fn print_table(rows: &[(BackendKind, &str, Duration, Duration)]) {
    let mut backends: Vec<BackendKind> = rows.iter().map(|r| r.0).collect();
    backends.dedup();
    let mut header = String::from("| case |");
    let mut rule = String::from("|---|");
    for kind in &backends {
        header.push_str(&format!(" {} ORM | diesel | ratio |", kind.name()));
        rule.push_str("---:|---:|---:|");
    }
    println!("\nORM against hand-written diesel: median of each side, taking turns\n");
    println!("{header}\n{rule}");
    for (case, what) in CASES.iter().chain(breadth::CASES) {
        let mut line = format!("| {what} |");
        let mut any = false;
        for &kind in &backends {
            match rows.iter().find(|r| r.0 == kind && r.1 == *case) {
                Some(&(_, _, orm, diesel)) => {
                    any = true;
                    let ratio = orm.as_secs_f64() / diesel.as_secs_f64();
                    line.push_str(&format!(
                        " {} | {} | {ratio:.2} |",
                        human(orm),
                        human(diesel)
                    ));
                }
                None => line.push_str(" | | |"),
            }
        }
        if any {
            println!("{line}");
        }
    }
}

/// A duration as µs or ms.
fn human(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

/// Times `iters` runs of `work`.
fn each<T>(iters: u64, mut work: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(work());
    }
    start.elapsed()
}

/// Times `iters` runs of `work`, leaving out `setup` before and `cleanup`
/// after each run.
fn timed<S, T>(
    iters: u64,
    mut setup: impl FnMut() -> S,
    mut work: impl FnMut(S) -> T,
    mut cleanup: impl FnMut(T),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let input = setup();
        let start = Instant::now();
        let output = work(input);
        total += start.elapsed();
        cleanup(output);
    }
    total
}

/// Inserts `rows` by hand, in chunks, in one transaction (not timed).
fn insert_chunked(raw: &mut Raw, rows: &[NewArticle]) {
    with_raw!(raw, c => c.transaction(|c| {
        for chunk in rows.chunks(DIESEL_CHUNK) {
            diesel::insert_into(blog_article::table).values(chunk).execute(c)?;
        }
        diesel::QueryResult::Ok(())
    }))
    .expect("insert");
}

/// Deletes the rows the write cases added (every id above the seed).
fn reset(raw: &mut Raw, seed_max: i64) {
    with_raw!(raw, c => reset_conn!(c, seed_max));
}

fn cases(backend: &mut Backend) -> Vec<Case> {
    let mut cases = vec![
        get_pk(backend),
        list_related(),
        count_filter(),
        icontains(),
        bulk_insert(backend),
        insert_each(backend),
        update_each(backend),
        delete_bulk(backend),
    ];
    cases.extend(breadth::cases(backend));
    cases
}

fn get_pk(backend: &Backend) -> Case {
    let ids = std::rc::Rc::new(backend.article_ids.clone());
    let (orm_ids, mut i, mut j) = (ids.clone(), 0, 0);
    Case {
        id: "get_pk",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                i = (i + 7919) % orm_ids.len();
                Article::objects()
                    .get_pk(&mut s.orm, orm_ids[i])
                    .expect("get")
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                j = (j + 7919) % ids.len();
                blog_article::table
                    .find(ids[j])
                    .select(ArticleRow::as_select())
                    .first(c)
                    .expect("get")
            }))
        }),
    }
}

fn list_related() -> Case {
    Case {
        id: "list_related",
        slow: false,
        orm: Box::new(|s: &mut Sides, n| {
            each(n, || {
                let rows = Article::objects()
                    .filter(Article::IS_PUBLISHED.eq(true))
                    .select_related(Article::AUTHOR)
                    .limit(PAGE)
                    .all(&mut s.orm)
                    .expect("list");
                assert_eq!(rows.len() as i64, PAGE);
                rows
            })
        }),
        diesel: Box::new(|s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let rows = blog_article::table
                    .inner_join(auth_user::table)
                    .filter(blog_article::is_published.eq(true))
                    .order(blog_article::published_date.desc())
                    .limit(PAGE)
                    .select((ArticleRow::as_select(), UserRow::as_select()))
                    .load::<(ArticleRow, UserRow)>(c)
                    .expect("list");
                assert_eq!(rows.len() as i64, PAGE);
                rows
            }))
        }),
    }
}

fn count_filter() -> Case {
    let expected = (ARTICLES as i64 + 1) / 2;
    Case {
        id: "count_filter",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                let count = Article::objects()
                    .filter(Article::IS_PUBLISHED.eq(true))
                    .count(&mut s.orm)
                    .expect("count");
                assert_eq!(count, expected);
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => each(n, || {
                let count: i64 = blog_article::table
                    .filter(blog_article::is_published.eq(true))
                    .count()
                    .get_result(c)
                    .expect("count");
                assert_eq!(count, expected);
            }))
        }),
    }
}

fn icontains() -> Case {
    let expected = ARTICLES / 100;
    let check = move |rows: diesel::QueryResult<Vec<ArticleRow>>| {
        let rows = rows.expect("search");
        assert_eq!(rows.len(), expected);
        rows
    };
    // What a diesel user writes: ILIKE on PostgreSQL; on SQLite and MySQL
    // LIKE is case-sensitive here (`case_sensitive_like`, a binary
    // collation), so the title is lowered.
    macro_rules! lowered {
        ($c:ident) => {
            blog_article::table
                .filter(lower(blog_article::title).like("%rust%"))
                .order(blog_article::published_date.desc())
                .select(ArticleRow::as_select())
                .load::<ArticleRow>($c)
        };
    }
    Case {
        id: "icontains",
        slow: false,
        orm: Box::new(move |s: &mut Sides, n| {
            each(n, || {
                let rows = Article::objects()
                    .filter(Article::TITLE.icontains("rust"))
                    .all(&mut s.orm)
                    .expect("search");
                assert_eq!(rows.len(), expected);
                rows
            })
        }),
        diesel: Box::new(move |s: &mut Sides, n| match &mut s.raw {
            Raw::Sqlite(c) => each(n, || check(lowered!(c))),
            #[cfg(feature = "postgres")]
            Raw::Pg(c) => each(n, || {
                use diesel::PgTextExpressionMethods;
                check(
                    blog_article::table
                        .filter(blog_article::title.ilike("%rust%"))
                        .order(blog_article::published_date.desc())
                        .select(ArticleRow::as_select())
                        .load::<ArticleRow>(c),
                )
            }),
            #[cfg(feature = "mysql")]
            Raw::Mysql(c) => each(n, || check(lowered!(c))),
        }),
    }
}

/// `INSERTS` new rows with slugs `{prefix}-{n}`, by the seeded users.
fn insert_rows(backend: &Backend, prefix: &str) -> Vec<NewArticle> {
    let now = Utc::now().naive_utc();
    (0..INSERTS)
        .map(|n| new_article(n, prefix, backend.user_ids[n % USERS], now, false))
        .collect()
}

fn bulk_insert(backend: &Backend) -> Case {
    let rows = insert_rows(backend, "bulk");
    let objects: Vec<Article> = rows.iter().map(orm_article).collect();
    let seed_max = backend.seed_max;
    Case {
        id: "bulk_insert",
        slow: true,
        orm: Box::new(move |s: &mut Sides, n| {
            let Sides { orm, raw } = s;
            timed(
                n,
                || objects.clone(),
                |mut objects| {
                    Article::bulk_create(orm, &mut objects).expect("bulk_create");
                    objects
                },
                |objects| {
                    assert!(objects.iter().all(|o| o.id > seed_max));
                    reset(raw, seed_max);
                },
            )
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => {
                let mut total = Duration::ZERO;
                for _ in 0..n {
                    let rows = rows.clone();
                    let start = Instant::now();
                    let keys = c.transaction(|c| {
                        let mut keys = Vec::with_capacity(rows.len());
                        for chunk in rows.chunks(DIESEL_CHUNK) {
                            keys.extend(c.insert_chunk(chunk)?);
                        }
                        diesel::QueryResult::Ok(keys)
                    })
                    .expect("insert");
                    black_box(keys);
                    total += start.elapsed();
                    drop(rows);
                    reset_conn!(c, seed_max);
                }
                total
            })
        }),
    }
}

fn insert_each(backend: &Backend) -> Case {
    let rows = insert_rows(backend, "each");
    let objects: Vec<Article> = rows.iter().map(orm_article).collect();
    let seed_max = backend.seed_max;
    Case {
        id: "insert_each",
        slow: true,
        orm: Box::new(move |s: &mut Sides, n| {
            let Sides { orm, raw } = s;
            timed(
                n,
                || objects.clone(),
                |mut objects| {
                    orm_core::atomic(orm, |conn| {
                        for object in &mut objects {
                            object.save(conn)?;
                        }
                        Ok(())
                    })
                    .expect("save");
                    objects
                },
                |objects| {
                    assert!(objects.iter().all(|o| o.id > seed_max));
                    reset(raw, seed_max);
                },
            )
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => {
                let mut total = Duration::ZERO;
                for _ in 0..n {
                    let rows = rows.clone();
                    let start = Instant::now();
                    let keys = c.transaction(|c| {
                        let mut keys = Vec::with_capacity(rows.len());
                        for row in &rows {
                            keys.push(c.insert_one(row)?);
                        }
                        diesel::QueryResult::Ok(keys)
                    })
                    .expect("insert");
                    black_box(keys);
                    total += start.elapsed();
                    drop(rows);
                    reset_conn!(c, seed_max);
                }
                total
            })
        }),
    }
}

fn update_each(backend: &mut Backend) -> Case {
    let ids = &backend.article_ids[..UPDATES];
    let (first, last) = (ids[0], ids[UPDATES - 1]);
    let Sides { orm, raw } = &mut backend.sides;
    let objects = Article::objects()
        .filter(Article::ID.range(first, last))
        .all(orm)
        .expect("load");
    let rows: Vec<(i64, NewArticle)> = with_raw!(raw, c => blog_article::table
        .filter(blog_article::id.between(first, last))
        .select(ArticleRow::as_select())
        .load::<ArticleRow>(c))
    .expect("load")
    .into_iter()
    .map(|row| {
        let new = NewArticle {
            title: row.title,
            slug: row.slug,
            author_id: row.author_id,
            content: row.content,
            published_date: row.published_date,
            updated_date: row.updated_date,
            is_published: row.is_published,
            comment_count: row.comment_count,
            cover: row.cover,
        };
        (row.id, new)
    })
    .collect();
    assert_eq!((objects.len(), rows.len()), (UPDATES, UPDATES));
    let (mut orm_round, mut diesel_round) = (0, 0);
    Case {
        id: "update_each",
        slow: true,
        orm: Box::new(move |s: &mut Sides, n| {
            timed(
                n,
                || {
                    orm_round += 1;
                    let mut objects = objects.clone();
                    for object in &mut objects {
                        object.title = format!("Edited {orm_round} {}", object.id);
                    }
                    objects
                },
                |mut objects| {
                    orm_core::atomic(&mut s.orm, |conn| {
                        for object in &mut objects {
                            object.save(conn)?;
                        }
                        Ok(())
                    })
                    .expect("save");
                },
                |()| {},
            )
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            with_raw!(&mut s.raw, c => timed(
                n,
                || {
                    diesel_round += 1;
                    let mut rows = rows.clone();
                    for (id, row) in &mut rows {
                        row.title = format!("Edited {diesel_round} {id}");
                    }
                    rows
                },
                |mut rows| {
                    c.transaction(|c| {
                        for (id, row) in &mut rows {
                            row.updated_date = Utc::now().naive_utc();
                            let changed = diesel::update(blog_article::table.find(*id))
                                .set(&*row)
                                .execute(c)?;
                            assert_eq!(changed, 1);
                        }
                        diesel::QueryResult::Ok(())
                    })
                    .expect("update");
                },
                |()| {},
            ))
        }),
    }
}

fn delete_bulk(backend: &Backend) -> Case {
    let victim = backend.victim;
    let now = Utc::now().naive_utc();
    let rows: Vec<NewArticle> = (0..DELETES)
        .map(|n| new_article(n, "gone", victim, now, false))
        .collect();
    let orm_rows: Vec<Article> = rows.iter().map(orm_article).collect();
    Case {
        id: "delete_bulk",
        slow: true,
        // Each side deletes rows its own connection wrote: on SQLite, rows
        // written by the other connection would make this one reload its
        // page cache inside the timing.
        orm: Box::new(move |s: &mut Sides, n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                let mut objects = orm_rows.clone();
                Article::bulk_create(&mut s.orm, &mut objects).expect("bulk_create");
                let start = Instant::now();
                let deleted = Article::objects()
                    .filter(Article::AUTHOR.eq(victim))
                    .delete(&mut s.orm)
                    .expect("delete");
                total += start.elapsed();
                assert_eq!(deleted, DELETES);
            }
            total
        }),
        diesel: Box::new(move |s: &mut Sides, n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                insert_chunked(&mut s.raw, &rows);
                with_raw!(&mut s.raw, c => {
                    let start = Instant::now();
                    let deleted = diesel::delete(
                        blog_article::table.filter(blog_article::author_id.eq(victim)),
                    )
                    .execute(c)
                    .expect("delete");
                    total += start.elapsed();
                    assert_eq!(deleted, DELETES);
                })
            }
            total
        }),
    }
}
