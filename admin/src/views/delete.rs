//! Deleting one object, or the rows selected on the changelist: a
//! confirmation page listing everything the cascade removes (or the rows
//! that protect it), then the delete and its log entries.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use orm_core::deletion::{collect, delete_cascading, DeletionPlan};
use orm_core::model_admin::find_admin;
use orm_core::query::{parse_value, QuerySpec};
use orm_core::{AnyConnection, Value};

use crate::changelist::encode_pk;
use crate::context::Staff;
use crate::display::{app_title, plural_title, singular_title};
use crate::error::AdminError;
use crate::form::FormData;
use crate::history::{record, ActionFlag};
use crate::messages::{self, Level};
use crate::site::AdminModel;
use crate::templates::{render, Crumb, DeleteConfirmationTemplate, DeletedGroup};

/// Objects listed per model on the confirmation page.
const LISTED: usize = 100;

/// What the confirmation page shows, worked out on a blocking thread.
struct Preview {
    groups: Vec<DeletedGroup>,
    summary: Vec<String>,
    blockers: Vec<String>,
    /// Models the cascade reaches that the user may not delete.
    forbidden: Vec<String>,
    /// Whether it would delete a superuser, and the user is not one.
    superusers: bool,
    /// The objects asked for: `(pk, text)`.
    objects: Vec<(Value, String)>,
}

impl Preview {
    /// Whether the user may go ahead: nothing protected, nothing beyond
    /// their permissions.
    fn allowed(&self) -> bool {
        self.blockers.is_empty() && self.forbidden.is_empty() && !self.superusers
    }
}

fn preview(
    conn: &mut AnyConnection,
    model: &AdminModel,
    spec: &QuerySpec,
    may_delete: &dyn Fn(&str) -> Option<bool>,
    deleter_is_superuser: bool,
) -> orm_core::Result<Preview> {
    let pk = model.schema.pk_index();
    let objects: Vec<(Value, String)> = (model.rows)(conn, spec, &[])?
        .into_iter()
        .map(|row| (row.values.get(pk).cloned().unwrap_or(Value::Null), row.repr))
        .collect();
    let plan: DeletionPlan = collect(conn, model.ops, spec)?;
    let mut groups = Vec::new();
    let mut summary = Vec::new();
    let mut forbidden = Vec::new();
    let mut superusers = false;
    for (ops, pks) in &plan.deletions {
        let schema = (ops.schema)();
        if schema.auto_created || pks.is_empty() {
            continue;
        }
        let shown: Vec<Value> = pks.iter().take(LISTED).cloned().collect();
        let mut texts: Vec<String> = match find_admin(&schema.app_label, &schema.name) {
            Some(admin) => (admin.rows)(conn, &QuerySpec::for_pks(schema, shown), &[])?
                .into_iter()
                .map(|row| row.repr)
                .collect(),
            None => shown
                .iter()
                .map(|pk| format!("{} ({pk})", schema.name))
                .collect(),
        };
        if pks.len() > LISTED {
            texts.push(format!("… and {} more", pks.len() - LISTED));
        }
        let title = singular_title(schema);
        if may_delete(&schema.label()) == Some(false) && !forbidden.contains(&title) {
            forbidden.push(title.clone());
        }
        // Only a superuser may delete a superuser.
        superusers |= !deleter_is_superuser && crate::users::any_superuser(conn, ops, pks)?;
        summary.push(format!("{}: {}", plural_title(schema), pks.len()));
        groups.push(DeletedGroup {
            model: title,
            objects: texts,
        });
    }
    let blockers = plan
        .blockers
        .iter()
        .map(|blocker| describe(conn, blocker))
        .collect::<orm_core::Result<Vec<_>>>()?;
    Ok(Preview {
        groups,
        summary,
        blockers,
        forbidden,
        superusers,
        objects,
    })
}

/// `Article: Hello` from a blocker given as `blog.Article(5)`.
fn describe(conn: &mut AnyConnection, blocker: &str) -> orm_core::Result<String> {
    let parsed = blocker.split_once('(').and_then(|(label, rest)| {
        let (app, name) = label.split_once('.')?;
        let ops = find_admin(app, name)?;
        let schema = ops.schema();
        let pk = parse_value(schema.pk(), rest.strip_suffix(')')?).ok()?;
        Some((ops, pk))
    });
    let Some((ops, pk)) = parsed else {
        return Ok(blocker.to_owned());
    };
    let schema = ops.schema();
    let repr = (ops.rows)(conn, &QuerySpec::for_pk(schema, pk), &[])?
        .into_iter()
        .next()
        .map(|row| row.repr)
        .unwrap_or_default();
    Ok(format!("{}: {repr}", singular_title(schema)))
}

fn delete_permissions(staff: &Staff) -> impl Fn(&str) -> Option<bool> + Send + 'static {
    let known: Vec<(String, bool)> = staff
        .admin
        .models
        .iter()
        .map(|m| (m.label.clone(), m.perms(&staff.perms).delete))
        .collect();
    move |label: &str| known.iter().find(|(l, _)| l == label).map(|(_, ok)| *ok)
}

/// Deletes the rows and logs each object asked for, in one transaction.
fn execute(
    conn: &mut AnyConnection,
    model: &AdminModel,
    spec: &QuerySpec,
    objects: &[(Value, String)],
    user_id: i64,
) -> orm_core::Result<usize> {
    orm_core::atomic(conn, |conn| {
        let deleted = delete_cascading(conn, model.schema, spec)?;
        for (pk, repr) in objects {
            record(
                conn,
                user_id,
                model,
                &pk.to_string(),
                repr,
                ActionFlag::Deletion,
                String::new(),
            )?;
        }
        Ok(deleted)
    })
}

fn base_crumbs(staff: &Staff, model: &AdminModel) -> Vec<Crumb> {
    vec![
        Crumb::link("Home", format!("{}/", staff.base)),
        Crumb::link(
            app_title(&model.schema.app_label),
            format!("{}/{}/", staff.base, model.schema.app_label),
        ),
        Crumb::link(plural_title(model.schema), staff.model_url(model)),
    ]
}

fn object_spec(model: &AdminModel, id: &str) -> Result<QuerySpec, AdminError> {
    let pk = parse_value(model.schema.pk(), id).map_err(|_| not_found(model, id))?;
    Ok(QuerySpec::for_pk(model.schema, pk))
}

fn not_found(model: &AdminModel, id: &str) -> AdminError {
    AdminError::NotFound(format!(
        "{} with ID “{id}” doesn’t exist. Perhaps it was deleted?",
        singular_title(model.schema)
    ))
}

/// `GET /{app}/{model}/{id}/delete/`.
pub(crate) async fn page(
    staff: Staff,
    Path((app, model_name, id)): Path<(String, String, String)>,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    staff.require(&model, |p| p.delete)?;
    let spec = object_spec(&model, &id)?;
    let may_delete = delete_permissions(&staff);
    let superuser = staff.user.is_superuser;
    let preview = {
        let (model, spec) = (model.clone(), spec.clone());
        staff
            .admin
            .db
            .run(move |conn| preview(conn, &model, &spec, &may_delete, superuser))
            .await?
    };
    let Some((_, repr)) = preview.objects.first().cloned() else {
        return Err(not_found(&model, &id));
    };
    confirmation(&staff, &model, preview, repr, &id, Vec::new()).await
}

async fn confirmation(
    staff: &Staff,
    model: &AdminModel,
    preview: Preview,
    repr: String,
    id: &str,
    selected: Vec<String>,
) -> Result<Response, AdminError> {
    let bulk = !selected.is_empty();
    let object_url = format!("{}{}/", staff.model_url(model), encode_pk(id));
    let mut crumbs = base_crumbs(staff, model);
    if !bulk {
        crumbs.push(Crumb::link(repr.clone(), format!("{object_url}change/")));
    }
    crumbs.push(Crumb::here(if bulk {
        "Delete multiple objects"
    } else {
        "Delete"
    }));
    let layout = staff.layout("Are you sure?", crumbs).await?;
    let what = if bulk {
        format!("the selected {}", model.schema.verbose_name_plural)
    } else {
        format!("the {} “{repr}”", model.schema.verbose_name)
    };
    render(&DeleteConfirmationTemplate {
        layout,
        heading: "Are you sure?".into(),
        what,
        groups: preview.groups,
        summary: preview.summary,
        blockers: preview.blockers,
        forbidden: preview.forbidden,
        superusers: preview.superusers,
        action_url: if bulk {
            String::new()
        } else {
            format!("{object_url}delete/")
        },
        cancel_url: if bulk {
            staff.model_url(model)
        } else {
            format!("{object_url}change/")
        },
        selected,
        bulk,
    })
}

/// `POST /{app}/{model}/{id}/delete/`.
pub(crate) async fn submit(
    staff: Staff,
    Path((app, model_name, id)): Path<(String, String, String)>,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    staff.require(&model, |p| p.delete)?;
    let spec = object_spec(&model, &id)?;
    let may_delete = delete_permissions(&staff);
    let superuser = staff.user.is_superuser;
    let user_id = staff.user.id;
    let outcome = {
        let (model, spec) = (model.clone(), spec.clone());
        staff
            .admin
            .db
            .run(move |conn| {
                let preview = preview(conn, &model, &spec, &may_delete, superuser)?;
                if preview.objects.is_empty() || !preview.allowed() {
                    return Ok(Err(preview));
                }
                execute(conn, &model, &spec, &preview.objects, user_id)?;
                Ok(Ok(preview.objects))
            })
            .await?
    };
    match outcome {
        Ok(objects) => {
            let repr = objects.first().map(|(_, r)| r.clone()).unwrap_or_default();
            messages::add(
                &staff.session,
                Level::Success,
                format!(
                    "The {} “{repr}” was deleted successfully.",
                    model.schema.verbose_name
                ),
            )
            .await?;
            Ok(Redirect::to(&staff.model_url(&model)).into_response())
        }
        Err(preview) if preview.objects.is_empty() => Err(not_found(&model, &id)),
        Err(preview) => {
            let repr = preview.objects[0].1.clone();
            let mut response = confirmation(&staff, &model, preview, repr, &id, Vec::new()).await?;
            *response.status_mut() = http::StatusCode::CONFLICT;
            Ok(response)
        }
    }
}

/// The "Delete selected" action: the confirmation page, then (when the
/// form says `post=yes`) the delete.
pub(crate) async fn selected(
    staff: Staff,
    model: AdminModel,
    spec: QuerySpec,
    form: &FormData,
    back: String,
) -> Result<Response, AdminError> {
    let confirmed = form.text("post") == "yes";
    let may_delete = delete_permissions(&staff);
    let superuser = staff.user.is_superuser;
    let user_id = staff.user.id;
    let outcome = {
        let (model, spec) = (model.clone(), spec.clone());
        staff
            .admin
            .db
            .run(move |conn| {
                let preview = preview(conn, &model, &spec, &may_delete, superuser)?;
                if confirmed && preview.allowed() && !preview.objects.is_empty() {
                    execute(conn, &model, &spec, &preview.objects, user_id)?;
                    return Ok(Ok(preview.objects.len()));
                }
                Ok(Err(preview))
            })
            .await?
    };
    match outcome {
        Ok(count) => {
            let noun = if count == 1 {
                &model.schema.verbose_name
            } else {
                &model.schema.verbose_name_plural
            };
            messages::add(
                &staff.session,
                Level::Success,
                format!("Successfully deleted {count} {noun}."),
            )
            .await?;
            Ok(Redirect::to(&back).into_response())
        }
        Err(preview) if preview.objects.is_empty() => {
            messages::add(
                &staff.session,
                Level::Warning,
                "Items must be selected in order to perform actions on them. No items have been changed.",
            )
            .await?;
            Ok(Redirect::to(&back).into_response())
        }
        Err(preview) => {
            let selected = preview
                .objects
                .iter()
                .map(|(pk, _)| pk.to_string())
                .collect();
            confirmation(&staff, &model, preview, String::new(), "", selected).await
        }
    }
}
