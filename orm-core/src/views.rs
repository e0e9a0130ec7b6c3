//! Generic list and detail views, Django's `ListView` and `DetailView`
//! (and [`CursorListView`], a list paged by cursor instead of by number):
//! they work out what a page shows (the objects, the page and its links, or
//! the one object), and leave the rendering to the app's own templates.
//!
//! ```
//! use orm_core::prelude::*;
//! use orm_core::views::ListView;
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs", ordering = ["name"])]
//! pub struct Tag {
//!     pub id: i64,
//!     #[field(max_length = 50)]
//!     pub name: String,
//! }
//!
//! # fn main() -> orm_core::Result<()> {
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Tag::schema()])?;
//! for name in ["a", "b", "c"] {
//!     Tag { id: 0, name: name.into() }.save(&mut conn)?;
//! }
//! let list = ListView::new(Tag::objects()).paginate_by(2).get(&mut conn, "page=2")?;
//! assert_eq!(list.objects.len(), 1);
//! assert_eq!(list.page.previous_url.as_deref(), Some("?page=1"));
//! # Ok(()) }
//! ```

use crate::cursor::{page_after, Cursor};
use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::pagination::page_links;
use crate::query::{condition_from_text, QuerySet, Q};

/// A page of a paginated list and the links around it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageInfo {
    /// This page's number, from 1.
    pub number: i64,
    /// How many pages there are (at least 1).
    pub num_pages: i64,
    /// How many objects there are in all.
    pub count: i64,
    /// The next page's URL (`?page=3`), if any.
    pub next_url: Option<String>,
    /// The previous page's URL, if any.
    pub previous_url: Option<String>,
    /// Page links with an ellipsis (`None` number) where pages are elided.
    pub links: Vec<PageLink>,
}

impl PageInfo {
    /// Whether there is more than one page (whether to show a paginator).
    pub fn is_paginated(&self) -> bool {
        self.num_pages > 1
    }
}

/// One link of a paginator.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    /// The page number; `None` for an ellipsis.
    pub number: Option<i64>,
    /// The link (`?page=4`); empty for an ellipsis.
    pub url: String,
    /// The page being shown.
    pub current: bool,
}

/// What a list page shows.
#[derive(Debug, Clone)]
pub struct ListContext<M> {
    /// The objects on this page.
    pub objects: Vec<M>,
    /// Where the page sits among the others.
    pub page: PageInfo,
}

/// A paginated list of a query's objects (Django's `ListView` with
/// `paginate_by`): `?page=N` picks the page; `last` is the last page; a page
/// that is not a number or past the end is [`Error::NotFound`] (a 404), as
/// in Django; an empty list is one empty page.
#[derive(Debug, Clone)]
pub struct ListView<M> {
    queryset: QuerySet<M>,
    paginate_by: i64,
    page_param: &'static str,
    counts: Option<crate::db::KeptValues<i64>>,
}

impl<M: Model> ListView<M> {
    /// Lists `queryset`, ten a page.
    pub fn new(queryset: QuerySet<M>) -> Self {
        ListView {
            queryset,
            paginate_by: 10,
            page_param: "page",
            counts: None,
        }
    }

    /// Objects per page.
    pub fn paginate_by(mut self, per_page: i64) -> Self {
        self.paginate_by = per_page.max(1);
        self
    }

    /// The query-string parameter naming the page (default `page`).
    pub fn page_param(mut self, name: &'static str) -> Self {
        self.page_param = name;
        self
    }

    /// Reuses the list's row count from `counts` (usually
    /// [`Db::counts`](crate::Db::counts)) instead of counting for every
    /// request; see [`KeptValues`](crate::db::KeptValues) for how long.
    pub fn cached_counts(mut self, counts: &crate::db::KeptValues<i64>) -> Self {
        self.counts = Some(counts.clone());
        self
    }

    /// The page asked for by `query` (a raw query string).
    pub fn get(&self, conn: &mut AnyConnection, query: &str) -> Result<ListContext<M>> {
        let requested = form_value(query, self.page_param);
        let per_page = self.paginate_by;
        let count = match &self.counts {
            Some(counts) => counts.get_or_compute(
                &crate::db::query_key(M::schema(), self.queryset.spec()),
                || self.queryset.count(conn),
            )?,
            None => self.queryset.count(conn)?,
        };
        let num_pages = crate::pagination::num_pages(count, per_page);
        let number = match requested.as_deref().map(str::trim) {
            None | Some("") => 1,
            Some("last") => num_pages,
            Some(text) => match text.parse::<i64>() {
                Ok(n) if (1..=num_pages).contains(&n) => n,
                _ => return Err(not_found::<M>()),
            },
        };
        let mut spec = self.queryset.spec().clone();
        spec.make_stable(M::schema());
        let objects = crate::pagination::objects_of_page(conn, &spec, count, number, per_page)?;
        let url = |n: i64| format!("?{}={n}", self.page_param);
        Ok(ListContext {
            objects,
            page: PageInfo {
                number,
                num_pages,
                count,
                next_url: (number < num_pages).then(|| url(number + 1)),
                previous_url: (number > 1).then(|| url(number - 1)),
                links: page_links(number, num_pages)
                    .into_iter()
                    .map(|n| PageLink {
                        number: n,
                        url: n.map(url).unwrap_or_default(),
                        current: n == Some(number),
                    })
                    .collect(),
            },
        })
    }
}

/// What a list page read from a cursor shows.
#[derive(Debug, Clone)]
pub struct CursorListContext<M> {
    /// The objects on this page.
    pub objects: Vec<M>,
    /// The next page's URL (`?cursor=a...`), if any.
    pub next_url: Option<String>,
    /// The previous page's URL, if any.
    pub previous_url: Option<String>,
}

impl<M> CursorListContext<M> {
    /// Whether there is a page before or after this one.
    pub fn is_paginated(&self) -> bool {
        self.next_url.is_some() || self.previous_url.is_some()
    }
}

/// A list shown page by page from a cursor ([`crate::cursor`]): every page
/// costs one indexed query of `paginate_by + 1` rows at any depth, and no
/// row count, so a list of millions answers its last page as fast as its
/// first. Pages link to the next and previous ones, not by number;
/// `?cursor=...` picks one, and a cursor that does not fit the list is
/// [`Error::NotFound`] (a 404).
///
/// Its ordering (the model's, or the queryset's `order_by`) is made unique
/// with the key; an index on the filter's and ordering's fields (in that
/// order) makes each page an index range scan.
///
/// ```
/// use orm_core::prelude::*;
/// use orm_core::views::CursorListView;
///
/// #[derive(Model, Debug, Clone)]
/// #[model(app_label = "docs", ordering = ["name"])]
/// pub struct Tag {
///     pub id: i64,
///     #[field(max_length = 50)]
///     pub name: String,
/// }
///
/// # fn main() -> orm_core::Result<()> {
/// let db = Db::open("sqlite://:memory:")?;
/// let mut conn = db.conn()?;
/// orm_core::create_tables(&mut conn, &[Tag::schema()])?;
/// for name in ["a", "b", "c"] {
///     Tag { id: 0, name: name.into() }.save(&mut conn)?;
/// }
/// let view = CursorListView::new(Tag::objects()).paginate_by(2);
/// let first = view.get(&mut conn, "")?;
/// let next = first.next_url.expect("a second page");
/// let second = view.get(&mut conn, next.trim_start_matches('?'))?;
/// assert_eq!(second.objects[0].name, "c");
/// assert!(second.next_url.is_none());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CursorListView<M> {
    queryset: QuerySet<M>,
    paginate_by: i64,
    cursor_param: &'static str,
}

impl<M: Model> CursorListView<M> {
    /// Lists `queryset`, ten a page.
    pub fn new(queryset: QuerySet<M>) -> Self {
        CursorListView {
            queryset,
            paginate_by: 10,
            cursor_param: "cursor",
        }
    }

    /// Objects per page.
    pub fn paginate_by(mut self, per_page: i64) -> Self {
        self.paginate_by = per_page.max(1);
        self
    }

    /// The query-string parameter holding the cursor (default `cursor`).
    pub fn cursor_param(mut self, name: &'static str) -> Self {
        self.cursor_param = name;
        self
    }

    /// The page asked for by `query` (a raw query string).
    pub fn get(&self, conn: &mut AnyConnection, query: &str) -> Result<CursorListContext<M>> {
        let cursor = match form_value(query, self.cursor_param).as_deref() {
            None | Some("") => None,
            Some(text) => match Cursor::decode::<M>(text, self.queryset.spec()) {
                Ok(cursor) => Some(cursor),
                Err(Error::InvalidValue { .. }) => return Err(not_found::<M>()),
                Err(other) => return Err(other),
            },
        };
        let page = page_after(conn, self.queryset.clone(), self.paginate_by, cursor)?;
        let url = |cursor: Cursor| {
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair(self.cursor_param, &cursor.encode())
                .finish();
            format!("?{query}")
        };
        Ok(CursorListContext {
            objects: page.objects,
            next_url: page.next.map(url),
            previous_url: page.previous.map(url),
        })
    }
}

/// One object of a query, found by a field's value from the URL (Django's
/// `DetailView` with `slug_field`): not found (or not in the query, e.g.
/// unpublished) is [`Error::NotFound`], a 404.
#[derive(Debug, Clone)]
pub struct DetailView<M> {
    queryset: QuerySet<M>,
    field: &'static str,
}

impl<M: Model> DetailView<M> {
    /// Finds objects of `queryset` by their primary key.
    pub fn new(queryset: QuerySet<M>) -> Self {
        DetailView {
            queryset,
            field: "",
        }
    }

    /// Finds them by `field` instead (`slug`).
    pub fn by_field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }

    /// The object whose field has the value `text`.
    pub fn get(&self, conn: &mut AnyConnection, text: &str) -> Result<M> {
        let schema = M::schema();
        let field = if self.field.is_empty() {
            schema.pk().name.as_ref()
        } else {
            self.field
        };
        let condition = match condition_from_text(schema, field, text) {
            Ok(condition) => condition,
            // A value that cannot be the field's (`/articles/abc/` for an
            // integer key) matches nothing.
            Err(Error::InvalidValue { .. }) => return Err(not_found::<M>()),
            Err(other) => return Err(other),
        };
        let query = QuerySet::<M>::from_spec({
            let mut spec = self.queryset.spec().clone();
            spec.and(Q::Condition(condition));
            spec
        });
        query.get(conn)
    }
}

/// The 404 of a page of `M`'s objects.
fn not_found<M: Model>() -> Error {
    Error::NotFound {
        model: M::schema().name.to_string(),
    }
}

/// The value of `name` in a raw query string (the last one when repeated).
fn form_value(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_parameter_is_read_from_the_query_string() {
        assert_eq!(form_value("page=3", "page").as_deref(), Some("3"));
        assert_eq!(
            form_value("a=1&page=%33&page=4", "page").as_deref(),
            Some("4")
        );
        assert_eq!(form_value("x=1", "page"), None);
        assert_eq!(form_value("page", "page").as_deref(), Some(""));
    }
}
