//! A response as tests read it: status, headers, body, and the few things
//! tests look for in the HTML of the admin and of forms rendered like it
//! (form values, the errors beside a field, messages, the rows of a list).

use axum::body::Body;
use axum::response::Response;
use http::{header, HeaderMap, StatusCode};

/// One response, read whole.
#[derive(Debug)]
pub struct Page {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as text.
    pub body: String,
    /// The redirects followed to reach this page, as `(location, status)`
    /// (see [`RequestBuilder::follow_redirects`](crate::RequestBuilder::follow_redirects)).
    pub redirect_chain: Vec<(String, StatusCode)>,
}

impl Page {
    /// Reads a response whole.
    ///
    /// # Panics
    ///
    /// When its body fails to stream.
    pub async fn read(response: Response<Body>) -> Page {
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .expect("read the response body");
        Page {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            redirect_chain: Vec::new(),
        }
    }

    /// Panics, showing the body, unless the status is `status`.
    pub fn expect(&self, status: StatusCode, what: &str) -> &Page {
        assert_eq!(
            self.status,
            status,
            "{what}: expected {status}, got {} (location {:?})\n{}",
            self.status,
            self.header("location"),
            excerpt(&self.body)
        );
        self
    }

    /// Panics unless this is a redirect (302, 303 or 308) to `location`.
    pub fn expect_redirect(&self, location: &str, what: &str) -> &Page {
        assert!(
            self.status.is_redirection(),
            "{what}: expected a redirect to {location}, got {}\n{}",
            self.status,
            excerpt(&self.body)
        );
        assert_eq!(self.location(), location, "{what}");
        self
    }

    /// Panics unless every security header the admin promises is set:
    /// no framing, no sniffing, same-origin referrers, the content security
    /// policy and (except for the hashed static files) no caching.
    pub fn assert_security_headers(&self, what: &str) -> &Page {
        let expect = |name: &str, check: &dyn Fn(&str) -> bool| {
            let value = self.header(name);
            assert!(
                value.is_some_and(check),
                "{what} ({}): header {name} is {value:?}",
                self.status
            );
        };
        expect("x-frame-options", &|v| v == "DENY");
        expect("x-content-type-options", &|v| v == "nosniff");
        expect("referrer-policy", &|v| v == "same-origin");
        expect("content-security-policy", &|v| {
            v.contains("default-src 'self'")
                && v.contains("frame-ancestors 'none'")
                && v.contains("script-src 'self'")
                && !v.contains("unsafe-inline")
        });
        let is_static = self
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/css") || t.starts_with("text/javascript"));
        if !is_static {
            expect("cache-control", &|v| v.contains("no-store"));
        }
        self
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Location` of a redirect (empty when there is none).
    pub fn location(&self) -> &str {
        self.header(header::LOCATION.as_str()).unwrap_or("")
    }

    /// Whether the body contains `text` (as written in the HTML).
    pub fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    /// The messages beside field `name`: the items of its error list
    /// (`id="id_<name>_errors"`, which the input names in
    /// `aria-describedby`), unescaped.
    pub fn field_errors(&self, name: &str) -> Vec<String> {
        element_after(&self.body, &format!("id=\"id_{name}_errors\""), "</ul>")
            .map(|list| items(list, "<li"))
            .unwrap_or_default()
    }

    /// Whether the form shows an error list above its fields (errors of
    /// no one field).
    pub fn non_field_errors(&self) -> Vec<String> {
        element_after(&self.body, "class=\"errorlist nonfield\"", "</ul>")
            .map(|list| items(list, "<li"))
            .unwrap_or_default()
    }

    /// The value of the input (or, failing that, textarea) named `name`,
    /// unescaped.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let mut rest = self.body.as_str();
        while let Some(at) = rest.find(&marker) {
            let tag_start = rest[..at].rfind('<')?;
            let tag_end = at + rest[at..].find('>')?;
            let tag = &rest[tag_start..tag_end];
            if tag.starts_with("<input") {
                return Some(attribute(tag, "value").map(unescape).unwrap_or_default());
            }
            if tag.starts_with("<textarea") {
                let content = &rest[tag_end + 1..];
                let end = content.find("</textarea>")?;
                return Some(unescape(&content[..end]));
            }
            if tag.starts_with("<select") {
                let content = &rest[tag_end + 1..];
                let end = content.find("</select>")?;
                let selected = content[..end]
                    .split("<option")
                    .find(|option| option.contains(" selected"))
                    .and_then(|option| attribute(option, "value"))
                    .unwrap_or("");
                return Some(unescape(selected));
            }
            rest = &rest[tag_end..];
        }
        None
    }

    /// Whether the page has a submit button named `name` (`_save`).
    pub fn has_button(&self, name: &str) -> bool {
        self.body
            .contains(&format!("type=\"submit\" name=\"{name}\""))
    }

    /// The one-time messages at the top of the page, unescaped.
    pub fn messages(&self) -> Vec<String> {
        element_after(&self.body, "class=\"messagelist\"", "</ul>")
            .map(|list| items(list, "<li"))
            .unwrap_or_default()
    }

    /// The ids of the objects linked as `<model_url><id>/change/`, in page
    /// order: the rows of a changelist.
    pub fn row_ids(&self, model_url: &str) -> Vec<i64> {
        let marker = format!("href=\"{model_url}");
        // The rows' links, not a message's that names an object.
        let table = self
            .body
            .find("id=\"result_list\"")
            .map_or(self.body.as_str(), |at| &self.body[at..]);
        let mut ids: Vec<i64> = Vec::new();
        for piece in table.split(&marker).skip(1) {
            let Some((id, rest)) = piece.split_once('/') else {
                continue;
            };
            if !rest.starts_with("change/\"") {
                continue;
            }
            if let Ok(id) = id.parse::<i64>() {
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }

    /// The text of the page with the tags taken out and entities
    /// unescaped, whitespace collapsed.
    pub fn text(&self) -> String {
        unescape(&strip_tags(&self.body, " "))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The start of the body, for failure messages.
fn excerpt(body: &str) -> String {
    body.chars().take(3000).collect()
}

/// The text from `marker` to the next `end`.
fn element_after<'a>(html: &'a str, marker: &str, end: &str) -> Option<&'a str> {
    let start = html.find(marker)?;
    let rest = &html[start..];
    Some(&rest[..rest.find(end)?])
}

/// The text of each `open`…`</li>` item of a list, tags removed.
fn items(list: &str, open: &str) -> Vec<String> {
    list.split(open)
        .skip(1)
        .filter_map(|item| {
            let content = &item[item.find('>')? + 1..];
            let content = content.split("</li>").next().unwrap_or(content);
            Some(unescape(&strip_tags(content, "")).trim().to_owned())
        })
        .collect()
}

/// `html` without its tags, each replaced by `between`.
fn strip_tags(html: &str, between: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push_str(between);
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The value of attribute `name` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

/// HTML entities back to text (those the templates write).
pub fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}
