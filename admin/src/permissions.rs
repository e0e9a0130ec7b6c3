//! What the logged-in user may do, loaded once per request.

use std::collections::BTreeSet;

use crate::site::AdminModel;

/// The user's permissions: every one (superusers) or a set of labels such
/// as `blog.change_article`.
#[derive(Debug, Clone)]
pub(crate) enum Perms {
    All,
    Some(BTreeSet<String>),
}

/// What the user may do with one model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ModelPerms {
    pub(crate) view: bool,
    pub(crate) add: bool,
    pub(crate) change: bool,
    pub(crate) delete: bool,
}

impl ModelPerms {
    /// Any permission at all: the model is listed.
    pub(crate) fn any(self) -> bool {
        self.view || self.add || self.change || self.delete
    }
}

impl Perms {
    fn has(&self, permission: &str) -> bool {
        match self {
            Perms::All => true,
            Perms::Some(set) => set.contains(permission),
        }
    }

    /// The user's permissions on `model`; change implies view, as in Django.
    pub(crate) fn on(&self, model: &AdminModel) -> ModelPerms {
        let change = self.has(&model.permission("change"));
        ModelPerms {
            view: change || self.has(&model.permission("view")),
            add: self.has(&model.permission("add")),
            change,
            delete: self.has(&model.permission("delete")),
        }
    }
}
