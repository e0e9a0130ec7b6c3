//! Django's model signals: functions connected to a model, called when its
//! objects are saved or deleted and when its many-to-many links change.
//!
//! - `pre_save` and `post_save`: by [`Model::save`] (and `insert`), so by
//!   forms and the admin, inside one transaction with the write: an error
//!   from a handler undoes the save.
//! - `pre_delete` and `post_delete`: for every object deleted by
//!   [`Model::delete`] or [`QuerySet::delete`](crate::QuerySet::delete),
//!   those the cascade reaches included, inside the delete's transaction.
//! - `m2m_changed`: by the many-to-many managers and the admin's forms,
//!   before and after links are added, removed or cleared.
//!
//! As in Django, `bulk_create`, `bulk_update`, `QuerySet::update` and
//! upserts send none. Handlers are connected once, at start-up, and hold
//! for the whole process; work that must wait for the commit goes through
//! [`on_commit`](crate::db::on_commit).
//!
//! ```
//! # fn main() -> orm_core::Result<()> {
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use orm_core::prelude::*;
//! use orm_core::signals;
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(app_label = "docs_signals")]
//! pub struct Note {
//!     pub id: i64,
//!     #[field(max_length = 50)]
//!     pub text: String,
//! }
//!
//! static CREATED: AtomicUsize = AtomicUsize::new(0);
//! signals::pre_save::<Note>(|_conn, note| {
//!     note.text = note.text.trim().to_owned();
//!     Ok(())
//! });
//! signals::post_save::<Note>(|_conn, _note, created| {
//!     if created {
//!         CREATED.fetch_add(1, Ordering::Relaxed);
//!     }
//!     Ok(())
//! });
//!
//! let db = Db::open("sqlite://:memory:")?;
//! let mut conn = db.conn()?;
//! orm_core::create_tables(&mut conn, &[Note::schema()])?;
//! let mut note = Note { id: 0, text: "  hello ".into() };
//! note.save(&mut conn)?;
//! assert_eq!((note.text.as_str(), CREATED.load(Ordering::Relaxed)), ("hello", 1));
//! # Ok(()) }
//! ```

pub(crate) mod dispatch;

use std::sync::Arc;

use crate::db::AnyConnection;
use crate::error::{Error, Result};
use crate::model::Model;

pub use dispatch::{any_connected, M2mAction, M2mChanged};
use dispatch::{connect, Handler, When};

fn typed<M: Model>(
    handler: impl Fn(&mut AnyConnection, &mut M, bool) -> Result<()> + Send + Sync + 'static,
) -> Handler {
    Arc::new(move |conn, object, flag| match object.downcast_mut::<M>() {
        Some(object) => handler(conn, object, flag),
        None => Err(Error::Internal(format!(
            "a signal of {} was sent with another model's object",
            M::LABEL
        ))),
    })
}

/// Calls `handler` before an object of `M` is saved, with the object,
/// which it may change (Django's `pre_save`).
pub fn pre_save<M: Model>(
    handler: impl Fn(&mut AnyConnection, &mut M) -> Result<()> + Send + Sync + 'static,
) {
    connect(
        M::LABEL,
        When::PreSave,
        typed::<M>(move |conn, object, _| handler(conn, object)),
    );
}

/// Calls `handler` after an object of `M` is saved, with whether it was
/// created (Django's `post_save`).
pub fn post_save<M: Model>(
    handler: impl Fn(&mut AnyConnection, &M, bool) -> Result<()> + Send + Sync + 'static,
) {
    connect(
        M::LABEL,
        When::PostSave,
        typed::<M>(move |conn, object, created| handler(conn, object, created)),
    );
}

/// Calls `handler` before an object of `M` is deleted, the cascade's
/// included (Django's `pre_delete`).
pub fn pre_delete<M: Model>(
    handler: impl Fn(&mut AnyConnection, &M) -> Result<()> + Send + Sync + 'static,
) {
    connect(
        M::LABEL,
        When::PreDelete,
        typed::<M>(move |conn, object, _| handler(conn, object)),
    );
}

/// Calls `handler` after an object of `M` is deleted (Django's
/// `post_delete`); the object still has its primary key.
pub fn post_delete<M: Model>(
    handler: impl Fn(&mut AnyConnection, &M) -> Result<()> + Send + Sync + 'static,
) {
    connect(
        M::LABEL,
        When::PostDelete,
        typed::<M>(move |conn, object, _| handler(conn, object)),
    );
}

/// Calls `handler` when the many-to-many links of an object of `M` (the
/// model holding the field) change (Django's `m2m_changed`).
pub fn m2m_changed<M: Model>(
    handler: impl Fn(&mut AnyConnection, &M2mChanged) -> Result<()> + Send + Sync + 'static,
) {
    let handler: Handler =
        Arc::new(
            move |conn, change, _| match change.downcast_mut::<M2mChanged>() {
                Some(change) => handler(conn, change),
                None => Err(Error::Internal(
                    "m2m_changed sent without its change".to_owned(),
                )),
            },
        );
    connect(M::LABEL, When::M2mChanged, handler);
}
