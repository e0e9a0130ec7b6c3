//! A submitted `application/x-www-form-urlencoded` body, decoded once.
//!
//! ```
//! use orm_core::forms::FormData;
//!
//! let form = FormData::parse(b"title=Hello+world&tag=a&tag=b");
//! assert_eq!(form.one("title"), Ok(Some("Hello world")));
//! assert_eq!(form.all("tag"), ["a", "b"]);
//! assert!(form.one("tag").is_err(), "sent twice");
//! ```

/// The fields of a submitted form, in order; repeated names are kept.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    pairs: Vec<(String, String)>,
    /// Names whose value was not UTF-8 (kept with U+FFFD in its place).
    not_utf8: Vec<String>,
    /// Files of a multipart form, by field name.
    files: Vec<(String, UploadedFile)>,
}

/// A file sent with a multipart form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadedFile {
    /// The name the browser gave it (not to be trusted as a path).
    pub filename: String,
    /// The type the browser claimed (not to be trusted either).
    pub content_type: String,
    /// Its bytes (none when it was over the limit).
    pub content: Vec<u8>,
    /// Its size in bytes, as received.
    pub size: usize,
    /// The limit it went over, when it did: its bytes were not kept.
    pub limit_exceeded: Option<usize>,
}

/// What a field holding bytes that are not UTF-8 is told.
const NOT_UTF8: &str = "Enter valid text: what was sent is not UTF-8.";

impl FormData {
    /// Decodes a body. Invalid UTF-8 becomes U+FFFD, and the field it was
    /// sent in is refused by [`FormData::one`].
    pub fn parse(body: &[u8]) -> FormData {
        let mut not_utf8 = Vec::new();
        let pairs = body
            .split(|&b| b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = match pair.iter().position(|&b| b == b'=') {
                    Some(at) => (&pair[..at], &pair[at + 1..]),
                    None => (pair, &b""[..]),
                };
                let (name, _) = decode(name);
                let (value, valid) = decode(value);
                if !valid {
                    not_utf8.push(name.clone());
                }
                (name, value)
            })
            .collect();
        FormData {
            pairs,
            not_utf8,
            files: Vec::new(),
        }
    }

    /// A form from fields read elsewhere (a multipart body): `(name,
    /// value)` pairs, the names whose value was not UTF-8, and the files.
    pub fn from_parts(
        pairs: Vec<(String, String)>,
        not_utf8: Vec<String>,
        files: Vec<(String, UploadedFile)>,
    ) -> FormData {
        FormData {
            pairs,
            not_utf8,
            files,
        }
    }

    /// The file sent as `name`, when one was chosen: `Err` when the field
    /// was sent more than once.
    pub fn file(&self, name: &str) -> Result<Option<&UploadedFile>, String> {
        let mut sent = self
            .files
            .iter()
            .filter(|(n, f)| n == name && !(f.filename.is_empty() && f.size == 0))
            .map(|(_, f)| f);
        match (sent.next(), sent.next()) {
            (None, _) => Ok(None),
            (Some(file), None) => Ok(Some(file)),
            (Some(_), Some(_)) => Err("Send a single file.".to_owned()),
        }
    }

    /// Every file sent, by field name.
    pub fn files(&self) -> &[(String, UploadedFile)] {
        &self.files
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of `name`: `Ok(None)` when absent, an error when given
    /// more than once.
    pub fn one(&self, name: &str) -> Result<Option<&str>, String> {
        if self.not_utf8.iter().any(|n| n == name) {
            return Err(NOT_UTF8.to_owned());
        }
        match self.all(name).as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err("Enter a single value.".to_owned()),
        }
    }

    /// The value of `name`, or `""`; the first when repeated.
    pub fn text(&self, name: &str) -> &str {
        self.all(name).first().copied().unwrap_or("")
    }

    /// Whether `name` was sent.
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }
}

/// One name or value of a urlencoded body: `+` is a space, `%XX` a byte;
/// the text, and whether the bytes were UTF-8.
fn decode(raw: &[u8]) -> (String, bool) {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
    match String::from_utf8(bytes) {
        Ok(text) => (text, true),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_broken_input() {
        let form = FormData::parse(b"a=1&b=2&a=3&c=%FF%00");
        assert_eq!(form.all("a"), ["1", "3"]);
        assert!(form.one("a").is_err());
        assert_eq!(form.one("b"), Ok(Some("2")));
        assert_eq!(form.one("x"), Ok(None));
        assert_eq!(form.text("c"), "\u{FFFD}\u{0}");
        assert!(form.one("c").is_err(), "not UTF-8");
        assert!(form.has("b") && !form.has("x"));
        let form = FormData::parse(b"q=a+b%2Bc&e=%C3%A9&raw=\xff&empty&=v");
        assert_eq!(form.text("q"), "a b+c");
        assert_eq!(form.one("e"), Ok(Some("\u{e9}")));
        assert!(form.one("raw").is_err());
        assert_eq!(form.one("empty"), Ok(Some("")));
        assert_eq!(form.text(""), "v");
    }
}
