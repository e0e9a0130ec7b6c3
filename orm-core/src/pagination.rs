//! Django's `Paginator`: pages of a query with their links.

use crate::db::AnyConnection;
use crate::error::Result;
use crate::model::Model;
use crate::query::{QuerySet, QuerySpec};
use crate::schema::ModelSchema;

/// One page of results and where it sits among the others.
#[derive(Debug, Clone)]
pub struct Page<M> {
    /// The rows on this page.
    pub objects: Vec<M>,
    /// This page's number, from 1.
    pub number: i64,
    /// How many pages there are (at least 1).
    pub num_pages: i64,
    /// How many rows there are in all.
    pub count: i64,
    /// Rows per page.
    pub per_page: i64,
}

impl<M> Page<M> {
    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        self.number < self.num_pages
    }

    /// Whether an earlier page exists.
    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    /// The next page's number, when there is one.
    pub fn next_page_number(&self) -> Option<i64> {
        self.has_next().then_some(self.number + 1)
    }

    /// The previous page's number, when there is one.
    pub fn previous_page_number(&self) -> Option<i64> {
        self.has_previous().then_some(self.number - 1)
    }

    /// The 1-based position of the first row on this page (0 when empty).
    pub fn start_index(&self) -> i64 {
        if self.count == 0 {
            0
        } else {
            (self.number - 1) * self.per_page + 1
        }
    }

    /// The 1-based position of the last row on this page.
    pub fn end_index(&self) -> i64 {
        (self.number * self.per_page).min(self.count)
    }

    /// Page numbers to show as links: the first two, the last two, and three
    /// on each side of this one; `None` marks an ellipsis.
    pub fn elided_page_range(&self) -> Vec<Option<i64>> {
        page_links(self.number, self.num_pages)
    }
}

/// Page numbers to link, with `None` for an ellipsis (Django's
/// `get_elided_page_range` with `on_each_side = 3`, `on_ends = 2`).
pub fn page_links(number: i64, num_pages: i64) -> Vec<Option<i64>> {
    let (on_each_side, on_ends) = (3, 2);
    if num_pages <= (on_each_side + on_ends) * 2 {
        return (1..=num_pages).map(Some).collect();
    }
    let mut links = Vec::new();
    if number > 1 + on_each_side + on_ends + 1 {
        links.extend((1..=on_ends).map(Some));
        links.push(None);
        links.extend((number - on_each_side..=number).map(Some));
    } else {
        links.extend((1..=number).map(Some));
    }
    if number < num_pages - on_each_side - on_ends - 1 {
        links.extend((number + 1..=number + on_each_side).map(Some));
        links.push(None);
        links.extend((num_pages - on_ends + 1..=num_pages).map(Some));
    } else {
        links.extend((number + 1..=num_pages).map(Some));
    }
    links
}

/// How many pages of `per_page` rows `count` rows fill (at least one: an
/// empty list is one empty page).
pub fn num_pages(count: i64, per_page: i64) -> i64 {
    let per_page = per_page.max(1);
    ((count + per_page - 1) / per_page).max(1)
}

/// Rows `offset .. offset + limit` of the `count` rows `spec` (a query on
/// `schema`'s model) matches, read by `load` from the nearer end of the
/// list ([`QuerySpec::page`]) and returned in `spec`'s order.
pub fn read_page<R>(
    spec: &QuerySpec,
    schema: &ModelSchema,
    count: i64,
    offset: i64,
    limit: i64,
    load: impl FnOnce(&QuerySpec) -> Result<Vec<R>>,
) -> Result<Vec<R>> {
    let (page, reversed) = spec.page(schema, count, offset, limit);
    let mut rows = load(&page)?;
    if reversed {
        rows.reverse();
    }
    Ok(rows)
}

/// The objects of page `number` (from 1) of `per_page` rows of the `count`
/// rows `spec` matches, through [`read_page`].
pub(crate) fn objects_of_page<M: Model>(
    conn: &mut AnyConnection,
    spec: &QuerySpec,
    count: i64,
    number: i64,
    per_page: i64,
) -> Result<Vec<M>> {
    read_page(
        spec,
        M::schema(),
        count,
        (number - 1) * per_page,
        per_page,
        |page| QuerySet::<M>::from_spec(page.clone()).all(conn),
    )
}

/// The page number asked for as text, Django's `Paginator.get_page()`: not a
/// number gives page 1, past the end gives the last page.
pub fn resolve_page_number(requested: &str, num_pages: i64) -> i64 {
    match requested.trim().parse::<i64>() {
        Ok(n) if n < 1 => 1,
        Ok(n) => n.min(num_pages.max(1)),
        Err(_) if requested.trim() == "last" => num_pages.max(1),
        Err(_) => 1,
    }
}

pub(crate) fn paginate<M: Model>(
    query: &QuerySet<M>,
    conn: &mut AnyConnection,
    requested: &str,
    per_page: i64,
) -> Result<Page<M>> {
    let per_page = per_page.max(1);
    let count = query.count(conn)?;
    let num_pages = num_pages(count, per_page);
    let number = resolve_page_number(requested, num_pages);
    let objects = objects_of_page(conn, query.spec(), count, number, per_page)?;
    Ok(Page {
        objects,
        number,
        num_pages,
        count,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_like_django() {
        assert_eq!(resolve_page_number("abc", 5), 1);
        assert_eq!(resolve_page_number("9", 5), 5);
        assert_eq!(resolve_page_number("0", 5), 1);
        assert_eq!(resolve_page_number("last", 5), 5);
        assert_eq!(resolve_page_number("3", 0), 1);
    }

    #[test]
    fn links_elide_the_middle() {
        let links = page_links(50, 100);
        assert_eq!(links.first(), Some(&Some(1)));
        assert_eq!(links.last(), Some(&Some(100)));
        assert_eq!(links.iter().filter(|l| l.is_none()).count(), 2);
        assert_eq!(page_links(2, 4), vec![Some(1), Some(2), Some(3), Some(4)]);
    }
}
