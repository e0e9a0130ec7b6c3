//! `startproject NAME [DIR]`: writes a new project that builds at once,
//! from the files of `project_template/` (Django's `startproject`); and
//! `startapp NAME`: a second app inside a project, from `app_template/`.

use std::fs;
use std::path::{Path, PathBuf};

/// The template's files: where each goes in the project, and its text
/// with `__project__` for the project's name, `__orm_path__` for this
/// crate's folder and `__orm_test_path__` for the test helpers' beside it.
const FILES: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        include_str!("../project_template/Cargo.toml.tmpl"),
    ),
    (
        "README.md",
        include_str!("../project_template/README.md.tmpl"),
    ),
    (
        ".gitignore",
        include_str!("../project_template/gitignore.tmpl"),
    ),
    (
        ".cargo/config.toml",
        include_str!("../project_template/.cargo/config.toml"),
    ),
    ("build.rs", include_str!("../project_template/build.rs")),
    (
        "settings.toml",
        include_str!("../project_template/settings.toml"),
    ),
    (
        "migrations/.gitkeep",
        include_str!("../project_template/migrations/.gitkeep"),
    ),
    (
        "src/main.rs",
        include_str!("../project_template/src/main.rs"),
    ),
    ("src/lib.rs", include_str!("../project_template/src/lib.rs")),
    (
        "src/models.rs",
        include_str!("../project_template/src/models.rs"),
    ),
    (
        "src/views.rs",
        include_str!("../project_template/src/views.rs"),
    ),
    (
        "templates/home.html",
        include_str!("../project_template/templates/home.html"),
    ),
    (
        "tests/site.rs",
        include_str!("../project_template/tests/site.rs"),
    ),
];

/// Names a project may not take: they would clash with the crates it
/// depends on or with Rust's own.
const TAKEN: &[&str] = &[
    "orm",
    "diesel",
    "askama",
    "axum",
    "mimalloc",
    "tokio",
    "tower",
    "tempfile",
    "std",
    "core",
    "alloc",
    "test",
    "proc_macro",
    "self",
    "super",
    "crate",
    "main",
    "orm_test",
];

/// The app template's files, under `src/<app>/`, with `__app__` for the
/// app's name.
const APP_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../app_template/mod.rs.tmpl")),
    ("models.rs", include_str!("../app_template/models.rs.tmpl")),
    ("views.rs", include_str!("../app_template/views.rs.tmpl")),
    ("migrations/.gitkeep", ""),
];

/// Module names a project already uses.
const PROJECT_MODULES: &[&str] = &["models", "views", "lib"];

/// A project name that cannot be used, or a folder that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum StartProjectError {
    /// Not a lower-case Rust identifier, or a name taken.
    #[error("`{0}` is not a valid name: use lower-case letters, digits and `_`, starting with a letter (e.g. mysite)")]
    BadName(String),
    /// The name of a crate the project depends on, or of Rust's own.
    #[error("`{0}` clashes with a crate the project uses: choose another name")]
    Taken(String),
    /// The folder exists and holds files.
    #[error("{0} already exists and is not empty")]
    NotEmpty(PathBuf),
    /// `startapp` outside a project.
    #[error("{0} holds no Cargo.toml: run startapp in the project's folder")]
    NotAProject(PathBuf),
    /// The app's folder or a module of that name exists.
    #[error("{0} already exists: choose another app name")]
    AppExists(PathBuf),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Writes project `name` into `dir` (made when missing; it must be empty),
/// depending on the `orm` crate at `orm_path`. Returns the files written.
pub fn start_project(
    name: &str,
    dir: &Path,
    orm_path: &Path,
) -> Result<Vec<PathBuf>, StartProjectError> {
    check_name(name)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StartProjectError::Io { path, source }
    };
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(StartProjectError::NotEmpty(dir.to_path_buf()));
        }
    }
    let orm_test_path = orm_path.with_file_name("orm-test").display().to_string();
    let orm_path = orm_path.display().to_string();
    let mut written = Vec::new();
    for (relative, text) in FILES {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let text = text
            .replace("__project__", name)
            .replace("__orm_path__", &orm_path)
            .replace("__orm_test_path__", &orm_test_path);
        fs::write(&path, text).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// Writes app `name` into the project at `project`: `src/<name>/` with its
/// `mod.rs` (and its `migrations()`), `models.rs`, `views.rs` and an empty
/// `migrations/` folder. Returns the files written; the project names the
/// app in `src/lib.rs` and its `site()`.
pub fn start_app(name: &str, project: &Path) -> Result<Vec<PathBuf>, StartProjectError> {
    check_name(name)?;
    if PROJECT_MODULES.contains(&name) {
        return Err(StartProjectError::AppExists(
            project.join("src").join(format!("{name}.rs")),
        ));
    }
    if !project.join("Cargo.toml").is_file() {
        return Err(StartProjectError::NotAProject(project.to_path_buf()));
    }
    let app = project.join("src").join(name);
    let module_file = project.join("src").join(format!("{name}.rs"));
    for taken in [&app, &module_file] {
        if taken.exists() {
            return Err(StartProjectError::AppExists(taken.clone()));
        }
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StartProjectError::Io { path, source }
    };
    let mut written = Vec::new();
    for (relative, text) in APP_FILES {
        let path = app.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        fs::write(&path, text.replace("__app__", name)).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// A lower-case identifier that is no keyword and names no dependency.
fn check_name(name: &str) -> Result<(), StartProjectError> {
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !starts_well || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(StartProjectError::BadName(name.to_owned()));
    }
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use",
        "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override",
        "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    if KEYWORDS.contains(&name) {
        return Err(StartProjectError::BadName(name.to_owned()));
    }
    if TAKEN.contains(&name) {
        return Err(StartProjectError::Taken(name.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_goes_into_a_project_once() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            start_app("shop", dir.path()),
            Err(StartProjectError::NotAProject(_))
        ));
        fs::write(dir.path().join("Cargo.toml"), "").unwrap();
        let files = start_app("shop", dir.path()).unwrap();
        assert_eq!(files.len(), 4);
        let module = fs::read_to_string(dir.path().join("src/shop/mod.rs")).unwrap();
        assert!(module.contains(r#"orm::embed_migrations!("shop", "src/shop/migrations")"#));
        assert!(!module.contains("__app__"));
        assert!(dir.path().join("src/shop/migrations").is_dir());
        assert!(matches!(
            start_app("shop", dir.path()),
            Err(StartProjectError::AppExists(_))
        ));
        assert!(matches!(
            start_app("models", dir.path()),
            Err(StartProjectError::AppExists(_))
        ));
        assert!(matches!(
            start_app("Shop", dir.path()),
            Err(StartProjectError::BadName(_))
        ));
    }

    #[test]
    fn names_are_checked() {
        for bad in ["", "MySite", "1site", "my-site", "my site", "fn", "é"] {
            assert!(
                matches!(check_name(bad), Err(StartProjectError::BadName(_))),
                "{bad}"
            );
        }
        for taken in ["orm", "diesel", "test"] {
            assert!(
                matches!(check_name(taken), Err(StartProjectError::Taken(_))),
                "{taken}"
            );
        }
        assert!(check_name("my_site2").is_ok());
    }

    #[test]
    fn a_project_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("mysite");
        let files = start_project("mysite", &target, Path::new("/opt/orm/orm")).unwrap();
        assert_eq!(files.len(), FILES.len());
        let cargo = fs::read_to_string(target.join("Cargo.toml")).unwrap();
        assert!(cargo.contains("name = \"mysite\""), "{cargo}");
        assert!(cargo.contains("path = \"/opt/orm/orm\""), "{cargo}");
        let main = fs::read_to_string(target.join("src/main.rs")).unwrap();
        assert!(main.contains("mysite::site().main()"), "{main}");
        for (relative, _) in FILES {
            let text = fs::read_to_string(target.join(relative)).unwrap();
            assert!(
                !text.contains("__project__")
                    && !text.contains("__orm_path__")
                    && !text.contains("__orm_test_path__"),
                "{relative}"
            );
        }
        let again = start_project("mysite", &target, Path::new("/opt/orm/orm"));
        assert!(matches!(again, Err(StartProjectError::NotEmpty(_))));
    }
}
