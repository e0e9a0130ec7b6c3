//! Setting another user's password (Django's `UserAdmin` password form):
//! `/auth/user/{id}/password/`, for staff who may change users (a
//! superuser's only for superusers).

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use orm_contrib::auth::password::amake_password;
use orm_contrib::auth::validators::{password_help_texts, validate_password};
use orm_contrib::auth::User;
use orm_core::Model;

use crate::context::Staff;
use crate::error::AdminError;
use crate::form::FormData;
use crate::messages::{self, Level};
use crate::site::AdminModel;
use crate::templates::{render, Crumb, SimpleField, UserPasswordTemplate};

fn fields() -> Vec<SimpleField> {
    [("password1", "Password"), ("password2", "Password (again)")]
        .into_iter()
        .map(|(name, label)| SimpleField {
            name,
            label,
            errors: Vec::new(),
        })
        .collect()
}

async fn load(staff: &Staff, id: &str) -> Result<(AdminModel, User), AdminError> {
    let model = staff.model("auth", "user")?;
    staff.require(&model, |p| p.change)?;
    let missing = || {
        AdminError::NotFound(format!(
            "User with ID “{id}” doesn’t exist. Perhaps it was deleted?"
        ))
    };
    let pk: i64 = id.parse().map_err(|_| missing())?;
    let user = staff
        .admin
        .db
        .run(move |conn| User::objects().filter(User::ID.eq(pk)).first(conn))
        .await?
        .ok_or_else(missing)?;
    // Only a superuser may set a superuser's password.
    if user.is_superuser && !staff.user.is_superuser {
        return Err(AdminError::Forbidden);
    }
    Ok((model, user))
}

async fn page(
    staff: &Staff,
    model: &AdminModel,
    user: &User,
    fields: Vec<SimpleField>,
) -> Result<Response, AdminError> {
    let change_url = format!("{}{}/change/", staff.model_url(model), user.id);
    let crumbs = vec![
        Crumb::link("Home", format!("{}/", staff.base)),
        Crumb::link("Auth", format!("{}/auth/", staff.base)),
        Crumb::link("Users", staff.model_url(model)),
        Crumb::link(user.username.clone(), change_url),
        Crumb::here("Change password"),
    ];
    let layout = staff
        .layout(format!("Change password: {}", user.username), crumbs)
        .await?;
    render(&UserPasswordTemplate {
        layout,
        username: user.username.clone(),
        fields,
        help_texts: password_help_texts(),
    })
}

/// `GET /auth/user/{id}/password/`.
pub(crate) async fn show(staff: Staff, Path(id): Path<String>) -> Result<Response, AdminError> {
    let (model, user) = load(&staff, &id).await?;
    page(&staff, &model, &user, fields()).await
}

/// `POST /auth/user/{id}/password/`.
pub(crate) async fn submit(
    staff: Staff,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AdminError> {
    let (model, user) = load(&staff, &id).await?;
    let (first, second) = (
        form.text("password1").to_owned(),
        form.text("password2").to_owned(),
    );
    let mut fields = fields();
    if first.is_empty() {
        fields[0].errors.push("This field is required.".into());
    }
    if first != second {
        fields[1]
            .errors
            .push("The two password fields didn’t match.".into());
    } else if !first.is_empty() {
        if let Err(problems) = validate_password(&first, Some(&user)) {
            fields[1].errors.extend(problems);
        }
    }
    if fields.iter().any(|f| !f.errors.is_empty()) {
        return page(&staff, &model, &user, fields).await;
    }
    let hash = amake_password(first)
        .await
        .map_err(|e| AdminError::Internal(e.to_string()))?;
    let (pk, user_id, username) = (user.id, staff.user.id, user.username.clone());
    let logged = model.clone();
    staff
        .admin
        .db
        .run(move |conn| {
            orm_core::atomic(conn, |conn| {
                User::store_password(conn, pk, &hash)?;
                crate::history::record(
                    conn,
                    user_id,
                    &logged,
                    &pk.to_string(),
                    &username,
                    crate::history::ActionFlag::Change,
                    "Changed password.".into(),
                )
            })
        })
        .await?;
    messages::add(
        &staff.session,
        Level::Success,
        "Password changed successfully.",
    )
    .await?;
    Ok(Redirect::to(&format!("{}{pk}/change/", staff.model_url(&model))).into_response())
}
