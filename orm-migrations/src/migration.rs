//! One migration: an app's numbered, named list of operations and the
//! migrations it must follow (Django's `Migration` class).

use std::fmt;

use crate::operation::Operation;

/// One migration file, read or about to be written.
///
/// ```
/// use orm_migrations::{Migration, Operation};
///
/// let mut m = Migration::new("blog", "0002_article_summary");
/// m.dependencies.push(("blog".into(), "0001_initial".into()));
/// m.operations.push(Operation::RunSql {
///     sql: "UPDATE blog_article SET summary = ''".into(),
///     reverse_sql: None,
/// });
/// assert_eq!(m.key(), ("blog".to_owned(), "0002_article_summary".to_owned()));
/// assert_eq!(m.number(), Some(2));
/// assert!(!m.is_reversible());
/// assert_eq!(m.to_string(), "blog.0002_article_summary");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// The app the migration belongs to (its folder's app), e.g. `blog`.
    pub app_label: String,
    /// The file name without `.toml`, e.g. `0002_article_summary`.
    pub name: String,
    /// The migrations that must be applied before this one, as
    /// `(app_label, name)`.
    pub dependencies: Vec<(String, String)>,
    /// The steps, applied in order (and unapplied in reverse order).
    pub operations: Vec<Operation>,
    /// The app's first migration (Django's `initial = True`).
    pub initial: bool,
    /// The migrations this one stands for (a squashed migration, written
    /// by `squashmigrations`), as `(app_label, name)`. A database holding
    /// all of them counts it as applied; one holding none applies it
    /// instead of them; one holding some applies the rest of them.
    pub replaces: Vec<(String, String)>,
}

impl Migration {
    /// An empty migration: no dependencies, no operations, not initial.
    ///
    /// ```
    /// let m = orm_migrations::Migration::new("blog", "0001_initial");
    /// assert!(m.operations.is_empty() && !m.initial);
    /// ```
    pub fn new(app_label: impl Into<String>, name: impl Into<String>) -> Self {
        Migration {
            app_label: app_label.into(),
            name: name.into(),
            dependencies: Vec::new(),
            operations: Vec::new(),
            initial: false,
            replaces: Vec::new(),
        }
    }

    /// `(app_label, name)`, the migration's identity in the graph and in the
    /// table of applied migrations.
    pub fn key(&self) -> (String, String) {
        (self.app_label.clone(), self.name.clone())
    }

    /// The number before the first `_` of the name: `Some(2)` for
    /// `0002_article_summary`, `None` when the name does not start with digits
    /// followed by `_`. A squashed migration (`0001_squashed_0004_tags`)
    /// takes the number of the last migration it replaces, so that the next
    /// one is numbered after it.
    ///
    /// ```
    /// use orm_migrations::Migration;
    /// assert_eq!(Migration::new("blog", "0012_tags").number(), Some(12));
    /// assert_eq!(Migration::new("blog", "0001_squashed_0004_tags").number(), Some(4));
    /// assert_eq!(Migration::new("blog", "initial").number(), None);
    /// ```
    pub fn number(&self) -> Option<u32> {
        name_number(&self.name)
    }

    /// Whether every operation can be undone: false when a `RunSql` has no
    /// `reverse_sql` or a `RunCode` no `reverse_code`.
    pub fn is_reversible(&self) -> bool {
        self.operations.iter().all(|op| {
            !matches!(
                op,
                Operation::RunSql {
                    reverse_sql: None,
                    ..
                } | Operation::RunCode {
                    reverse_code: None,
                    ..
                }
            )
        })
    }
}

impl fmt::Display for Migration {
    /// `app_label.name`, e.g. `blog.0002_article_summary`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.app_label, self.name)
    }
}

/// The number of a migration name (`0002_x` gives 2, `0001_squashed_0004_x`
/// gives 4).
pub(crate) fn name_number(name: &str) -> Option<u32> {
    let first = leading_number(name)?;
    let last = name
        .rfind("_squashed_")
        .and_then(|at| leading_number(&name[at + "_squashed_".len()..]));
    Some(last.unwrap_or(first))
}

/// The digits before the first `_` of `name`, as a number.
fn leading_number(name: &str) -> Option<u32> {
    let (digits, _) = name.split_once('_')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether `name` has the form `NNNN_name`: four or more digits, `_`, then
/// one or more ASCII letters, digits or `_`.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let Some((digits, rest)) = name.split_once('_') else {
        return false;
    };
    digits.len() >= 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && name_number(name).is_some()
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_reads_the_prefix() {
        assert_eq!(Migration::new("a", "0001_initial").number(), Some(1));
        assert_eq!(Migration::new("a", "0042_x_y").number(), Some(42));
        assert_eq!(Migration::new("a", "12345_big").number(), Some(12345));
        assert_eq!(Migration::new("a", "initial").number(), None);
        assert_eq!(Migration::new("a", "_x").number(), None);
        assert_eq!(Migration::new("a", "00a1_x").number(), None);
    }

    #[test]
    fn squashed_names_take_the_last_number() {
        assert_eq!(
            Migration::new("a", "0001_squashed_0004_tags").number(),
            Some(4)
        );
        assert_eq!(
            Migration::new("a", "0002_b_squashed_0007_x").number(),
            Some(7)
        );
        assert_eq!(
            Migration::new("a", "0003_squashed_things").number(),
            Some(3)
        );
    }

    #[test]
    fn names_must_be_numbered() {
        assert!(is_valid_name("0001_initial"));
        assert!(is_valid_name("0002_article_summary"));
        assert!(is_valid_name("10000_auto_20240101_1200"));
        assert!(!is_valid_name("001_initial"));
        assert!(!is_valid_name("0001_"));
        assert!(!is_valid_name("0001"));
        assert!(!is_valid_name("0001_bad-name"));
        assert!(!is_valid_name("initial"));
        assert!(!is_valid_name("99999999999_too_big"));
    }

    #[test]
    fn run_sql_without_reverse_is_irreversible() {
        let mut m = Migration::new("blog", "0003_data");
        assert!(m.is_reversible());
        m.operations.push(Operation::RunSql {
            sql: "SELECT 1".into(),
            reverse_sql: Some(String::new()),
        });
        assert!(m.is_reversible());
        m.operations
            .push(Operation::DeleteModel { name: "Tag".into() });
        m.operations.push(Operation::RunSql {
            sql: "SELECT 1".into(),
            reverse_sql: None,
        });
        assert!(!m.is_reversible());
    }
}
