//! Finds and reads every app's migrations (Django's `MigrationLoader`).
//!
//! Each app's migrations come from a [`MigrationSource`]: its `migrations/`
//! folder read at run time ([`MigrationSource::from_dir`]), or the files
//! embedded in the binary at compile time ([`embed_migrations!`]).
//! [`load`] reads them all, checks names, duplicates and dependencies, and
//! returns the migrations sorted by app and number, ready for
//! [`MigrationGraph::new`](crate::graph::MigrationGraph::new).
//!
//! [`embed_migrations!`]: crate::embed_migrations

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::migration::{is_valid_name, Migration};
use crate::parser::parse_file;

/// Where one app's migration files come from.
///
/// ```no_run
/// use orm_migrations::{loader, MigrationSource};
///
/// // Read at run time from the folder:
/// let blog = MigrationSource::from_dir("blog", "src/blog/migrations");
/// // Embedded at compile time (see `embed_migrations!`):
/// let shop = MigrationSource::embedded(
///     "shop",
///     &[("0001_initial", "dependencies = []\n")],
/// );
/// let migrations = loader::load(&[blog, shop])?;
/// # Ok::<(), orm_migrations::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MigrationSource {
    app_label: Cow<'static, str>,
    kind: Kind,
    post_migrate: Option<PostMigrate>,
    code: &'static [(&'static str, MigrationCode)],
}

/// A Rust step of a migration (an `RunCode` operation, Django's
/// `RunPython`): it gets the connection `migrate` uses, inside the
/// migration's transaction on PostgreSQL and SQLite (the ORM's
/// [`atomic`](orm_core::atomic) opens a savepoint there). It sees the
/// database as the migrations before it left it: write it with hand-written
/// SQL or with models whose fields that state has.
pub type MigrationCode = fn(&mut orm_core::AnyConnection) -> orm_core::Result<()>;

/// A step `migrate` runs once the migrations are applied forwards, like a
/// receiver of Django's `post_migrate` signal: the `auth` app's creates the
/// default permissions of every model. It gets the connection `migrate`
/// used.
pub type PostMigrate = fn(&mut orm_core::AnyConnection) -> orm_core::Result<()>;

#[derive(Debug, Clone)]
enum Kind {
    Dir(PathBuf),
    Embedded {
        files: &'static [(&'static str, &'static str)],
        dir: Option<&'static str>,
    },
}

impl MigrationSource {
    /// The `*.toml` files of `path`, read when the sources are loaded.
    ///
    /// Files whose name starts with `.` or `_` and files with another
    /// extension (a `README.md`) are skipped. A folder that does not exist
    /// (yet) holds no migrations.
    pub fn from_dir(app_label: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        MigrationSource {
            app_label: Cow::Owned(app_label.into()),
            kind: Kind::Dir(path.into()),
            post_migrate: None,
            code: &[],
        }
    }

    /// Migration files compiled into the binary, as `(name, text)` pairs
    /// (`("0001_initial", include_str!(...))`). Usually written by
    /// [`embed_migrations!`](crate::embed_migrations).
    ///
    /// ```
    /// use orm_migrations::MigrationSource;
    ///
    /// static BLOG: MigrationSource = MigrationSource::embedded(
    ///     "blog",
    ///     &[("0001_initial", "initial = true\n")],
    /// );
    /// let migrations = orm_migrations::loader::load(&[BLOG.clone()])?;
    /// assert!(migrations[0].initial);
    /// # Ok::<(), orm_migrations::Error>(())
    /// ```
    pub const fn embedded(
        app_label: &'static str,
        files: &'static [(&'static str, &'static str)],
    ) -> Self {
        MigrationSource {
            app_label: Cow::Borrowed(app_label),
            kind: Kind::Embedded { files, dir: None },
            post_migrate: None,
            code: &[],
        }
    }

    /// Like [`embedded`](Self::embedded), remembering the folder the files
    /// were embedded from (an absolute path). When the program runs where
    /// that folder exists (on the developer's machine), [`load`] fails if the
    /// folder has migration files the binary lacks, that is when it was
    /// built before they were added.
    pub const fn embedded_from(
        app_label: &'static str,
        dir: &'static str,
        files: &'static [(&'static str, &'static str)],
    ) -> Self {
        MigrationSource {
            app_label: Cow::Borrowed(app_label),
            kind: Kind::Embedded {
                files,
                dir: Some(dir),
            },
            post_migrate: None,
            code: &[],
        }
    }

    /// The same migrations, with a step for `migrate` to run after applying
    /// migrations forwards (see [`PostMigrate`]).
    pub const fn with_post_migrate(mut self, step: PostMigrate) -> Self {
        self.post_migrate = Some(step);
        self
    }

    /// The same migrations, with the functions their `RunCode` operations
    /// name: `code = "fill_slugs"` in a migration file runs the function
    /// given here as `("fill_slugs", fill_slugs)`.
    ///
    /// ```
    /// use orm_migrations::MigrationSource;
    ///
    /// fn fill_slugs(conn: &mut orm_core::AnyConnection) -> orm_core::Result<()> {
    ///     use diesel::connection::SimpleConnection;
    ///     conn.batch_execute("UPDATE blog_article SET slug = lower(title) WHERE slug = ''")?;
    ///     Ok(())
    /// }
    ///
    /// const BLOG: MigrationSource = MigrationSource::embedded("blog", &[])
    ///     .with_code(&[("fill_slugs", fill_slugs)]);
    /// assert!(BLOG.code("fill_slugs").is_some());
    /// ```
    pub const fn with_code(mut self, code: &'static [(&'static str, MigrationCode)]) -> Self {
        self.code = code;
        self
    }

    /// The function named `name` for a `RunCode` operation, if given.
    pub fn code(&self, name: &str) -> Option<MigrationCode> {
        self.code
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, code)| *code)
    }

    /// The step `migrate` runs after applying migrations forwards, if any.
    pub fn post_migrate(&self) -> Option<PostMigrate> {
        self.post_migrate
    }

    /// The app whose migrations these are.
    pub fn app_label(&self) -> &str {
        &self.app_label
    }

    /// The folder the migrations live in, where `makemigrations` writes new
    /// ones: the folder of a directory source, or the folder an embedded
    /// source was embedded from.
    pub fn dir(&self) -> Option<PathBuf> {
        match &self.kind {
            Kind::Dir(path) => Some(path.clone()),
            Kind::Embedded { dir, .. } => dir.map(PathBuf::from),
        }
    }

    /// The names of the migrations (without `.toml`), sorted.
    ///
    /// Reads the folder of a [`from_dir`](Self::from_dir) source.
    pub fn names(&self) -> Result<Vec<String>, Error> {
        match &self.kind {
            Kind::Dir(dir) => Ok(toml_files(dir)?.into_iter().map(|(name, _)| name).collect()),
            Kind::Embedded { files, .. } => {
                let mut names: Vec<String> =
                    files.iter().map(|(name, _)| (*name).to_owned()).collect();
                names.sort();
                Ok(names)
            }
        }
    }

    /// Reads and parses this source's migrations, each with where it came
    /// from (for messages), sorted by name.
    fn read(&self) -> Result<Vec<(Migration, String)>, Error> {
        let app = self.app_label();
        let mut out = Vec::new();
        match &self.kind {
            Kind::Dir(dir) => {
                for (name, path) in toml_files(dir)? {
                    let file = path.display().to_string();
                    check_name(app, &name, &file)?;
                    let text = std::fs::read_to_string(&path)
                        .map_err(|source| Error::Io { path, source })?;
                    out.push((parse_file(app, &name, &file, &text)?, file));
                }
            }
            Kind::Embedded { files, dir } => {
                if let Some(dir) = dir {
                    check_not_stale(app, dir, files)?;
                }
                for (name, text) in files.iter() {
                    let file = match dir {
                        Some(dir) => Path::new(dir)
                            .join(format!("{name}.toml"))
                            .display()
                            .to_string(),
                        None => format!("{app}/migrations/{name}.toml (embedded)"),
                    };
                    check_name(app, name, &file)?;
                    out.push((parse_file(app, name, &file, text)?, file));
                }
                out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
            }
        }
        Ok(out)
    }
}

/// Reads every source and checks the migrations: names of the form
/// `NNNN_name`, no migration given twice, every dependency present.
///
/// Returns the migrations sorted by app label, then number, then name.
///
/// ```
/// use orm_migrations::{loader, MigrationSource};
///
/// let sources = [
///     MigrationSource::embedded("auth", &[("0001_initial", "initial = true\n")]),
///     MigrationSource::embedded(
///         "blog",
///         &[("0001_initial", "dependencies = [[\"auth\", \"0002_groups\"]]\n")],
///     ),
/// ];
/// let err = loader::load(&sources).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "migration blog.0001_initial depends on auth.0002_groups, which does not exist"
/// );
/// ```
pub fn load(sources: &[MigrationSource]) -> Result<Vec<Migration>, Error> {
    let mut found: BTreeMap<(String, String), (Migration, String)> = BTreeMap::new();
    for source in sources {
        for (migration, origin) in source.read()? {
            if let Some((_, first)) = found.get(&migration.key()) {
                return Err(Error::Duplicate {
                    app: migration.app_label,
                    name: migration.name,
                    first: first.clone(),
                    second: origin,
                });
            }
            found.insert(migration.key(), (migration, origin));
        }
    }
    // A squashed migration stands for those it replaces, whose files may be
    // gone.
    let replaced: BTreeSet<&(String, String)> = found
        .values()
        .flat_map(|(m, _)| m.replaces.iter())
        .collect();
    for (migration, _) in found.values() {
        if let Some((dep_app, dep_name)) = migration
            .dependencies
            .iter()
            .find(|dep| !found.contains_key(*dep) && !replaced.contains(dep))
        {
            return Err(Error::MissingDependency {
                app: migration.app_label.clone(),
                name: migration.name.clone(),
                dep_app: dep_app.clone(),
                dep_name: dep_name.clone(),
            });
        }
    }
    let mut migrations: Vec<Migration> = found.into_values().map(|(m, _)| m).collect();
    migrations.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    Ok(migrations)
}

/// App, then number, then name.
pub(crate) fn sort_key(m: &Migration) -> (&str, u32, &str) {
    (&m.app_label, m.number().unwrap_or(u32::MAX), &m.name)
}

fn check_name(app: &str, name: &str, file: &str) -> Result<(), Error> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(Error::InvalidName {
            app: app.to_owned(),
            name: name.to_owned(),
            file: file.to_owned(),
        })
    }
}

/// The migration files of a folder, as `(name, path)`, sorted by name. A
/// folder that does not exist yet holds no migrations (a new app).
fn toml_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let Some(name) = migration_file_name(&path) else {
            continue;
        };
        if path.is_file() {
            files.push((name.to_owned(), path.clone()));
        }
    }
    files.sort();
    Ok(files)
}

/// The migration name of a `*.toml` file, unless the file is hidden or
/// starts with `_`.
fn migration_file_name(path: &Path) -> Option<&str> {
    let stem = path.file_name()?.to_str()?.strip_suffix(".toml")?;
    (!stem.is_empty() && !stem.starts_with('.') && !stem.starts_with('_')).then_some(stem)
}

/// Fails when `dir` exists and has migration files that `files` lacks.
fn check_not_stale(app: &str, dir: &str, files: &[(&str, &str)]) -> Result<(), Error> {
    let Ok(on_disk) = toml_files(Path::new(dir)) else {
        // Not the machine the binary was built on: nothing to compare.
        return Ok(());
    };
    let embedded: BTreeSet<&str> = files.iter().map(|(name, _)| *name).collect();
    let missing: Vec<String> = on_disk
        .into_iter()
        .filter(|(name, _)| !embedded.contains(name.as_str()))
        .map(|(name, _)| format!("{name}.toml"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::StaleEmbedded {
            app: app.to_owned(),
            dir: dir.to_owned(),
            names: missing,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fs;

    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        fs::write(dir.join(name), text).unwrap();
    }

    fn blog_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "0001_initial.toml", "initial = true\n");
        write(
            dir.path(),
            "0002_article_summary.toml",
            "dependencies = [[\"blog\", \"0001_initial\"], [\"auth\", \"0001_initial\"]]\n",
        );
        write(dir.path(), "README.md", "not a migration");
        write(dir.path(), ".0003_draft.toml", "not a migration");
        write(dir.path(), "_template.toml", "not a migration");
        fs::create_dir(dir.path().join("0009_dir.toml")).unwrap();
        dir
    }

    const AUTH: MigrationSource =
        MigrationSource::embedded("auth", &[("0001_initial", "initial = true\n")]);

    #[test]
    fn loads_dirs_and_embedded_sorted() {
        let dir = blog_dir();
        let blog = MigrationSource::from_dir("blog", dir.path());
        assert_eq!(blog.app_label(), "blog");
        assert_eq!(
            blog.names().unwrap(),
            ["0001_initial", "0002_article_summary"]
        );
        let migrations = load(&[blog, AUTH]).unwrap();
        let keys: Vec<_> = migrations.iter().map(ToString::to_string).collect();
        assert_eq!(
            keys,
            [
                "auth.0001_initial",
                "blog.0001_initial",
                "blog.0002_article_summary"
            ]
        );
        assert!(migrations[1].initial);
        assert_eq!(migrations[2].dependencies.len(), 2);
    }

    #[test]
    fn sorts_by_number_not_text() {
        let source = MigrationSource::embedded(
            "big",
            &[
                ("10000_last", "dependencies = [[\"big\", \"9999_first\"]]"),
                ("9999_first", ""),
            ],
        );
        let names: Vec<_> = load(&[source])
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(names, ["9999_first", "10000_last"]);
    }

    #[test]
    fn missing_dependency() {
        let dir = blog_dir();
        let err = load(&[MigrationSource::from_dir("blog", dir.path())]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "migration blog.0002_article_summary depends on auth.0001_initial, which does not exist"
        );
    }

    #[test]
    fn duplicates() {
        let dir = blog_dir();
        let twice = MigrationSource::embedded("auth", &[("0001_initial", "")]);
        let err = load(&[MigrationSource::from_dir("blog", dir.path()), AUTH, twice]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "duplicate migration auth.0001_initial: in auth/migrations/0001_initial.toml (embedded) \
             and in auth/migrations/0001_initial.toml (embedded)"
        );
    }

    #[test]
    fn bad_names() {
        let dir = blog_dir();
        write(dir.path(), "initial.toml", "");
        let err = load(&[MigrationSource::from_dir("blog", dir.path()), AUTH]).unwrap_err();
        let file = dir.path().join("initial.toml").display().to_string();
        assert_eq!(
            err.to_string(),
            format!(
                "{file}: invalid migration name `initial` in app `blog`: expected NNNN_name \
                 (digits, `_`, then letters, digits and `_`), e.g. 0002_article_summary"
            )
        );
        let bad = MigrationSource::embedded("auth", &[("0001-initial", "")]);
        assert!(
            matches!(load(&[bad]), Err(Error::InvalidName { name, .. }) if name == "0001-initial")
        );
    }

    #[test]
    fn parse_errors_name_the_file() {
        let dir = blog_dir();
        write(
            dir.path(),
            "0003_broken.toml",
            "\n[[operations]]\ntype = \"Nope\"\n",
        );
        let err = load(&[MigrationSource::from_dir("blog", dir.path()), AUTH]).unwrap_err();
        let file = dir.path().join("0003_broken.toml").display().to_string();
        assert!(
            err.to_string()
                .starts_with(&format!("{file}:3:8: unknown operation type `Nope`")),
            "{err}"
        );
    }

    #[test]
    fn missing_folder_has_no_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let missing = MigrationSource::from_dir("blog", dir.path().join("nope"));
        assert!(load(std::slice::from_ref(&missing)).unwrap().is_empty());
        assert!(missing.names().unwrap().is_empty());
    }

    #[test]
    fn unreadable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("migrations");
        fs::write(&file, "a file, not a folder").unwrap();
        let err = load(&[MigrationSource::from_dir("blog", &file)]).unwrap_err();
        assert!(matches!(&err, Error::Io { path, .. } if *path == file));
        assert!(err
            .to_string()
            .starts_with(&format!("cannot read {}: ", file.display())));
    }

    #[test]
    fn stale_embedded_files() {
        let dir = blog_dir();
        let path: &'static str = Box::leak(dir.path().display().to_string().into_boxed_str());
        let partial = MigrationSource::embedded_from("blog", path, &[("0001_initial", "")]);
        let err = load(&[partial, AUTH]).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "{path} has migration files that are not embedded in this binary: 0002_article_summary.toml. "
            )),
            "{err}"
        );
        let complete = MigrationSource::embedded_from(
            "blog",
            path,
            &[
                ("0002_article_summary", ""),
                ("0001_initial", "initial = true"),
            ],
        );
        assert_eq!(load(&[complete]).unwrap().len(), 2);
        let elsewhere = MigrationSource::embedded_from(
            "blog",
            "/nonexistent/blog/migrations",
            &[("0001_initial", "")],
        );
        assert_eq!(load(&[elsewhere]).unwrap().len(), 1);
    }
}
