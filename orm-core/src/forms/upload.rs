//! Reading a file field of a submitted form: the file chosen (checked for
//! its size and, for an image, that it is one), the box that clears the
//! current file, or nothing (the current file stays).

use crate::schema::{FieldKind, FieldSchema, ModelSchema};
use crate::Value;

use super::{FormData, UploadedFile};

/// What a submission does to a file field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    /// Keep the current file.
    Keep,
    /// Clear it (the box beside the input was ticked).
    Clear,
    /// Store this new file.
    New(UploadedFile),
}

impl Upload {
    /// What it does to `field`'s value: `None` keeps it; else the new
    /// value (empty, or the chosen file's name until it is stored) and the
    /// file to store.
    pub fn into_value(self, field: &FieldSchema) -> Option<(Value, Option<UploadedFile>)> {
        match self {
            Upload::Keep => None,
            Upload::Clear if field.nullable => Some((Value::Null, None)),
            Upload::Clear => Some((Value::Text(String::new()), None)),
            Upload::New(file) => Some((Value::Text(file.filename.clone()), Some(file))),
        }
    }
}

/// The message beside a file field whose file the storage refused.
pub const NOT_STORED: &str = "The file could not be stored. Please try again.";

/// Stores the files chosen in a form over `schema`, `(field index, file)`,
/// in the site's storage, each as `<app>/<field>/<name>`: `(field index,
/// name stored under)` each. When the storage refuses one, the files
/// stored before it are deleted again and `Err` names the field's index.
pub fn store_uploads(
    schema: &ModelSchema,
    uploads: Vec<(usize, UploadedFile)>,
) -> Result<Vec<(usize, String)>, usize> {
    let storage = crate::storage::default_storage();
    let mut stored = Vec::new();
    for (index, file) in uploads {
        let name = crate::storage::upload_name(schema, &schema.fields[index].name, &file.filename);
        match storage.save(&name, &file.content) {
            Ok(name) => stored.push((index, name)),
            Err(error) => {
                tracing::error!(%error, "storing an upload failed");
                discard_stored(&stored);
                return Err(index);
            }
        }
    }
    Ok(stored)
}

/// Deletes the files [`store_uploads`] stored for a write that did not
/// happen.
pub fn discard_stored(stored: &[(usize, String)]) {
    let storage = crate::storage::default_storage();
    for (_, name) in stored {
        let _ = storage.delete(name);
    }
}

/// The name of the box that clears field `name`'s current file.
pub fn clear_name(name: &str) -> String {
    format!("{name}-clear")
}

/// Reads the file field `name` of `data` as `field`, with the message
/// shown beside it when the file is refused.
///
/// ```
/// use orm_core::forms::{read_upload, FormData, Upload, UploadedFile};
/// use orm_core::schema::{FieldKind, FieldSchema};
///
/// let field = FieldSchema::new("cover", "cover", FieldKind::Image);
/// let fake = UploadedFile {
///     filename: "cat.png".into(),
///     content: b"not a picture".to_vec(),
///     size: 13,
///     ..UploadedFile::default()
/// };
/// let data = FormData::from_parts(vec![], vec![], vec![("cover".into(), fake)]);
/// assert!(read_upload(&field, &data, "cover").unwrap_err().starts_with("Upload a valid image"));
/// let data = FormData::parse(b"cover-clear=on");
/// assert_eq!(read_upload(&field, &data, "cover"), Ok(Upload::Clear));
/// ```
pub fn read_upload(field: &FieldSchema, data: &FormData, name: &str) -> Result<Upload, String> {
    let Some(file) = data.file(name)? else {
        return Ok(if data.has(&clear_name(name)) {
            Upload::Clear
        } else {
            Upload::Keep
        });
    };
    if data.has(&clear_name(name)) {
        return Err(
            "Please either submit a file or check the clear checkbox, not both.".to_owned(),
        );
    }
    if let Some(limit) = file.limit_exceeded {
        return Err(format!(
            "The file is too large ({}): it may be at most {}.",
            size_text(file.size),
            size_text(limit)
        ));
    }
    if file.size == 0 {
        return Err("The submitted file is empty.".to_owned());
    }
    let length = file.filename.chars().count();
    let most = field.max_length.unwrap_or(100) as usize / 2;
    if length > most {
        return Err(format!(
            "Ensure this filename has at most {most} characters (it has {length})."
        ));
    }
    if field.kind == FieldKind::Image && image_size(&file.content).is_none() {
        return Err("Upload a valid image. The file you uploaded was either not an image or a corrupted image.".to_owned());
    }
    Ok(Upload::New(file.clone()))
}

/// An image's width and height, when the bytes are a whole PNG, JPEG, GIF
/// or WebP image, whatever its name claims: decoded to the end (a header
/// alone does not pass), within 10,000 pixels a side and 256 MB of memory
/// (a small file that unpacks into a huge picture does not pass either).
pub fn image_size(content: &[u8]) -> Option<(u32, u32)> {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(10_000);
    limits.max_image_height = Some(10_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    let mut reader = image::ImageReader::new(std::io::Cursor::new(content))
        .with_guessed_format()
        .ok()?;
    reader.limits(limits);
    let decoded = reader.decode().ok()?;
    Some((decoded.width(), decoded.height())).filter(|(w, h)| *w > 0 && *h > 0)
}

/// `2.5 MB`, `300 KB`, `12 bytes`.
fn size_text(bytes: usize) -> String {
    const KB: f64 = 1024.0;
    let value = bytes as f64;
    if value >= KB * KB {
        format!("{:.1} MB", value / (KB * KB))
    } else if value >= KB {
        format!("{:.0} KB", value / KB)
    } else {
        format!("{bytes} bytes")
    }
}
