//! Rows with the rows of other models that point at them, nested as deep
//! as asked (Django's `prefetch_related("articles__comments")` and its
//! `Prefetch` objects): one query per level, however many rows.
//!
//! ```ignore
//! let authors: Vec<(Author, Vec<(Book, Vec<Review>)>)> = Author::objects()
//!     .prefetch(Book::AUTHOR, Book::objects().prefetch(Review::BOOK, Review::objects()))
//!     .all(&mut conn)?;
//! ```

use std::collections::HashMap;

use super::field::{Field, PointsAt};
use super::lookup::{Condition, Lookup, Operand, Q};
use super::queryset::QuerySet;
use crate::db::AnyConnection;
use crate::error::Result;
use crate::model::Model;
use crate::value::Value;

/// A query whose rows can be fetched with an extra condition: a
/// [`QuerySet`] (its objects), or a [`Prefetch`] (each object with the
/// rows pointing at it).
pub trait Fetch {
    /// The model of the rows.
    type Model: Model;
    /// One row as fetched.
    type Item;
    /// The rows matching the query and `extra` too.
    fn fetch_matching(&self, conn: &mut AnyConnection, extra: Q) -> Result<Vec<Self::Item>>;
    /// The query's slice (`limit`, `offset`), applied for each parent
    /// rather than to all the rows at once.
    fn slice(&self) -> (Option<i64>, Option<i64>);
    /// The object of a row.
    fn object(item: &Self::Item) -> &Self::Model;
}

impl<M: Model> Fetch for QuerySet<M> {
    type Model = M;
    type Item = M;

    fn fetch_matching(&self, conn: &mut AnyConnection, extra: Q) -> Result<Vec<M>> {
        let mut spec = self.spec().clone();
        spec.and(extra);
        spec.limit = None;
        spec.offset = None;
        QuerySet::<M>::from_spec(spec).all(conn)
    }

    fn slice(&self) -> (Option<i64>, Option<i64>) {
        (self.spec().limit, self.spec().offset)
    }

    fn object(item: &M) -> &M {
        item
    }
}

/// The rows of a query on `M`, each with the rows `children` fetches that
/// point at it through a foreign key: built by [`QuerySet::prefetch`].
pub struct Prefetch<M, I> {
    parents: QuerySet<M>,
    key: usize,
    children: I,
}

impl<M: Model<Pk = i64>> QuerySet<M> {
    /// Each row with the rows of `children` (a query on model `C`, or a
    /// further `prefetch`) whose foreign key `key` points at it: one query
    /// for the rows, then one for each level of children, whatever their
    /// number. The children's query keeps its filter, ordering and
    /// `select_related`; its slice is taken for each parent (the first
    /// three books of each author), as Django's sliced `Prefetch` does.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_prefetch")]
    /// pub struct Author {
    ///     pub id: i64,
    ///     #[field(max_length = 20)]
    ///     pub name: String,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_prefetch")]
    /// pub struct Book {
    ///     pub id: i64,
    ///     #[field(max_length = 20)]
    ///     pub title: String,
    ///     #[field(on_delete = Cascade)]
    ///     pub author: ForeignKey<Author>,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs_prefetch")]
    /// pub struct Review {
    ///     pub id: i64,
    ///     pub stars: i32,
    ///     #[field(on_delete = Cascade)]
    ///     pub book: ForeignKey<Book>,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Author::schema(), Book::schema(), Review::schema()])?;
    /// let mut ada = Author { id: 0, name: "Ada".into() };
    /// ada.save(&mut conn)?;
    /// let mut notes = Book { id: 0, title: "Notes".into(), author: ForeignKey::new(ada.id) };
    /// notes.save(&mut conn)?;
    /// for stars in [5, 2] {
    ///     Review { id: 0, stars, book: ForeignKey::new(notes.id) }.save(&mut conn)?;
    /// }
    ///
    /// let authors = Author::objects()
    ///     .prefetch(
    ///         Book::AUTHOR,
    ///         Book::objects().prefetch(Review::BOOK, Review::objects().filter(Review::STARS.gte(4))),
    ///     )
    ///     .all(&mut conn)?;
    /// let (author, books) = &authors[0];
    /// let (book, reviews) = &books[0];
    /// assert_eq!((author.name.as_str(), book.title.as_str(), reviews.len()), ("Ada", "Notes", 1));
    /// # Ok(()) }
    /// ```
    pub fn prefetch<C, T, I>(self, key: Field<C, T>, children: I) -> Prefetch<M, I>
    where
        C: Model,
        T: PointsAt<M>,
        I: Fetch<Model = C>,
    {
        Prefetch {
            parents: self,
            key: key.index(),
            children,
        }
    }
}

impl<M: Model<Pk = i64>, I: Fetch> Prefetch<M, I> {
    /// Every row with its children.
    pub fn all(&self, conn: &mut AnyConnection) -> Result<Vec<(M, Vec<I::Item>)>> {
        let parents = self.parents.all(conn)?;
        self.attach(conn, parents)
    }

    /// `parents` with their children: one query for this level's children
    /// (and one for each level below).
    fn attach(&self, conn: &mut AnyConnection, parents: Vec<M>) -> Result<Vec<(M, Vec<I::Item>)>> {
        let ids: Vec<Value> = parents.iter().map(|p| Value::BigInt(*p.pk())).collect();
        let mut by_parent: HashMap<i64, Vec<I::Item>> = HashMap::new();
        if !ids.is_empty() {
            let pointing = Q::Condition(Condition {
                field: self.key,
                lookup: Lookup::In,
                operand: Operand::Many(ids),
            });
            for child in self.children.fetch_matching(conn, pointing)? {
                if let Some(parent) = I::object(&child).field_value(self.key).as_i64() {
                    by_parent.entry(parent).or_default().push(child);
                }
            }
        }
        let (limit, offset) = self.children.slice();
        Ok(parents
            .into_iter()
            .map(|parent| {
                let children = by_parent.remove(parent.pk()).unwrap_or_default();
                (parent, sliced(children, limit, offset))
            })
            .collect())
    }
}

impl<M: Model<Pk = i64>, I: Fetch> Fetch for Prefetch<M, I> {
    type Model = M;
    type Item = (M, Vec<I::Item>);

    fn fetch_matching(&self, conn: &mut AnyConnection, extra: Q) -> Result<Vec<Self::Item>> {
        let parents = self.parents.fetch_matching(conn, extra)?;
        self.attach(conn, parents)
    }

    fn slice(&self) -> (Option<i64>, Option<i64>) {
        self.parents.slice()
    }

    fn object(item: &Self::Item) -> &M {
        &item.0
    }
}

/// The rows of one parent, past `offset` and at most `limit` of them.
fn sliced<T>(rows: Vec<T>, limit: Option<i64>, offset: Option<i64>) -> Vec<T> {
    let skip = usize::try_from(offset.unwrap_or(0)).unwrap_or(0);
    let take = limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(0));
    rows.into_iter().skip(skip).take(take).collect()
}
