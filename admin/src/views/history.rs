//! An object's history: every logged add, change and delete.

use axum::extract::Path;
use axum::response::Response;
use chrono::Timelike;
use orm_core::query::{parse_value, QuerySpec};

use crate::changelist::encode_pk;
use crate::context::Staff;
use crate::display::{app_title, plural_title, singular_title};
use crate::error::AdminError;
use crate::history::{object_history, LogEntry};
use crate::templates::{render, Crumb, HistoryRow, HistoryTemplate};

/// `GET /{app}/{model}/{id}/history/`.
pub(crate) async fn page(
    staff: Staff,
    Path((app, model_name, id)): Path<(String, String, String)>,
) -> Result<Response, AdminError> {
    let model = staff.model(&app, &model_name)?;
    staff.require(&model, |p| p.view)?;
    let not_found = || {
        AdminError::NotFound(format!(
            "{} with ID “{id}” doesn’t exist. Perhaps it was deleted?",
            singular_title(model.schema)
        ))
    };
    let pk = parse_value(model.schema.pk(), &id).map_err(|_| not_found())?;
    let (repr, entries) = {
        let (model, pk) = (model.clone(), pk.clone());
        staff
            .admin
            .db
            .run(move |conn| {
                let repr = (model.rows)(conn, &QuerySpec::for_pk(model.schema, pk.clone()), &[])?
                    .into_iter()
                    .next()
                    .map(|r| r.repr);
                let entries = object_history(conn, &model, &pk.to_string())?;
                Ok((repr, entries))
            })
            .await?
    };
    let repr = match (repr, entries.last()) {
        (Some(repr), _) => repr,
        (None, Some(last)) => last.object_repr.clone(),
        (None, None) => return Err(not_found()),
    };
    let rows = entries.iter().map(row).collect();
    let object_url = format!(
        "{}{}/change/",
        staff.model_url(&model),
        encode_pk(&pk.to_string())
    );
    let crumbs = vec![
        Crumb::link("Home", format!("{}/", staff.base)),
        Crumb::link(
            app_title(&model.schema.app_label),
            format!("{}/{}/", staff.base, model.schema.app_label),
        ),
        Crumb::link(plural_title(model.schema), staff.model_url(&model)),
        Crumb::link(repr.clone(), object_url),
        Crumb::here("History"),
    ];
    let layout = staff
        .layout(format!("Change history: {repr}"), crumbs)
        .await?;
    render(&HistoryTemplate { layout, repr, rows })
}

fn row(entry: &LogEntry) -> HistoryRow {
    let user = entry.user.get().map_or_else(
        || format!("user {}", entry.user.id()),
        |u| {
            let full = format!("{} {}", u.first_name, u.last_name);
            if full.trim().is_empty() {
                u.username.clone()
            } else {
                format!("{} ({})", u.username, full.trim())
            }
        },
    );
    HistoryRow {
        when: format!(
            "{}:{:02}",
            crate::display::datetime_text(&entry.action_time),
            entry.action_time.second()
        ),
        user,
        action: entry.message(),
    }
}
