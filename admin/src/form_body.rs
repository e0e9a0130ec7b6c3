//! Reading a submitted form's body once, urlencoded or multipart (with
//! files), for the CSRF check and the handlers alike: the CSRF layer
//! reads it and hands it on as [`SubmittedForm`].

use std::convert::Infallible;

use axum::body::Bytes;
use orm_core::forms::{FormData, UploadedFile};

use crate::error::AdminError;

/// How much a form may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Most bytes of one file (Django's `FILE_UPLOAD_MAX_MEMORY_SIZE`): a
    /// larger file is refused beside its field.
    pub file: usize,
    /// Most bytes of a whole multipart body: a larger one is refused with
    /// a 413.
    pub body: usize,
}

impl Default for UploadLimits {
    /// 2.5 MB a file, 32 MB a body.
    fn default() -> Self {
        UploadLimits {
            file: 2_621_440,
            body: 32 * 1024 * 1024,
        }
    }
}

/// The form of a request, read by the CSRF layer: taken from the request's
/// extensions by the handlers' extractors.
#[derive(Debug, Clone)]
pub struct SubmittedForm(pub FormData);

/// The form of `request`: as the CSRF layer read it, else read from its
/// body (urlencoded or multipart, within the default limits).
pub async fn form_of<S: Send + Sync>(
    request: axum::extract::Request,
    state: &S,
) -> Result<FormData, AdminError> {
    use axum::extract::FromRequest as _;
    if let Some(SubmittedForm(form)) = request.extensions().get::<SubmittedForm>() {
        return Ok(form.clone());
    }
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = Bytes::from_request(request, state)
        .await
        .map_err(|_| AdminError::PayloadTooLarge)?;
    read_form(content_type.as_deref(), body, UploadLimits::default()).await
}

/// Whether the `Content-Type` is `multipart/form-data`.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

/// The form in `body`: multipart when `content_type` says so, urlencoded
/// otherwise. A multipart body that does not parse is a 400.
pub async fn read_form(
    content_type: Option<&str>,
    body: Bytes,
    limits: UploadLimits,
) -> Result<FormData, AdminError> {
    if !is_multipart(content_type) {
        return Ok(FormData::parse(&body));
    }
    let bad = |_| AdminError::BadRequest("The submitted form could not be read.".into());
    let boundary = multer::parse_boundary(content_type.unwrap_or_default()).map_err(bad)?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut pairs, mut not_utf8, mut files) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(filename) = field.file_name().map(str::to_owned) {
            let content_type = field
                .content_type()
                .map(ToString::to_string)
                .unwrap_or_default();
            let mut file = UploadedFile {
                filename,
                content_type,
                ..UploadedFile::default()
            };
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                file.size += chunk.len();
                if file.size > limits.file {
                    // Counted, not kept: the field says how large it was.
                    file.limit_exceeded = Some(limits.file);
                    file.content = Vec::new();
                } else {
                    file.content.extend_from_slice(&chunk);
                }
            }
            files.push((name, file));
        } else {
            let bytes = field.bytes().await.map_err(bad)?;
            let value = match String::from_utf8(bytes.to_vec()) {
                Ok(text) => text,
                Err(e) => {
                    not_utf8.push(name.clone());
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            };
            pairs.push((name, value));
        }
    }
    Ok(FormData::from_parts(pairs, not_utf8, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, filename, content) in parts {
            out.extend_from_slice(b"--XYZ\r\n");
            let disposition = match filename {
                Some(f) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/png\r\n\r\n"),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XYZ--\r\n");
        out
    }

    #[tokio::test]
    async fn multipart_fields_and_files_are_read_within_the_limits() {
        let limits = UploadLimits {
            file: 4,
            body: 1000,
        };
        let ct = Some("multipart/form-data; boundary=XYZ");
        let sent = body(&[
            ("title", None, b"Hello"),
            ("bad", None, b"\xff"),
            ("small", Some("a.png"), b"1234"),
            ("big", Some("b.png"), b"12345"),
        ]);
        let form = read_form(ct, Bytes::from(sent), limits).await.unwrap();
        assert_eq!(form.one("title"), Ok(Some("Hello")));
        assert!(form.one("bad").is_err(), "not UTF-8");
        let small = form.file("small").unwrap().unwrap();
        assert_eq!(
            (small.content.as_slice(), small.limit_exceeded),
            (&b"1234"[..], None)
        );
        let big = form.file("big").unwrap().unwrap();
        assert_eq!(
            (big.size, big.limit_exceeded, big.content.len()),
            (5, Some(4), 0)
        );
        assert!(
            read_form(ct, Bytes::from_static(b"--XYZ\r\nnonsense"), limits)
                .await
                .is_err()
        );
        let plain = read_form(None, Bytes::from_static(b"a=1"), limits)
            .await
            .unwrap();
        assert_eq!(plain.one("a"), Ok(Some("1")));
    }
}
