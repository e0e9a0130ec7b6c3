//! `get_or_create` and `update_or_create`: one row found by a query, or
//! made when there is none, safe against a concurrent insert of the same
//! row (the unique constraint that refuses the second insert sends the
//! loser back to read the winner's row), as in Django.

use super::queryset::QuerySet;
use crate::db::{atomic, AnyConnection};
use crate::error::{Error, Result};
use crate::model::Model;

impl<M: Model> QuerySet<M> {
    /// The one row this query matches, or `create()` saved as a new row;
    /// `true` when it was created. The new object should match the query
    /// (Django copies the lookups into it; here the caller builds it).
    ///
    /// When another connection inserts the same row in between, the
    /// unique constraint refuses this insert (inside a savepoint, so an
    /// enclosing transaction goes on) and the other row is returned.
    /// [`Error::MultipleReturned`] when several rows match.
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Tag {
    ///     pub id: i64,
    ///     #[field(max_length = 50, unique)]
    ///     pub name: String,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Tag::schema()])?;
    /// let new = || Tag { id: 0, name: "rust".into() };
    /// let (tag, created) = Tag::objects()
    ///     .filter(Tag::NAME.eq("rust"))
    ///     .get_or_create(&mut conn, new)?;
    /// assert!(created);
    /// let (again, created) = Tag::objects()
    ///     .filter(Tag::NAME.eq("rust"))
    ///     .get_or_create(&mut conn, new)?;
    /// assert!(!created);
    /// assert_eq!(again.id, tag.id);
    /// # Ok(()) }
    /// ```
    pub fn get_or_create(
        &self,
        conn: &mut AnyConnection,
        create: impl FnOnce() -> M,
    ) -> Result<(M, bool)> {
        match self.get(conn) {
            Err(Error::NotFound { .. }) => {}
            found => return found.map(|row| (row, false)),
        }
        let mut object = create();
        match atomic(conn, |conn| object.save(conn)) {
            Ok(()) => Ok((object, true)),
            Err(error @ Error::UniqueViolation { .. }) => match self.get(conn) {
                Ok(row) => Ok((row, false)),
                // Refused for another row than the one the query names.
                Err(Error::NotFound { .. }) => Err(error),
                Err(other) => Err(other),
            },
            Err(other) => Err(other),
        }
    }

    /// The one row this query matches, changed by `update` and saved; or
    /// `create()` saved as a new row when there is none (`true`), in one
    /// transaction. On SQLite that transaction holds the write lock from
    /// its start; on PostgreSQL and MySQL the row is not locked while it
    /// is read (there is no `select_for_update` yet), so two connections
    /// updating the same row at once may each save over the other's
    /// change, as with [`save`](Model::save).
    ///
    /// ```
    /// # fn main() -> orm_core::Result<()> {
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// #[model(app_label = "docs")]
    /// pub struct Counter {
    ///     pub id: i64,
    ///     #[field(max_length = 50, unique)]
    ///     pub name: String,
    ///     pub hits: i64,
    /// }
    ///
    /// let db = Db::open("sqlite://:memory:")?;
    /// let mut conn = db.conn()?;
    /// orm_core::create_tables(&mut conn, &[Counter::schema()])?;
    /// let home = Counter::objects().filter(Counter::NAME.eq("home"));
    /// for _ in 0..3 {
    ///     home.update_or_create(
    ///         &mut conn,
    ///         |counter| counter.hits += 1,
    ///         || Counter { id: 0, name: "home".into(), hits: 1 },
    ///     )?;
    /// }
    /// assert_eq!(home.get(&mut conn)?.hits, 3);
    /// # Ok(()) }
    /// ```
    pub fn update_or_create(
        &self,
        conn: &mut AnyConnection,
        update: impl FnOnce(&mut M),
        create: impl FnOnce() -> M,
    ) -> Result<(M, bool)> {
        // The row is locked from the read to the commit: two concurrent
        // calls update it one after the other, not both from the same state.
        let locked = &self.clone().select_for_update(super::Lock::Wait);
        let mut update = Some(update);
        let mut create = Some(create);
        let outcome = atomic(conn, |conn| match locked.get(conn) {
            Ok(mut row) => {
                if let Some(update) = update.take() {
                    update(&mut row);
                }
                row.save(conn)?;
                Ok(Some((row, false)))
            }
            Err(Error::NotFound { .. }) => {
                let Some(create) = create.take() else {
                    return Ok(None);
                };
                let mut object = create();
                object.save(conn)?;
                Ok(Some((object, true)))
            }
            Err(other) => Err(other),
        });
        match outcome {
            Ok(Some(done)) => Ok(done),
            // Never: the transaction runs its work once.
            Ok(None) => Err(Error::Internal("update_or_create ran twice".into())),
            // Inserted by another connection meanwhile: update that row.
            Err(Error::UniqueViolation { .. }) if update.is_some() => {
                let update = update.take();
                atomic(conn, |conn| {
                    let mut row = locked.get(conn)?;
                    if let Some(update) = update {
                        update(&mut row);
                    }
                    row.save(conn)?;
                    Ok((row, false))
                })
            }
            Err(other) => Err(other),
        }
    }
}
