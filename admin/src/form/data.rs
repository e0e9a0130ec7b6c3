//! A submitted `application/x-www-form-urlencoded` body, decoded once.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

use crate::error::AdminError;

/// The fields of a submitted form, in order; repeated names are kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    /// Decodes a body (invalid UTF-8 becomes U+FFFD).
    pub(crate) fn parse(body: &[u8]) -> FormData {
        FormData {
            pairs: form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of `name`: `Ok(None)` when absent, an error when given
    /// more than once.
    pub(crate) fn one(&self, name: &str) -> Result<Option<&str>, String> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err("Enter a single value.".to_owned()),
        }
    }

    /// The value of `name`, or `""`; the first when repeated.
    pub(crate) fn text(&self, name: &str) -> &str {
        self.all(name).first().copied().unwrap_or("")
    }

    /// Whether `name` was sent.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AdminError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AdminError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| AdminError::PayloadTooLarge)?;
        Ok(FormData::parse(&bytes))
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
        assert!(form.has("b") && !form.has("x"));
    }
}
