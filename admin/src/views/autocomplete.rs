//! `GET /autocomplete/`: the targets of a foreign key matching what the
//! user typed, as JSON, for `autocomplete_fields`.

use axum::extract::Query;
use axum::response::{IntoResponse, Json, Response};
use orm_core::model_admin::find_admin;
use orm_core::query::QuerySpec;
use orm_core::Value;
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
    let target = model
        .options
        .autocomplete_fields
        .iter()
        .find(|name| **name == params.field_name)
        .and_then(|name| model.schema.field(name))
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
    let fields: Vec<usize> = if configured.is_empty() {
        schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind.is_text() && f.max_length.is_some() && f.editable)
            .map(|(i, _)| i)
            .collect()
    } else {
        configured
            .iter()
            .filter_map(|n| schema.field_index(n))
            .collect()
    };
    let mut spec = QuerySpec {
        order: QuerySpec::default_order(schema),
        limit: Some(LIMIT + 1),
        ..QuerySpec::default()
    };
    if let Some(q) = orm_core::query::search_condition(&fields, &params.term) {
        spec.and(q);
    }
    let pk = schema.pk_index();
    let mut rows = staff
        .admin
        .db
        .run(move |conn| (target.rows)(conn, &spec, &[]))
        .await?;
    let more = rows.len() as i64 > LIMIT;
    rows.truncate(LIMIT as usize);
    let results = rows
        .into_iter()
        .map(|row| Item {
            id: row.values.get(pk).map(Value::to_string).unwrap_or_default(),
            text: row.repr,
        })
        .collect();
    Ok(Json(Results { results, more }).into_response())
}
