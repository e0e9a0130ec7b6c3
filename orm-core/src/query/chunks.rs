//! Reading a large query in chunks: each chunk one statement that starts
//! after the last row of the one before (keyset, through the ordering's
//! index), so memory stays that of one chunk and every chunk costs the
//! same at any depth (Django's `QuerySet.iterator(chunk_size)`).

use super::queryset::QuerySet;
use crate::cursor::{page_after, Cursor};
use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::model::Model;

/// The chunks of a query, from [`QuerySet::chunks`].
pub struct Chunks<'c, M> {
    conn: &'c mut AnyConnection,
    queryset: QuerySet<M>,
    size: i64,
    /// Rows still allowed by the query's limit.
    left: Option<i64>,
    cursor: Option<Cursor>,
    done: bool,
}

impl<M: Model> QuerySet<M> {
    /// The matching rows in chunks of at most `size` (at least 1), in the
    /// query's ordering made stable by the primary key. One statement a
    /// chunk; nothing is read before the first `next()`. A limit is
    /// honoured; an offset is [`Error::InvalidValue`] (a chunk starts after
    /// a row, not at a position), and so is a nullable ordering field.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Tag {
    ///     pub id: i64,
    ///     #[field(max_length = 50)]
    ///     pub name: String,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Tag::schema()])?;
    /// let mut tags: Vec<Tag> = (0..10).map(|i| Tag { id: 0, name: format!("t{i}") }).collect();
    /// Tag::bulk_create(&mut conn, &mut tags)?;
    /// let mut sizes = Vec::new();
    /// for chunk in Tag::objects().chunks(&mut conn, 4) {
    ///     sizes.push(chunk?.len());
    /// }
    /// assert_eq!(sizes, [4, 4, 2]);
    /// # Ok(()) }
    /// ```
    pub fn chunks<'c>(&self, conn: &'c mut AnyConnection, size: i64) -> Chunks<'c, M> {
        Chunks {
            conn,
            queryset: self.clone(),
            size: size.max(1),
            left: self.spec().limit,
            cursor: None,
            done: false,
        }
    }
}

impl<M: Model> Iterator for Chunks<'_, M> {
    type Item = Result<Vec<M>>;

    fn next(&mut self) -> Option<Result<Vec<M>>> {
        if self.done {
            return None;
        }
        if self.queryset.spec().offset.is_some_and(|n| n > 0) {
            self.done = true;
            return Some(Err(Error::InvalidValue {
                field: "offset".to_owned(),
                message: "chunks start after a row: leave out the offset".to_owned(),
            }));
        }
        let size = match self.left {
            Some(left) if left <= 0 => return None,
            Some(left) => left.min(self.size),
            None => self.size,
        };
        match page_after(self.conn, self.queryset.clone(), size, self.cursor.take()) {
            Ok(page) => {
                self.cursor = page.next;
                self.done = self.cursor.is_none();
                if let Some(left) = &mut self.left {
                    *left -= page.objects.len() as i64;
                }
                if page.objects.is_empty() {
                    None
                } else {
                    Some(Ok(page.objects))
                }
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }
}
