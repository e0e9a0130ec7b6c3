//! `GET /autocomplete/`: the targets of a foreign key matching what the
//! user typed, as JSON, for `autocomplete_fields`.

use axum::extract::Query;
use axum::response::{IntoResponse, Json, Response};
use orm_core::model_admin::find_admin;
use orm_core::query::QuerySpec;
use serde::{Deserialize, Serialize};

use crate::context::Staff;
use crate::error::AdminError;

/// Results per request.
const LIMIT: i64 = 20;

#[derive(Deserialize)]
pub(crate) struct Params {
    app_label: String,
    model_name: String,
    field_name: String,
    #[serde(default)]
    term: String,
}

#[derive(Serialize)]
struct Item {
    id: String,
    text: String,
}

#[derive(Serialize)]
struct Results {
    results: Vec<Item>,
    more: bool,
}

pub(crate) async fn search(
    staff: Staff,
    Query(params): Query<Params>,
) -> Result<Response, AdminError> {
    let model = staff.model(&params.app_label, &params.model_name)?;
    staff.require(&model, |p| p.view || p.add || p.change)?;
    // A foreign key the form edits, other than by raw id: one of
    // `autocomplete_fields`, or a select that became this search because
    // its target is large.
    let name = params.field_name.as_str();
    let target = crate::form::specs(&model, false)
        .iter()
        .find(|spec| spec.name == name && !spec.readonly)
        .filter(|_| !model.options.raw_id_fields.contains(&name))
        .and_then(|_| model.schema.field(name))
        .and_then(|field| field.foreign_key.as_ref())
        .and_then(|fk| {
            let (app, name) = fk.to.split_once('.')?;
            find_admin(app, name)
        })
        .ok_or_else(|| AdminError::NotFound("No such autocomplete field.".into()))?;
    // Search the target's own admin search fields, or its text fields.
    let schema = target.schema();
    let configured = staff
        .admin
        .model_by_label(&schema.label())
        .map(|m| m.options.search_fields)
        .unwrap_or(&[]);
    let searched = if configured.is_empty() {
        let fields: Vec<usize> = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind.is_text() && f.max_length.is_some() && f.editable)
            .map(|(i, _)| i)
            .collect();
        orm_core::query::search_condition(&fields, &params.term)
    } else {
        orm_core::query::search_by_names(schema, configured, &params.term)
    };
    let mut spec = QuerySpec {
        order: QuerySpec::default_order(schema),
        limit: Some(LIMIT + 1),
        ..QuerySpec::default()
    };
    if let Some(q) = searched {
        spec.and(q);
    }
    let mut rows = staff
        .admin
        .db
        .run(move |conn| (target.choices)(conn, &spec))
        .await?;
    let more = rows.len() as i64 > LIMIT;
    rows.truncate(LIMIT as usize);
    let results = rows
        .into_iter()
        .map(|(pk, text)| Item {
            id: pk.to_string(),
            text,
        })
        .collect();
    Ok(Json(Results { results, more }).into_response())
}
