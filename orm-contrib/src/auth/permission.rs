//! The built-in `Permission` model: one action on one model
//! (`blog.change_article`).

use orm_core::prelude::*;

/// The right to view, add, change or delete one model's rows, named
/// `app_label.codename` (`blog.change_article`).
#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(
    app_label = "auth",
    table = "auth_permission",
    ordering = ["app_label", "codename"],
    display = "{app_label} | {name}",
    unique_together(["app_label", "codename"])
)]
pub struct Permission {
    /// Row id.
    pub id: i64,
    /// A human-readable name: `Can change article`.
    #[field(max_length = 255)]
    pub name: String,
    /// The app of the model.
    #[field(max_length = 100)]
    pub app_label: String,
    /// The action and model: `change_article`.
    #[field(max_length = 100)]
    pub codename: String,
}

impl Permission {
    /// The full name used in checks: `blog.change_article`.
    pub fn label(&self) -> String {
        format!("{}.{}", self.app_label, self.codename)
    }
}
