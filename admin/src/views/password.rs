//! Changing one's own password.

use axum::response::{IntoResponse, Redirect, Response};
use http::{Extensions, HeaderMap, StatusCode};
use orm_contrib::auth::password::{acheck_password, amake_password};
use orm_contrib::auth::validators::{password_help_texts, validate_password};
use orm_contrib::auth::User;

use crate::context::Staff;
use crate::error::AdminError;
use crate::form::FormData;
use crate::login_throttle::Verdict;
use crate::templates::{
    render, Crumb, PasswordChangeDoneTemplate, PasswordChangeTemplate, SimpleField,
};
use orm_contrib::auth::session as session_auth;

fn crumbs(staff: &Staff) -> Vec<Crumb> {
    vec![
        Crumb::link("Home", format!("{}/", staff.base)),
        Crumb::here("Password change"),
    ]
}

fn empty_fields() -> Vec<SimpleField> {
    [
        ("old_password", "Old password"),
        ("new_password1", "New password"),
        ("new_password2", "New password confirmation"),
    ]
    .into_iter()
    .map(|(name, label)| SimpleField {
        name,
        label,
        errors: Vec::new(),
    })
    .collect()
}

/// `GET /password_change/`.
pub(crate) async fn page(staff: Staff) -> Result<Response, AdminError> {
    let layout = staff.layout("Password change", crumbs(&staff)).await?;
    render(&PasswordChangeTemplate {
        layout,
        fields: empty_fields(),
        help_texts: password_help_texts(),
    })
}

/// `POST /password_change/`. The old password is a password guess like a
/// login's, throttled the same way (see [`crate::login_throttle`]).
pub(crate) async fn submit(
    staff: Staff,
    extensions: Extensions,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AdminError> {
    let old = form.text("old_password").to_owned();
    let new1 = form.text("new_password1").to_owned();
    let new2 = form.text("new_password2").to_owned();
    let mut fields = empty_fields();
    let throttle = &staff.admin.throttle;
    let username = staff.user.username.clone();
    let address = staff.admin.client_info(&extensions, &headers).address;
    let old_is_right = match throttle.verdict(&username, address) {
        Verdict::Refuse => {
            fields[0].errors.push(
                "Too many wrong old passwords. Please wait a few minutes and try again.".into(),
            );
            let layout = staff.layout("Password change", crumbs(&staff)).await?;
            let mut response = render(&PasswordChangeTemplate {
                layout,
                fields,
                help_texts: password_help_texts(),
            })?;
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            return Ok(response);
        }
        Verdict::Try { wait } => {
            tokio::time::sleep(wait).await;
            acheck_password(old, staff.user.password.clone()).await
        }
    };
    if old_is_right {
        throttle.succeeded(&username, address);
    } else {
        throttle.failed(&username, address);
    }
    let mut fail = |index: usize, message: String| fields[index].errors.push(message);
    if !old_is_right {
        fail(
            0,
            "Your old password was entered incorrectly. Please enter it again.".into(),
        );
    }
    if new1.is_empty() {
        fail(1, "This field is required.".into());
    }
    if new1 != new2 {
        fail(2, "The two password fields didn’t match.".into());
    } else if !new1.is_empty() {
        if let Err(problems) = validate_password(&new1, Some(&staff.user)) {
            for problem in problems {
                fail(2, problem);
            }
        }
    }
    if fields.iter().any(|f| !f.errors.is_empty()) {
        let layout = staff.layout("Password change", crumbs(&staff)).await?;
        return render(&PasswordChangeTemplate {
            layout,
            fields,
            help_texts: password_help_texts(),
        });
    }
    let hash = amake_password(new1)
        .await
        .map_err(|e| AdminError::Internal(e.to_string()))?;
    let mut user = staff.user.clone();
    user.password = hash.clone();
    let id = user.id;
    staff
        .admin
        .db
        .run(move |conn| User::store_password(conn, id, &hash))
        .await?;
    session_auth::update_hash(&staff.session, &staff.admin.secret_key, &user).await?;
    Ok(Redirect::to(&format!("{}/password_change/done/", staff.base)).into_response())
}

/// `GET /password_change/done/`.
pub(crate) async fn done(staff: Staff) -> Result<Response, AdminError> {
    let layout = staff
        .layout("Password change successful", crumbs(&staff))
        .await?;
    render(&PasswordChangeDoneTemplate { layout })
}
