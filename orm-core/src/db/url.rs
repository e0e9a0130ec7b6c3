//! Database URLs: which backend, and how to reach it.

use std::fmt;

/// The default database: an SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://db.sqlite3";

/// The three supported database backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// SQLite (embedded, the default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
}

impl BackendKind {
    /// A name for messages: `SQLite`, `PostgreSQL`, `MySQL`.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "SQLite",
            BackendKind::Postgres => "PostgreSQL",
            BackendKind::Mysql => "MySQL",
        }
    }

    /// The cargo feature of orm-core that compiles this backend in.
    pub fn feature(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgres",
            BackendKind::Mysql => "mysql",
        }
    }

    /// Whether support for this backend was compiled in.
    pub fn is_enabled(self) -> bool {
        match self {
            BackendKind::Sqlite => true,
            BackendKind::Postgres => cfg!(feature = "postgres"),
            BackendKind::Mysql => cfg!(feature = "mysql"),
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A URL that names a database: `sqlite://path`, `postgres://...`,
/// `mysql://...`.
///
/// ```
/// use orm_core::db::{BackendKind, DatabaseUrl};
/// let url = DatabaseUrl::parse("sqlite://db.sqlite3").unwrap();
/// assert_eq!(url.backend(), BackendKind::Sqlite);
/// assert_eq!(url.sqlite_path(), "db.sqlite3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: BackendKind,
}

/// A URL whose scheme names no supported backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported database URL `{0}`: expected sqlite://PATH, postgres://... or mysql://...")]
pub struct InvalidUrl(pub String);

impl DatabaseUrl {
    /// Reads the backend from the URL's scheme.
    pub fn parse(url: &str) -> Result<DatabaseUrl, InvalidUrl> {
        let url = url.trim();
        let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
        let backend = match scheme {
            "sqlite" => BackendKind::Sqlite,
            "postgres" | "postgresql" => BackendKind::Postgres,
            "mysql" | "mariadb" => BackendKind::Mysql,
            _ => return Err(InvalidUrl(redact(url))),
        };
        let url = if scheme == "mariadb" {
            format!("mysql{}", &url["mariadb".len()..])
        } else {
            url.to_owned()
        };
        Ok(DatabaseUrl { url, backend })
    }

    /// `DATABASE_URL` from the environment, or the SQLite default.
    pub fn from_env() -> Result<DatabaseUrl, InvalidUrl> {
        match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => DatabaseUrl::parse(&url),
            _ => DatabaseUrl::parse(DEFAULT_DATABASE_URL),
        }
    }

    /// The backend the URL names.
    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL with any password hidden, for logs and messages.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }

    /// For SQLite: the file path (or `:memory:`).
    pub fn sqlite_path(&self) -> &str {
        self.url.strip_prefix("sqlite://").unwrap_or(&self.url)
    }

    /// Whether this is an in-memory SQLite database (one per connection).
    pub fn is_memory(&self) -> bool {
        self.backend == BackendKind::Sqlite
            && (self.sqlite_path() == ":memory:" || self.sqlite_path().contains("mode=memory"))
    }

    /// The settings applied to every new SQLite connection.
    pub(crate) fn sqlite_pragmas(&self) -> String {
        let journal = if self.is_memory() { "MEMORY" } else { "WAL" };
        format!(
            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = {journal}; \
             PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; \
             PRAGMA mmap_size = 268435456; PRAGMA cache_size = -2000; \
             PRAGMA case_sensitive_like = ON; PRAGMA temp_store = MEMORY;"
        )
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_pick_backends() {
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/d").unwrap().backend(),
            BackendKind::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("mariadb://u@h/d").unwrap().as_str(),
            "mysql://u@h/d"
        );
        assert!(DatabaseUrl::parse("oracle://x").is_err());
        assert!(DatabaseUrl::parse("db.sqlite3").is_err());
    }

    #[test]
    fn passwords_are_hidden() {
        let url = DatabaseUrl::parse("postgres://bob:secret@db/app").unwrap();
        assert_eq!(url.redacted(), "postgres://bob:***@db/app");
        assert!(!url.to_string().contains("secret"));
    }
}
