//! The handlers connected to each model, their types erased: what the
//! writes (`save`, the delete collector, the many-to-many managers) call,
//! without knowing the models' Rust types. The typed connecting functions
//! are in the parent module.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::db::AnyConnection;
use crate::error::Result;

/// A handler of one model's objects, their type erased; the flag is
/// `created` for `post_save`.
pub(crate) type Handler =
    Arc<dyn Fn(&mut AnyConnection, &mut dyn Any, bool) -> Result<()> + Send + Sync>;

/// When a handler is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum When {
    PreSave,
    PostSave,
    PreDelete,
    PostDelete,
    M2mChanged,
}

/// The handlers, by model label and signal.
type Handlers = RwLock<HashMap<(String, When), Vec<Handler>>>;

fn handlers() -> &'static Handlers {
    static HANDLERS: std::sync::OnceLock<Handlers> = std::sync::OnceLock::new();
    HANDLERS.get_or_init(RwLock::default)
}

/// Adds `handler` to the model labelled `label` for `when`.
pub(crate) fn connect(label: &str, when: When, handler: Handler) {
    if let Ok(mut handlers) = handlers().write() {
        handlers
            .entry((label.to_owned(), when))
            .or_default()
            .push(handler);
    }
}

/// The handlers of `label` for `when` (cloned: a handler may connect
/// others).
fn connected(label: &str, when: When) -> Vec<Handler> {
    handlers()
        .read()
        .ok()
        .and_then(|handlers| handlers.get(&(label.to_owned(), when)).cloned())
        .unwrap_or_default()
}

/// Whether any handler is connected to the model labelled `label`: its
/// writes then take the slower way that calls them.
pub fn any_connected(label: &str) -> bool {
    handlers()
        .read()
        .map(|handlers| handlers.keys().any(|(l, _)| l == label))
        .unwrap_or(false)
}

/// Calls the handlers of `label` for `when` on `object`.
pub(crate) fn send(
    conn: &mut AnyConnection,
    label: &str,
    when: When,
    object: &mut dyn Any,
    flag: bool,
) -> Result<()> {
    for handler in connected(label, when) {
        handler(conn, object, flag)?;
    }
    Ok(())
}

/// Whether a delete of the model labelled `label` has handlers to call.
pub(crate) fn deletes_observed(label: &str) -> bool {
    !connected(label, When::PreDelete).is_empty() || !connected(label, When::PostDelete).is_empty()
}

/// What happened to the links of a many-to-many field: Django's
/// `m2m_changed` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct M2mChanged {
    /// The field's name on the model holding it.
    pub field: String,
    /// Before or after, and what.
    pub action: M2mAction,
    /// The primary key of the object holding the field.
    pub owner: i64,
    /// The primary keys of the related objects added or removed (empty
    /// for a clear).
    pub targets: Vec<i64>,
}

/// Django's `action` of `m2m_changed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum M2mAction {
    /// Before links are added.
    PreAdd,
    /// After links were added.
    PostAdd,
    /// Before links are removed.
    PreRemove,
    /// After links were removed.
    PostRemove,
    /// Before every link is removed.
    PreClear,
    /// After every link was removed.
    PostClear,
}

/// `m2m_changed` on the model labelled `label`.
pub(crate) fn send_m2m_changed(
    conn: &mut AnyConnection,
    label: &str,
    mut change: M2mChanged,
) -> Result<()> {
    send(conn, label, When::M2mChanged, &mut change, false)
}
