//! The built-in `Group` model: a named set of permissions users share.

use orm_core::prelude::*;

use super::Permission;

/// A named set of permissions; users in the group have them all.
#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(
    app_label = "auth",
    table = "auth_group",
    ordering = ["name"],
    display = "{name}"
)]
#[admin(search_fields = ["name"])]
pub struct Group {
    /// Row id.
    pub id: i64,
    /// The group's name.
    #[field(max_length = 150, unique)]
    pub name: String,
    /// What members may do.
    #[field(blank)]
    pub permissions: ManyToMany<Permission>,
}

impl Group {
    /// A new, unsaved group.
    pub fn new(name: impl Into<String>) -> Group {
        Group {
            id: 0,
            name: name.into(),
            permissions: ManyToMany::new(),
        }
    }
}
