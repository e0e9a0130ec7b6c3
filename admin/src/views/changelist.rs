//! The changelist page and its bulk actions.

use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Redirect, Response};
use orm_core::query::QuerySpec;
use orm_core::Value;

use crate::changelist::{self, ChangeList};
use crate::context::Staff;
use crate::display::plural_title;
use crate::error::AdminError;
use crate::form::FormData;
use crate::messages::{self, Level};
use crate::site::AdminModel;
use crate::templates::{render, ChangeListTemplate, Crumb};
use crate::views::delete;

/// `GET /{app}/{model}/`.
pub(crate) async fn page(
    staff: Staff,
    Path((app, model_name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    let perms = staff.require(&model, |p| p.view)?;
    let params = changelist::parse_params(&model, query.as_deref().unwrap_or(""));
    let url = staff.model_url(&model);
    let list = {
        let (model, url) = (model.clone(), url.clone());
        let kept = staff.admin.kept.clone();
        staff
            .admin
            .db
            .run(move |conn| ChangeList::load(conn, &model, perms, &params, &url, &kept))
            .await?
    };
    let crumbs = vec![
        Crumb::link("Home", format!("{}/", staff.base)),
        Crumb::link(
            crate::display::app_title(&model.schema.app_label),
            format!("{}/{}/", staff.base, model.schema.app_label),
        ),
        Crumb::here(plural_title(model.schema)),
    ];
    let layout = staff.layout(list.title.clone(), crumbs).await?;
    render(&ChangeListTemplate { layout, list })
}

/// `POST /{app}/{model}/`: a bulk action on the selected rows.
pub(crate) async fn action(
    staff: Staff,
    Path((app, model_name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    form: FormData,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    let perms = staff.require(&model, |p| p.view)?;
    let params = changelist::parse_params(&model, query.as_deref().unwrap_or(""));
    let back = format!("{}{}", staff.model_url(&model), params.query());
    let action = form.text("action").to_owned();
    let selected = selected_pks(&model, &form);
    let across = form.text("select_across") == "1";
    if action.is_empty() {
        messages::add(&staff.session, Level::Warning, "No action selected.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    if selected.is_empty() && !across {
        messages::add(
            &staff.session,
            Level::Warning,
            "Items must be selected in order to perform actions on them. No items have been changed.",
        )
        .await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let spec = if across {
        changelist::filter(&model, &params)
    } else {
        QuerySpec::for_pks(model.schema, selected)
    };
    if action == changelist::export::CSV || action == changelist::export::JSON {
        let db = staff.admin.db.clone();
        return Ok(changelist::export::export(db, model, spec, &action));
    }
    if action == "delete_selected" {
        if !perms.delete {
            return Err(AdminError::Forbidden);
        }
        return delete::selected(staff, model, spec, &form, back).await;
    }
    let Some(found) = model.options.actions.iter().find(|a| a.name == action) else {
        messages::add(&staff.session, Level::Warning, "No action selected.").await?;
        return Ok(Redirect::to(&back).into_response());
    };
    if !perms.change {
        return Err(AdminError::Forbidden);
    }
    let run = found.run;
    let description = found.description;
    let changed = staff
        .admin
        .db
        .run(move |conn| orm_core::atomic(conn, |conn| run(conn, &spec)))
        .await?;
    let noun = if changed == 1 {
        model.schema.verbose_name.to_string()
    } else {
        model.schema.verbose_name_plural.to_string()
    };
    messages::add(
        &staff.session,
        Level::Success,
        format!("{description}: {changed} {noun} changed."),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// The checked rows' primary keys (those that parse for the model).
pub(crate) fn selected_pks(model: &AdminModel, form: &FormData) -> Vec<Value> {
    let pk = model.schema.pk();
    form.all("_selected_action")
        .into_iter()
        .filter_map(|text| orm_core::query::parse_value(pk, text).ok())
        .filter(|v| !v.is_null())
        .take(10_000)
        .collect()
}
