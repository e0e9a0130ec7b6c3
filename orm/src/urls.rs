//! Routes with names, and the path of a route from its name: Django's
//! `path(..., name="article")` and `reverse("article", kwargs=...)`, so
//! that templates and redirects do not write paths by hand.
//!
//! ```
//! use axum::routing::get;
//! use orm::urls::Routes;
//!
//! async fn article() -> &'static str { "an article" }
//!
//! let (router, urls) = Routes::<()>::new()
//!     .route("home", "/", get(|| async { "home" }))
//!     .route("article", "/articles/{slug}/", get(article))
//!     .into_parts();
//! let _router: axum::Router = router;
//! assert_eq!(urls.reverse("article", &[("slug", "hello world")])?, "/articles/hello%20world/");
//! assert!(urls.reverse("article", &[]).is_err());
//! # Ok::<(), orm::urls::ReverseError>(())
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::routing::MethodRouter;
use axum::Router;

/// A router whose routes have names: [`into_parts`](Routes::into_parts)
/// gives the axum router and the [`Urls`] that reverse the names.
pub struct Routes<S = ()> {
    router: Router<S>,
    names: BTreeMap<String, Pattern>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Routes::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    /// No route yet.
    pub fn new() -> Self {
        Routes {
            router: Router::new(),
            names: BTreeMap::new(),
        }
    }

    /// Serves `path` (axum's syntax: `/articles/{slug}/`, `/files/{*rest}`)
    /// with `handler`, under `name`. Like axum's own router, it panics
    /// when the program names two routes alike or writes a path that
    /// does not parse: mistakes of the program, found when it starts.
    #[track_caller]
    pub fn route(mut self, name: &str, path: &str, handler: MethodRouter<S>) -> Self {
        let pattern = match Pattern::parse(path) {
            Ok(pattern) => pattern,
            Err(message) => panic!("route `{name}`: `{path}` {message}"),
        };
        if self.names.insert(name.to_owned(), pattern).is_some() {
            panic!("two routes are named `{name}`");
        }
        self.router = self.router.route(path, handler);
        self
    }

    /// The routes without names are added to the router itself (a
    /// fallback, a stylesheet): this is the router to add them to.
    pub fn map_router(mut self, f: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = f(self.router);
        self
    }

    /// The axum router, and the names of its routes.
    pub fn into_parts(self) -> (Router<S>, Urls) {
        (self.router, Urls(Arc::new(self.names)))
    }
}

/// The paths of named routes, shared by handlers and templates.
#[derive(Debug, Clone, Default)]
pub struct Urls(Arc<BTreeMap<String, Pattern>>);

/// Why a name gives no path (Django's `NoReverseMatch`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReverseError {
    /// No route has this name.
    #[error("no route is named `{0}`")]
    UnknownName(String),
    /// The route's path needs a value that was not given.
    #[error("route `{name}` needs a value for `{param}`")]
    Missing {
        /// The route.
        name: String,
        /// The part of its path.
        param: String,
    },
    /// A value was given that the route's path has no place for.
    #[error("route `{name}` has no `{param}`")]
    Unexpected {
        /// The route.
        name: String,
        /// The value's name.
        param: String,
    },
}

impl Urls {
    /// The path of route `name` with `params` in its captures, each
    /// percent-encoded (a `{*rest}` capture keeps its slashes).
    pub fn reverse(&self, name: &str, params: &[(&str, &str)]) -> Result<String, ReverseError> {
        let pattern = self
            .0
            .get(name)
            .ok_or_else(|| ReverseError::UnknownName(name.to_owned()))?;
        for (param, _) in params {
            if !pattern.captures().any(|c| c == *param) {
                return Err(ReverseError::Unexpected {
                    name: name.to_owned(),
                    param: (*param).to_owned(),
                });
            }
        }
        let mut path = String::new();
        for part in &pattern.0 {
            match part {
                Part::Text(text) => path.push_str(text),
                Part::Capture { name: param, rest } => {
                    let value = params
                        .iter()
                        .find(|(p, _)| p == param)
                        .map(|(_, v)| *v)
                        .ok_or_else(|| ReverseError::Missing {
                            name: name.to_owned(),
                            param: param.clone(),
                        })?;
                    path.push_str(&encode(value, *rest));
                }
            }
        }
        Ok(path)
    }

    /// The names of every route, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// A route's path: text, and captures.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern(Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Capture { name: String, rest: bool },
}

impl Pattern {
    fn parse(path: &str) -> Result<Pattern, &'static str> {
        if !path.starts_with('/') {
            return Err("does not start with `/`");
        }
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').ok_or("has a `{` without its `}`")? + open;
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let inside = &rest[open + 1..close];
            let (name, wildcard) = match inside.strip_prefix('*') {
                Some(name) => (name, true),
                None => (inside, false),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err("has a capture that is not a name");
            }
            parts.push(Part::Capture {
                name: name.to_owned(),
                rest: wildcard,
            });
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err("has a `}` without its `{`");
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Pattern(parts))
    }

    fn captures(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|part| match part {
            Part::Capture { name, .. } => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }
}

/// `value` for a path segment: every byte but the unreserved ones
/// percent-encoded, `/` kept for a `{*rest}` capture.
fn encode(value: &str, keep_slashes: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        if unreserved || (keep_slashes && byte == b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    fn urls() -> Urls {
        Routes::<()>::new()
            .route("home", "/", get(|| async {}))
            .route("article", "/articles/{slug}/", get(|| async {}))
            .route("file", "/files/{*path}", get(|| async {}))
            .route("pair", "/a/{x}/b/{y}", get(|| async {}))
            .into_parts()
            .1
    }

    #[test]
    fn names_give_paths() {
        let urls = urls();
        assert_eq!(urls.reverse("home", &[]).unwrap(), "/");
        assert_eq!(
            urls.reverse("article", &[("slug", "été/2")]).unwrap(),
            "/articles/%C3%A9t%C3%A9%2F2/"
        );
        assert_eq!(
            urls.reverse("file", &[("path", "a b/c.txt")]).unwrap(),
            "/files/a%20b/c.txt"
        );
        assert_eq!(
            urls.reverse("pair", &[("y", "2"), ("x", "1")]).unwrap(),
            "/a/1/b/2"
        );
        assert_eq!(
            urls.names().collect::<Vec<_>>(),
            ["article", "file", "home", "pair"]
        );
    }

    #[test]
    fn mistakes_are_named() {
        let urls = urls();
        assert_eq!(
            urls.reverse("nope", &[]),
            Err(ReverseError::UnknownName("nope".into()))
        );
        assert!(matches!(
            urls.reverse("article", &[]),
            Err(ReverseError::Missing { .. })
        ));
        assert!(matches!(
            urls.reverse("home", &[("slug", "x")]),
            Err(ReverseError::Unexpected { .. })
        ));
        for bad in ["articles/", "/a/{", "/a/}", "/a/{x-y}"] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    #[should_panic(expected = "two routes are named `home`")]
    fn a_name_is_given_once() {
        let _ = Routes::<()>::new()
            .route("home", "/", get(|| async {}))
            .route("home", "/home/", get(|| async {}));
    }
}
