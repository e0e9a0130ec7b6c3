//! Where uploaded files live (Django's `default_storage`): a [`Storage`]
//! saves a file's bytes under a name, gives its URL, and deletes it. A
//! file field's column holds the name. The site's storage is a folder
//! ([`FileSystemStorage`], `MEDIA_ROOT` served at `MEDIA_URL`) unless it is
//! given another with [`set_default_storage`].
//!
//! ```
//! use orm_core::storage::{FileSystemStorage, Storage};
//!
//! let root = std::env::temp_dir().join(format!("storage-doc-{}", std::process::id()));
//! let storage = FileSystemStorage::new(&root, "/media/");
//! let first = storage.save("covers/a b.png", b"one")?;
//! let second = storage.save("covers/a b.png", b"two")?;
//! assert_eq!(first, "covers/a_b.png");
//! assert_ne!(first, second, "a name in use is not overwritten");
//! assert_eq!(storage.url(&first), "/media/covers/a_b.png");
//! assert_eq!(storage.open(&second)?, b"two");
//! storage.delete(&first)?;
//! assert!(!storage.exists(&first));
//! # std::fs::remove_dir_all(&root)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Saves, finds and deletes uploaded files by name.
pub trait Storage: Send + Sync + 'static {
    /// Saves `content` under `name`, or a name like it when that one is
    /// taken (never overwriting a file); returns the name used.
    fn save(&self, name: &str, content: &[u8]) -> io::Result<String>;

    /// The file's bytes.
    fn open(&self, name: &str) -> io::Result<Vec<u8>>;

    /// Deletes the file (no error when it is already gone).
    fn delete(&self, name: &str) -> io::Result<()>;

    /// Whether a file has this name.
    fn exists(&self, name: &str) -> bool;

    /// The URL the file is served at.
    fn url(&self, name: &str) -> String;
}

/// Files in a folder, served under a URL prefix.
#[derive(Debug, Clone)]
pub struct FileSystemStorage {
    root: PathBuf,
    base_url: String,
}

impl FileSystemStorage {
    /// Files under `root`, at URLs starting with `base_url` (`/media/`).
    pub fn new(root: impl AsRef<Path>, base_url: &str) -> FileSystemStorage {
        let mut base_url = base_url.to_owned();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        FileSystemStorage {
            root: root.as_ref().to_path_buf(),
            base_url,
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, name: &str) -> io::Result<PathBuf> {
        let clean = clean_name(name);
        if clean.is_empty() || clean != name {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("not a stored file's name: {name:?}"),
            ));
        }
        Ok(self.root.join(clean))
    }
}

impl Storage for FileSystemStorage {
    fn save(&self, name: &str, content: &[u8]) -> io::Result<String> {
        let wanted = clean_name(name);
        if wanted.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a file needs a name",
            ));
        }
        let mut candidate = wanted.clone();
        for _ in 0..100 {
            let path = self.root.join(&candidate);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)?;
            }
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let written = file.write_all(content).and_then(|()| file.sync_all());
                    if let Err(error) = written {
                        let _ = std::fs::remove_file(&path);
                        return Err(error);
                    }
                    return Ok(candidate);
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    candidate = with_suffix(&wanted);
                }
                Err(error) => return Err(error),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free name for the file",
        ))
    }

    fn open(&self, name: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(name)?)
    }

    fn delete(&self, name: &str) -> io::Result<()> {
        match std::fs::remove_file(self.path(name)?) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn exists(&self, name: &str) -> bool {
        self.path(name).is_ok_and(|path| path.is_file())
    }

    fn url(&self, name: &str) -> String {
        let encoded: Vec<String> = name
            .split('/')
            .map(|part| percent_encoding::utf8_percent_encode(part, URL_PART).to_string())
            .collect();
        format!("{}{}", self.base_url, encoded.join("/"))
    }
}

/// What a URL's path part escapes: all but letters, digits, `.`, `-`, `_`.
const URL_PART: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_');

/// A name safe in a path and a URL: each `/`-separated part keeps
/// letters, digits, `.`, `-` and `_` (others become `_`), parts that are
/// empty or dots only are dropped, and no part starts with a dot.
pub fn clean_name(name: &str) -> String {
    name.split(['/', '\\'])
        .map(|part| {
            let kept: String = part
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            kept.trim_start_matches('.').to_owned()
        })
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// `name` with a random part before its extension: `a_k3j9x2q.png`.
fn with_suffix(name: &str) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    let tag = &random[..7];
    let (folder, file) = match name.rsplit_once('/') {
        Some((folder, file)) => (format!("{folder}/"), file),
        None => (String::new(), name),
    };
    match file.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{folder}{stem}_{tag}.{extension}"),
        _ => format!("{folder}{file}_{tag}"),
    }
}

/// The storage files are saved to, as the settings chose it.
static DEFAULT: RwLock<Option<Arc<dyn Storage>>> = RwLock::new(None);

/// Makes `storage` the site's.
pub fn set_default_storage(storage: impl Storage) {
    if let Ok(mut default) = DEFAULT.write() {
        *default = Some(Arc::new(storage));
    }
}

/// The site's storage: the one set with [`set_default_storage`], else the
/// folder `media` of the working directory, served at `/media/`.
pub fn default_storage() -> Arc<dyn Storage> {
    if let Some(storage) = DEFAULT.read().ok().and_then(|d| d.clone()) {
        return storage;
    }
    Arc::new(FileSystemStorage::new("media", "/media/"))
}

/// Where an upload for `field` of `schema` is saved: `app/field/filename`.
pub fn upload_name(schema: &crate::schema::ModelSchema, field: &str, filename: &str) -> String {
    let filename = clean_name(filename.rsplit(['/', '\\']).next().unwrap_or(filename));
    let filename = if filename.is_empty() {
        "file".to_owned()
    } else {
        filename
    };
    let app = if schema.app_label.is_empty() {
        "uploads".to_owned()
    } else {
        clean_name(&schema.app_label)
    };
    format!("{app}/{field}/{filename}")
}

/// Deletes the files of model `M`'s file fields when an object is deleted,
/// once the delete has committed (Django leaves them; this is the opt-in).
/// Connect it once at start-up:
///
/// ```
/// # use orm_core::prelude::*;
/// # #[derive(Model, Debug, Clone)]
/// # #[model(app_label = "docs")]
/// # pub struct Photo { pub id: i64, #[field(image)] pub picture: String }
/// orm_core::storage::delete_files_with::<Photo>();
/// ```
pub fn delete_files_with<M: crate::Model>() {
    crate::signals::post_delete::<M>(|conn, object| {
        let schema = M::schema();
        let names: Vec<String> = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| field.kind.is_upload())
            .filter_map(|(index, _)| match object.field_value(index) {
                crate::Value::Text(name) if !name.is_empty() => Some(name),
                _ => None,
            })
            .collect();
        if !names.is_empty() {
            crate::db::on_commit(conn, move || {
                let storage = default_storage();
                for name in &names {
                    if let Err(error) = storage.delete(name) {
                        tracing::warn!(%error, name, "a deleted object's file stays");
                    }
                }
            });
        }
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside_the_folder() {
        assert_eq!(clean_name("../../etc/passwd"), "etc/passwd");
        assert_eq!(clean_name("/abs/.hidden/x y.png"), "abs/hidden/x_y.png");
        assert_eq!(clean_name("a\\b/../c"), "a/b/c");
        assert_eq!(clean_name("..."), "");
        let storage = FileSystemStorage::new("/tmp/never", "/m");
        assert!(storage.path("../x").is_err());
        assert_eq!(storage.url("a b/c.png"), "/m/a%20b/c.png");
        let suffixed = with_suffix("covers/photo.png");
        assert!(suffixed.starts_with("covers/photo_") && suffixed.ends_with(".png"));
    }
}
