//! What the logged-in user may do, loaded once per request.

use orm_contrib::auth::Granted;

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

impl ModelPerms {
    /// What `granted` allows on the model `app_label.model_name` (lower
    /// case, as in URLs); change implies view, as in Django.
    pub(crate) fn of(granted: &Granted, app_label: &str, model_name: &str) -> ModelPerms {
        let has = |action: &str| granted.has(&permission(app_label, model_name, action));
        let change = has("change");
        ModelPerms {
            view: change || has("view"),
            add: has("add"),
            change,
            delete: has("delete"),
        }
    }
}

/// The permission to `action` a model: `blog.change_article`.
pub(crate) fn permission(app_label: &str, model_name: &str, action: &str) -> String {
    format!("{app_label}.{action}_{model_name}")
}
