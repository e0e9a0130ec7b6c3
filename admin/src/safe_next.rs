//! `next=` redirects that stay inside the site.

/// `next` when it is a path on this site (`/admin/blog/`), else `fallback`.
///
/// Refuses absolute URLs, scheme-relative `//host` and `/\host` forms,
/// control characters and anything that is not a plain path.
pub fn safe_next<'a>(next: Option<&'a str>, fallback: &'a str) -> &'a str {
    match next {
        Some(next) if is_local_path(next) => next,
        _ => fallback,
    }
}

fn is_local_path(next: &str) -> bool {
    let bytes = next.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next.len() <= 2048
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_pass() {
        let fallback = "/admin/";
        for good in ["/admin/blog/article/", "/", "/a?b=c#d"] {
            assert_eq!(safe_next(Some(good), fallback), good);
        }
        for bad in [
            "http://evil.com/",
            "//evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "https:evil.com",
            "javascript:alert(1)",
            "/admin/\n",
            "evil.com",
            "",
        ] {
            assert_eq!(safe_next(Some(bad), fallback), fallback, "{bad:?}");
        }
        assert_eq!(safe_next(None, fallback), fallback);
    }
}
