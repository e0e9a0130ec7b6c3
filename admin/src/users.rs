//! What the user forms add to the generic add and change forms (Django's
//! `UserAdmin`, made stricter):
//!
//! - the username goes through [`orm_contrib::auth::username::clean_username`],
//!   as `createsuperuser`'s does: NFKC, letters, digits and `@ . + - _`,
//!   and no name that differs from another user's only in case;
//! - only superusers may change anyone's rights (`is_superuser`,
//!   `is_staff`, `groups`, `user_permissions`): for other staff those
//!   fields are read-only, and whatever is posted for them is ignored;
//! - only superusers may change a superuser at all (any field, or the
//!   password), or delete one.

use orm_contrib::auth::username::{clean_username, UsernameError};
use orm_contrib::auth::User;
use orm_core::model::ModelOps;
use orm_core::{AnyConnection, Model, Value};

use crate::display::field_label;
use crate::form::{Bound, Spec};
use crate::site::AdminModel;

/// The fields that give a user rights: only superusers may set them.
const RIGHTS: [&str; 4] = ["is_superuser", "is_staff", "groups", "user_permissions"];

/// Whether `model` is the built-in user model.
pub(crate) fn is_user_model(model: &AdminModel) -> bool {
    std::ptr::eq(model.schema, User::schema())
}

/// Makes the rights fields read-only unless the editor is a superuser.
pub(crate) fn restrict_rights(model: &AdminModel, specs: &mut [Spec], editor_is_superuser: bool) {
    if editor_is_superuser || !is_user_model(model) {
        return;
    }
    for spec in specs.iter_mut().filter(|s| RIGHTS.contains(&s.name)) {
        spec.readonly = true;
    }
}

/// Whether an editor who is not a superuser must leave this object alone:
/// it is a user who is a superuser (`values` is its row).
pub(crate) fn out_of_reach(
    model: &AdminModel,
    values: &[Value],
    editor_is_superuser: bool,
) -> bool {
    if editor_is_superuser || !is_user_model(model) {
        return false;
    }
    model
        .schema
        .field_index("is_superuser")
        .and_then(|i| values.get(i))
        .is_some_and(|v| *v == Value::Bool(true))
}

/// Whether any of the rows `pks` of the model `ops` is a superuser (always
/// `false` for models other than the user model).
pub(crate) fn any_superuser(
    conn: &mut AnyConnection,
    ops: &ModelOps,
    pks: &[Value],
) -> orm_core::Result<bool> {
    if !std::ptr::eq((ops.schema)(), User::schema()) {
        return Ok(false);
    }
    let ids: Vec<i64> = pks.iter().filter_map(Value::as_i64).collect();
    User::objects()
        .filter(User::ID.is_in(ids) & User::IS_SUPERUSER.eq(true))
        .exists(conn)
}

/// Checks the submitted username (when the form edits it and it parsed)
/// and stores it normalised; an error beside the field otherwise. `pk` is
/// the user being changed, `base` its saved values.
pub(crate) fn check_username(
    conn: &mut AnyConnection,
    model: &AdminModel,
    specs: &[Spec],
    pk: Option<&Value>,
    base: &[Value],
    bound: &mut Bound,
) -> orm_core::Result<()> {
    const NAME: &str = "username";
    if !is_user_model(model)
        || !specs.iter().any(|s| s.name == NAME && !s.readonly)
        || bound.state.errors.contains_key(NAME)
    {
        return Ok(());
    }
    let Some(index) = model.schema.field_index(NAME) else {
        return Ok(());
    };
    let Value::Text(typed) = &bound.values[index] else {
        return Ok(());
    };
    let except = pk.and_then(Value::as_i64);
    match clean_username(conn, typed, except) {
        Ok(normalized) => {
            let normalized = Value::Text(normalized);
            if base.get(index) == Some(&normalized) {
                let label = field_label(&model.schema.fields[index]).to_lowercase();
                bound.changed.retain(|changed| *changed != label);
            }
            bound.values[index] = normalized;
        }
        Err(UsernameError::Database(error)) => return Err(error),
        Err(refused) => bound.state.error(Some(NAME), refused.to_string()),
    }
    Ok(())
}
