//! Permissions: the four default ones of every model, created by `migrate`
//! (Django's post-migrate step), and checks through direct and group
//! permissions.

use std::collections::BTreeSet;

use orm_core::db::AnyConnection;
use orm_core::model::{registered_models, Model};
use orm_core::schema::ModelSchema;
use orm_core::Result;

use super::{Permission, User};

/// The actions every model gets a permission for.
pub const DEFAULT_ACTIONS: [&str; 4] = ["add", "change", "delete", "view"];

/// A model's default permissions as `(codename, name)`:
/// `("change_article", "Can change article")`.
pub fn default_permissions(schema: &ModelSchema) -> Vec<(String, String)> {
    DEFAULT_ACTIONS
        .iter()
        .map(|action| {
            (
                format!("{action}_{}", schema.model_name()),
                format!("Can {action} {}", schema.verbose_name),
            )
        })
        .collect()
}

/// Creates the default permissions of every registered model that lack
/// them (join models and the migration recorder excepted). Returns how many
/// were created.
pub fn create_permissions(conn: &mut AnyConnection) -> Result<usize> {
    let existing: BTreeSet<String> = Permission::objects()
        .all(conn)?
        .iter()
        .map(Permission::label)
        .collect();
    let mut created = 0;
    for model in registered_models() {
        let schema = (model.schema)();
        if schema.auto_created || schema.app_label == "migrations" {
            continue;
        }
        for (codename, name) in default_permissions(schema) {
            if existing.contains(&format!("{}.{codename}", schema.app_label)) {
                continue;
            }
            let mut permission = Permission {
                id: 0,
                name,
                app_label: schema.app_label.to_string(),
                codename,
            };
            match permission.save(conn) {
                Ok(()) => created += 1,
                // Another process (a concurrent migrate) created it first.
                Err(orm_core::Error::UniqueViolation { .. }) => {}
                Err(other) => return Err(other),
            }
        }
    }
    Ok(created)
}

/// `migrate`'s step after migrating (Django's post-migrate signal): the
/// default permissions of every model, once the permission table exists.
pub(crate) fn post_migrate(conn: &mut AnyConnection) -> Result<()> {
    if Permission::objects().count(conn).is_ok() {
        create_permissions(conn)?;
    }
    Ok(())
}

impl User {
    /// Every permission the user has, as `app_label.codename`: direct ones
    /// and those of their groups; all of them for an active superuser; none
    /// for an inactive user. One query.
    pub fn get_all_permissions(&self, conn: &mut AnyConnection) -> Result<BTreeSet<String>> {
        if !self.is_active {
            return Ok(BTreeSet::new());
        }
        if self.is_superuser {
            return Ok(Permission::objects()
                .all(conn)?
                .iter()
                .map(Permission::label)
                .collect());
        }
        super::access::held_permissions(conn, self.id)
    }

    /// Whether the user may do `permission` (`blog.change_article`).
    pub fn has_perm(&self, conn: &mut AnyConnection, permission: &str) -> Result<bool> {
        if !self.is_active {
            return Ok(false);
        }
        if self.is_superuser {
            return Ok(true);
        }
        Ok(self.get_all_permissions(conn)?.contains(permission))
    }

    /// Whether the user has any permission in `app_label` (shows the app on
    /// the admin index).
    pub fn has_module_perms(&self, conn: &mut AnyConnection, app_label: &str) -> Result<bool> {
        if !self.is_active {
            return Ok(false);
        }
        if self.is_superuser {
            return Ok(true);
        }
        let prefix = format!("{app_label}.");
        Ok(self
            .get_all_permissions(conn)?
            .iter()
            .any(|p| p.starts_with(&prefix)))
    }
}
