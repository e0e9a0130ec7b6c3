//! The changelist's query string: only the parameters the page itself
//! generates are kept (sort, search, page, each filter's own keys); any
//! other name is dropped before it can reach a query.

/// The page number parameter (1-based), Django's `p`.
pub(crate) const PAGE: &str = "p";
/// The search box, Django's `q`.
pub(crate) const SEARCH: &str = "q";
/// The sort columns, Django's `o`: `2.-1` sorts by column 2, then column 1
/// descending (positions in `list_display`, from 1).
pub(crate) const ORDER: &str = "o";
/// Shows how many rows each filter choice selects, Django's `_facets`.
pub(crate) const FACETS: &str = "_facets";

/// The changelist parameters of one request, in their original order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ListParams {
    pairs: Vec<(String, String)>,
}

impl ListParams {
    /// Parses a raw query string, keeping the keys `allowed` accepts (the
    /// last value wins for a repeated key). Invalid UTF-8 is replaced.
    pub(crate) fn parse(query: &str, allowed: impl Fn(&str) -> bool) -> ListParams {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if !allowed(&key) {
                continue;
            }
            pairs.retain(|(k, _)| *k != key);
            pairs.push((key.into_owned(), value.into_owned()));
        }
        ListParams { pairs }
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// These parameters with `key` set to `value` (or removed for `None`),
    /// back on page 1 unless `key` is the page itself.
    pub(crate) fn with(&self, key: &str, value: Option<&str>) -> ListParams {
        let mut next = self.clone();
        next.pairs
            .retain(|(k, _)| k != key && (key == PAGE || k != PAGE));
        if let Some(value) = value {
            next.pairs.push((key.to_owned(), value.to_owned()));
        }
        next
    }

    /// These parameters without any key starting with `prefix`, and with
    /// `set` added; back on page 1.
    pub(crate) fn replace_prefix(&self, prefix: &str, set: &[(String, String)]) -> ListParams {
        let mut next = self.clone();
        next.pairs
            .retain(|(k, _)| !k.starts_with(prefix) && k != PAGE);
        next.pairs.extend(set.iter().cloned());
        next
    }

    /// Keeps only the keys `keep` accepts.
    pub(crate) fn only(&self, keep: impl Fn(&str) -> bool) -> ListParams {
        ListParams {
            pairs: self
                .pairs
                .iter()
                .filter(|(k, _)| keep(k))
                .cloned()
                .collect(),
        }
    }

    /// Every pair, for hidden form inputs.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// `?a=1&b=2`, or `?` when empty (a link to the bare list).
    pub(crate) fn query(&self) -> String {
        self.query_with(&[])
    }

    /// The query string of these parameters followed by `extra` (which
    /// the caller keeps apart from them).
    pub(crate) fn query_with(&self, extra: &[(String, String)]) -> String {
        let mut out = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
        for (k, v) in self.pairs.iter().chain(extra) {
            out.append_pair(k, v);
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_dropped_and_last_value_wins() {
        let params = ListParams::parse("q=a&evil=1&q=b&o=1", |k| k == "q" || k == "o");
        assert_eq!(params.get("q"), Some("b"));
        assert_eq!(params.get("evil"), None);
        assert_eq!(params.query(), "?q=b&o=1");
    }

    #[test]
    fn changing_a_filter_goes_back_to_page_one() {
        let params = ListParams::parse("p=3&q=x", |_| true);
        assert_eq!(params.with("q", Some("y")).query(), "?q=y");
        assert_eq!(params.with(PAGE, Some("4")).query(), "?q=x&p=4");
        assert_eq!(params.with("q", None).query(), "?");
    }

    #[test]
    fn values_are_encoded() {
        let params = ListParams::parse("", |_| true).with("q", Some("a&b=<c>"));
        assert_eq!(params.query(), "?q=a%26b%3D%3Cc%3E");
        let back = ListParams::parse(params.query().trim_start_matches('?'), |_| true);
        assert_eq!(back.get("q"), Some("a&b=<c>"));
    }
}
