//! `seed --users N --articles M`: demo data, written in batches inside
//! transactions, with a progress bar.

use chrono::{Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use orm::auth::User;
use orm::prelude::*;

use crate::models::Article;

/// Rows written per transaction.
const BATCH: usize = 2_000;
/// Articles sharing one publication time, a day apart back from today: a
/// million reach back 27 years.
const PER_DAY: i64 = 100;

const WORDS: &[&str] = &[
    "rust",
    "django",
    "models",
    "queries",
    "migrations",
    "admin",
    "speed",
    "safety",
    "async",
    "diesel",
    "axum",
    "templates",
    "forms",
    "tests",
    "indexes",
    "joins",
    "sessions",
    "users",
    "deploy",
    "notes",
    "guide",
    "tips",
    "patterns",
    "errors",
    "traits",
    "macros",
    "schemas",
];

/// The `seed` command.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum SeedCommand {
    /// Fill the database with demo users and articles.
    Seed {
        /// How many users to create.
        #[arg(long, default_value_t = 5)]
        users: usize,
        /// How many articles to create.
        #[arg(long, default_value_t = 100)]
        articles: usize,
    },
}

impl SeedCommand {
    /// Runs the command on `db`.
    pub fn run(self, db: &Db) -> Result<(), String> {
        match self {
            SeedCommand::Seed { users, articles } => seed(db, users, articles),
        }
    }
}

/// Fills the database; prints what it made.
pub fn seed(db: &Db, users: usize, articles: usize) -> Result<(), String> {
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let conn = &mut *conn;
    let run_id = Utc::now().timestamp_millis();
    let authors = create_users(conn, users)?;
    if authors.is_empty() && articles > 0 {
        return Err("articles need at least one user: pass --users 1 or more".into());
    }
    let bar = ProgressBar::new(articles as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message("articles");
    let started = std::time::Instant::now();
    let mut made = 0;
    while made < articles {
        let count = BATCH.min(articles - made);
        let mut batch: Vec<Article> = (made..made + count)
            .map(|i| article(i, run_id, authors[i % authors.len()]))
            .collect();
        orm::atomic(conn, |conn| {
            Article::bulk_create(conn, &mut batch)?;
            backdate(conn, &batch, made)
        })
        .map_err(|e| e.to_string())?;
        made += count;
        bar.set_position(made as u64);
    }
    bar.finish();
    println!(
        "Created {} users and {articles} articles in {:.2} s.",
        authors.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn create_users(conn: &mut AnyConnection, count: usize) -> Result<Vec<i64>, String> {
    let taken: std::collections::HashSet<String> = User::objects()
        .all(conn)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|u| u.username)
        .collect();
    let mut names = (0..).flat_map(|round: usize| {
        NAMES.iter().map(move |(first, last)| {
            let base = format!(
                "{}.{}",
                first.to_lowercase(),
                last.to_lowercase().replace(' ', "")
            );
            let username = if round == 0 {
                base
            } else {
                format!("{base}{}", round + 1)
            };
            (username, *first, *last)
        })
    });
    let mut users = Vec::with_capacity(count);
    while users.len() < count {
        let Some((username, first, last)) = names.next() else {
            break;
        };
        if taken.contains(&username) {
            continue;
        }
        let mut user = User::new(username.clone(), format!("{username}@example.com"));
        user.first_name = first.into();
        user.last_name = last.into();
        user.set_unusable_password();
        users.push(user);
    }
    User::bulk_create(conn, &mut users).map_err(|e| e.to_string())?;
    Ok(users.iter().map(|u| u.id).collect())
}

const NAMES: &[(&str, &str)] = &[
    ("Ada", "Lovelace"),
    ("Linus", "Torvalds"),
    ("Grace", "Hopper"),
    ("Guido", "van Rossum"),
    ("Barbara", "Liskov"),
    ("Ken", "Thompson"),
    ("Margaret", "Hamilton"),
    ("Dennis", "Ritchie"),
];

fn article(i: usize, run_id: i64, author: i64) -> Article {
    let pick = |k: usize| WORDS[(i * 7 + k * 13 + i / 5) % WORDS.len()];
    let title = format!(
        "{} {} and {}: part {}",
        capitalize(pick(0)),
        pick(1),
        pick(2),
        i + 1
    );
    Article {
        id: 0,
        slug: format!("{}-{}-{run_id}-{i}", pick(0), pick(1)),
        title,
        author: ForeignKey::new(author),
        content: format!(
            "Notes on {} and {}.\n\nThis is article number {} of the demo data.",
            pick(1),
            pick(2),
            i + 1
        ),
        published_date: Utc::now(),
        updated_date: Utc::now(),
        is_published: !i.is_multiple_of(10),
        comment_count: 0,
        cover: String::new(),
    }
}

/// Spreads the batch's publication dates back in time, `PER_DAY` a day,
/// so lists and date filters have something to show.
fn backdate(conn: &mut AnyConnection, batch: &[Article], offset: usize) -> orm::Result<()> {
    let now = Utc::now();
    for (chunk_index, chunk) in batch.chunks(PER_DAY as usize).enumerate() {
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let day = (offset as i64 / PER_DAY) + chunk_index as i64;
        Article::objects()
            .filter(Article::ID.gte(first.id))
            .filter(Article::ID.lte(last.id))
            .update(
                conn,
                vec![Article::PUBLISHED_DATE.set(now - Duration::hours(day * 24 + 1))],
            )?;
    }
    Ok(())
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
