//! The add and change forms: show, validate, save, log, redirect.

use std::collections::HashMap;

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use orm_contrib::auth::User;
use orm_core::query::{parse_value, QuerySpec};
use orm_core::{AnyConnection, Error, Value};

use crate::changelist::encode_pk;
use crate::context::Staff;
use crate::display::{app_title, field_label, plural_title, singular_title};
use crate::error::AdminError;
use crate::form::{self, Bound, FormData, FormPage, FormState, Spec, Target};
use crate::history::{change_message, record, ActionFlag};
use crate::messages::{self, Level};
use crate::site::AdminModel;
use crate::templates::{render, ChangeFormTemplate, Crumb};
use crate::users;
use orm_core::fields::ManyToManyOps as ManyToManyField;

type Selections = HashMap<&'static str, Vec<String>>;

/// The object's values, text and many-to-many selections, if it exists.
fn load(
    conn: &mut AnyConnection,
    model: &AdminModel,
    specs: &[Spec],
    pk: &Value,
) -> orm_core::Result<Option<(Vec<Value>, String, Selections)>> {
    let Some(row) = (model.rows)(conn, &QuerySpec::for_pk(model.schema, pk.clone()), &[])?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let mut selected = HashMap::new();
    for spec in specs {
        if let Target::ManyToMany(m) = spec.target {
            if let Some(field) =
                ManyToManyField::resolve(model.schema, &model.schema.many_to_many[m])
            {
                selected.insert(
                    spec.name,
                    field
                        .linked(conn, pk)?
                        .iter()
                        .map(Value::to_string)
                        .collect(),
                );
            }
        }
    }
    Ok(Some((row.values, row.repr, selected)))
}

/// The form's fields for this editor: [`form::specs`], with the user
/// model's rights read-only for staff who are not superusers.
fn specs_for(staff: &Staff, model: &AdminModel, view_only: bool) -> Vec<Spec> {
    let mut specs = form::specs(model, view_only);
    users::restrict_rights(model, &mut specs, staff.user.is_superuser);
    specs
}

fn parse_pk(model: &AdminModel, id: &str) -> Result<Value, AdminError> {
    parse_value(model.schema.pk(), id).map_err(|_| gone(model, id))
}

fn gone(model: &AdminModel, id: &str) -> AdminError {
    AdminError::NotFound(format!(
        "{} with ID “{id}” doesn’t exist. Perhaps it was deleted?",
        singular_title(model.schema)
    ))
}

/// What the page around the form needs besides the fields.
struct Frame {
    adding: bool,
    can_save: bool,
    can_add: bool,
    can_delete: bool,
    pk: Option<String>,
    repr: Option<String>,
    /// Where the form posts, when not to its own page: a copy ("Save as
    /// new") shown again with its messages goes on to the add page.
    action: Option<String>,
    /// The object's page on the site (`view_on_site`).
    site_link: Option<String>,
}

async fn show(
    staff: &Staff,
    model: &AdminModel,
    specs: Vec<Spec>,
    state: FormState,
    frame: Frame,
) -> Result<Response, AdminError> {
    let autocomplete_url = format!("{}/autocomplete/", staff.base);
    let lookup_urls: Vec<(String, String)> = staff
        .admin
        .models
        .iter()
        .filter(|m| m.perms(&staff.perms).view)
        .map(|m| (m.label.clone(), staff.model_url(m)))
        .collect();
    let fields = {
        let (model, state) = (model.clone(), state.clone());
        staff
            .admin
            .db
            .run(move |conn| {
                let lookup = |label: &str| {
                    lookup_urls
                        .iter()
                        .find(|(l, _)| l == label)
                        .map(|(_, url)| url.clone())
                };
                form::fields(conn, &model, &specs, &state, &autocomplete_url, &lookup)
            })
            .await?
    };
    let model_url = staff.model_url(model);
    let name = singular_title(model.schema);
    let heading = match (frame.adding, frame.can_save) {
        (true, _) => format!("Add {}", model.schema.verbose_name),
        (false, true) => format!("Change {}", model.schema.verbose_name),
        (false, false) => format!("View {}", model.schema.verbose_name),
    };
    let object_url = frame
        .pk
        .as_ref()
        .map(|pk| format!("{model_url}{}/", encode_pk(pk)));
    let mut crumbs = vec![
        Crumb::link("Home", format!("{}/", staff.base)),
        Crumb::link(
            app_title(&model.schema.app_label),
            format!("{}/{}/", staff.base, model.schema.app_label),
        ),
        Crumb::link(plural_title(model.schema), model_url.clone()),
    ];
    crumbs.push(Crumb::here(match &frame.repr {
        Some(repr) => repr.clone(),
        None => format!("Add {}", model.schema.verbose_name),
    }));
    let title = match &frame.repr {
        Some(repr) => format!("{repr} | {heading}"),
        None => heading.clone(),
    };
    let _ = name;
    let layout = staff.layout(title, crumbs).await?;
    let page = FormPage {
        heading,
        repr: frame.repr,
        error_count: state.error_count(),
        non_field_errors: state.non_field.clone(),
        sections: form::sections(model, fields),
        can_save: frame.can_save,
        // With `save_as`, a change form offers "Save as new" in its place.
        can_add_another: frame.can_add && (frame.adding || !model.options.save_as),
        can_save_as_new: model.options.save_as && !frame.adding && frame.can_save && frame.can_add,
        action: frame.action,
        site_link: frame.site_link,
        delete_url: object_url
            .as_ref()
            .filter(|_| frame.can_delete)
            .map(|url| format!("{url}delete/")),
        password_url: object_url
            .as_ref()
            .filter(|_| model.label == "auth.User" && frame.can_save)
            .map(|url| format!("{url}password/")),
        history_url: object_url.map(|url| format!("{url}history/")),
        multipart: model
            .schema
            .fields
            .iter()
            .any(|f| f.kind.is_upload() && f.editable),
        version: state.version.clone(),
        changelist_url: model_url,
    };
    render(&ChangeFormTemplate { layout, form: page })
}

/// `GET /{app}/{model}/add/`.
pub(crate) async fn add_page(
    staff: Staff,
    Path((app, model_name)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    let perms = staff.require(&model, |p| p.add)?;
    let specs = specs_for(&staff, &model, false);
    let initial = model.schema.initial_values();
    let mut state = FormState::from_values(&model, &specs, &initial, HashMap::new());
    state.clear_readonly(&specs);
    state.clear_unchosen(&model, &specs);
    let frame = Frame {
        adding: true,
        can_save: true,
        can_add: perms.add,
        can_delete: false,
        pk: None,
        repr: None,
        action: None,
        site_link: None,
    };
    show(&staff, &model, specs, state, frame).await
}

/// `GET /{app}/{model}/{id}/change/` (read-only without the change
/// permission).
pub(crate) async fn change_page(
    staff: Staff,
    Path((app, model_name, id)): Path<(String, String, String)>,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    let perms = staff.require(&model, |p| p.view)?;
    let pk = parse_pk(&model, &id)?;
    let mut specs = specs_for(&staff, &model, !perms.change);
    let loaded = {
        let (model, specs, pk) = (model.clone(), specs.clone(), pk.clone());
        staff
            .admin
            .db
            .run(move |conn| load(conn, &model, &specs, &pk))
            .await?
    };
    let Some((values, repr, selected)) = loaded else {
        return Err(gone(&model, &id));
    };
    // A superuser's record is only shown to staff who are not superusers.
    let can_save = perms.change && !users::out_of_reach(&model, &values, staff.user.is_superuser);
    if !can_save {
        specs = specs_for(&staff, &model, true);
    }
    let mut state = FormState::from_values(&model, &specs, &values, selected);
    state.version = Some(form::version_of(&values));
    let frame = Frame {
        adding: false,
        can_save,
        can_add: perms.add,
        can_delete: perms.delete,
        pk: Some(pk.to_string()),
        repr: Some(repr),
        action: None,
        site_link: model
            .options
            .view_on_site
            .map(|template| crate::display::site_link(template, model.schema, &values)),
    };
    show(&staff, &model, specs, state, frame).await
}

/// `GET /{app}/{model}/{id}/`: Django's short object URL.
pub(crate) async fn object_redirect(
    staff: Staff,
    Path((app, model_name, id)): Path<(String, String, String)>,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    Ok(Redirect::to(&format!(
        "{}{}/change/",
        staff.model_url(&model),
        encode_pk(&id)
    ))
    .into_response())
}

/// How a save went.
enum Saved {
    Done {
        pk: String,
        repr: String,
    },
    Invalid(FormState),
    Gone,
    /// The editor may not change this object (a superuser, for staff who
    /// are not superusers).
    Forbidden,
}

/// Validates and writes, in one transaction with the log entry.
fn save(
    conn: &mut AnyConnection,
    model: &AdminModel,
    specs: &[Spec],
    pk: Option<&Value>,
    form: &FormData,
    editor: &User,
) -> orm_core::Result<Saved> {
    let (base, selected) = match pk {
        Some(pk) => match load(conn, model, specs, pk)? {
            Some((values, _, selected)) => (values, selected),
            None => return Ok(Saved::Gone),
        },
        None => (model.schema.initial_values(), HashMap::new()),
    };
    if users::out_of_reach(model, &base, editor.is_superuser) {
        return Ok(Saved::Forbidden);
    }
    let mut bound: Bound = form::bind(model, specs, &base, form, &selected);
    users::check_username(conn, model, specs, pk, &base, &mut bound)?;
    if pk.is_none() {
        bound.state.clear_readonly(specs);
    } else {
        // Someone saved the object after this form was shown: say so rather
        // than overwrite their change. The form now carries the new version,
        // so saving again overwrites on purpose.
        let current = form::version_of(&base);
        let sent = form.text("_version");
        if !sent.is_empty() && sent != current {
            bound.state.error(
                None,
                format!(
                    "This {} was changed by someone else after you opened it. Your values are kept below: \
                     check them against the saved ones (open the page again in another tab), then save again to overwrite.",
                    model.schema.verbose_name
                ),
            );
        }
        bound.state.version = Some(current);
    }
    form::check_targets(conn, model, specs, &mut bound)?;
    if !bound.state.is_valid() {
        return Ok(Saved::Invalid(bound.state));
    }
    let Ok(stored) = form::store_uploads(model.schema, &mut bound) else {
        return Ok(Saved::Invalid(bound.state));
    };
    let adding = pk.is_none();
    let user_id = editor.id;
    let result = orm_core::atomic(conn, |conn| {
        let clashes = orm_core::constraints::unique_errors(conn, &model.ops, &bound.values)?;
        if !clashes.is_empty() {
            return Err(Error::Validation(clashes));
        }
        let values = if adding {
            (model.ops.create)(conn, bound.values.clone())?
        } else {
            // Saving a row deleted meanwhile must not bring it back.
            if (model.ops.count)(
                conn,
                &QuerySpec::for_pk(model.schema, base[model.schema.pk_index()].clone()),
            )? == 0
            {
                return Err(Error::NotFound {
                    model: model.schema.name.to_string(),
                });
            }
            (model.ops.save)(conn, bound.values.clone())?
        };
        let pk = values[model.schema.pk_index()].clone();
        for (m, targets) in &bound.many_to_many {
            if let Some(field) =
                ManyToManyField::resolve(model.schema, &model.schema.many_to_many[*m])
            {
                field.set(conn, &pk, targets)?;
            }
        }
        let repr = (model.rows)(conn, &QuerySpec::for_pk(model.schema, pk.clone()), &[])?
            .into_iter()
            .next()
            .map(|row| row.repr)
            .unwrap_or_default();
        let (flag, message) = if adding {
            (ActionFlag::Addition, "Added.".to_owned())
        } else {
            (ActionFlag::Change, change_message(&bound.changed))
        };
        record(conn, user_id, model, &pk.to_string(), &repr, flag, message)?;
        Ok((pk.to_string(), repr))
    });
    if result.is_err() {
        // Nothing was written: no file is left behind for it.
        orm_core::forms::discard_stored(&stored);
    }
    match result {
        Ok((pk, repr)) => Ok(Saved::Done { pk, repr }),
        Err(Error::NotFound { .. }) if !adding => Ok(Saved::Gone),
        Err(Error::Validation(errors)) => {
            for (field, messages) in errors.iter() {
                for message in messages {
                    let shown = specs.iter().any(|s| s.name == field && !s.readonly);
                    bound.state.error(shown.then_some(field), message.clone());
                }
            }
            Ok(Saved::Invalid(bound.state))
        }
        Err(Error::UniqueViolation { field, .. }) => {
            let name = field
                .as_deref()
                .filter(|f| specs.iter().any(|s| s.name == *f && !s.readonly));
            let label = field
                .as_deref()
                .and_then(|f| model.schema.field(f))
                .map_or_else(|| "these values".to_owned(), field_label);
            bound.state.error(
                name,
                format!(
                    "{} with this {label} already exists.",
                    singular_title(model.schema)
                ),
            );
            Ok(Saved::Invalid(bound.state))
        }
        Err(Error::CheckViolation { constraint, .. }) => {
            bound
                .state
                .error(None, orm_core::constraints::violated(&constraint));
            Ok(Saved::Invalid(bound.state))
        }
        Err(Error::ForeignKeyViolation { .. }) => {
            bound.state.error(
                None,
                "A related object was deleted meanwhile. Please check your choices.",
            );
            Ok(Saved::Invalid(bound.state))
        }
        Err(other) => Err(other),
    }
}

async fn submit(
    staff: Staff,
    model: AdminModel,
    pk: Option<Value>,
    id: String,
    form: FormData,
) -> Result<Response, AdminError> {
    let perms = model.perms(&staff.perms);
    let specs = specs_for(&staff, &model, false);
    let outcome = {
        let (model, specs, pk, form) = (model.clone(), specs.clone(), pk.clone(), form.clone());
        let editor = staff.user.clone();
        staff
            .admin
            .db
            .run(move |conn| save(conn, &model, &specs, pk.as_ref(), &form, &editor))
            .await?
    };
    let model_url = staff.model_url(&model);
    let model_url_for_link = model_url.clone();
    let noun = &model.schema.verbose_name;
    match outcome {
        Saved::Done { pk: saved_pk, repr } => {
            let verb = if pk.is_none() { "added" } else { "changed" };
            let (text, target) = if form.has("_continue") || form.has("_saveasnew") {
                (
                    format!(
                        "The {noun} “{repr}” was {verb} successfully. You may edit it again below."
                    ),
                    format!("{model_url}{}/change/", encode_pk(&saved_pk)),
                )
            } else if form.has("_addanother") && perms.add {
                (
                    format!("The {noun} “{repr}” was {verb} successfully. You may add another {noun} below."),
                    format!("{model_url}add/"),
                )
            } else {
                (
                    format!("The {noun} “{repr}” was {verb} successfully."),
                    model_url,
                )
            };
            // The object's name links to its change page.
            let object_url = format!("{model_url_for_link}{}/change/", encode_pk(&saved_pk));
            messages::add_linked(
                &staff.session,
                Level::Success,
                text,
                object_url,
                format!("“{repr}”"),
            )
            .await?;
            Ok(Redirect::to(&target).into_response())
        }
        Saved::Invalid(state) => {
            let repr = match &pk {
                Some(pk) => {
                    let (model, pk) = (model.clone(), pk.clone());
                    staff
                        .admin
                        .db
                        .run(move |conn| {
                            Ok((model.rows)(
                                conn,
                                &QuerySpec::for_pk(model.schema, pk.clone()),
                                &[],
                            )?
                            .into_iter()
                            .next()
                            .map(|r| r.repr))
                        })
                        .await?
                }
                None => None,
            };
            let copying = pk.is_none() && form.has("_saveasnew");
            let frame = Frame {
                adding: pk.is_none(),
                can_save: true,
                can_add: perms.add,
                can_delete: perms.delete && pk.is_some(),
                pk: pk.as_ref().map(Value::to_string),
                repr,
                action: copying.then(|| format!("{model_url}add/")),
                site_link: None,
            };
            show(&staff, &model, specs, state, frame).await
        }
        Saved::Forbidden => Err(AdminError::Forbidden),
        Saved::Gone => {
            messages::add(
                &staff.session,
                Level::Warning,
                format!(
                    "The {noun} with ID “{id}” doesn’t exist. Perhaps it was deleted? Your changes were not saved."
                ),
            )
            .await?;
            Ok(Redirect::to(&model_url).into_response())
        }
    }
}

/// `POST /{app}/{model}/add/`.
pub(crate) async fn add_submit(
    staff: Staff,
    Path((app, model_name)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    staff.require(&model, |p| p.add)?;
    submit(staff, model, None, String::new(), form).await
}

/// `POST /{app}/{model}/{id}/change/`.
pub(crate) async fn change_submit(
    staff: Staff,
    Path((app, model_name, id)): Path<(String, String, String)>,
    form: FormData,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    staff.require(&model, |p| p.change)?;
    let pk = parse_pk(&model, &id)?;
    if model.options.save_as && form.has("_saveasnew") {
        // A copy: added as a new object, the original left as it was.
        staff.require(&model, |p| p.add)?;
        return submit(staff, model, None, id, form).await;
    }
    submit(staff, model, Some(pk), id, form).await
}
