//! The built-in export actions: the selected rows, or every row the list's
//! filters keep, as CSV or JSON, streamed in batches read by primary key
//! (memory stays flat whatever the number of rows). The columns are the
//! primary key and the fields the change form shows, so what the form
//! hides (a password hash) is not exported.

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use http::header;
use orm_core::fixtures::to_json_value;
use orm_core::query::{Condition, Lookup, Operand, OrderBy, QuerySpec, Q};
use orm_core::schema::{FieldSchema, ModelSchema};
use orm_core::{Db, Value};

use crate::form::{specs, Target};
use crate::site::AdminModel;

/// The CSV action's name.
pub(crate) const CSV: &str = "export_csv";
/// The JSON action's name.
pub(crate) const JSON: &str = "export_json";

/// Rows read at a time.
const BATCH: i64 = 500;

/// The export actions, as the changelist offers them.
pub(crate) fn actions(model: &AdminModel) -> [(String, String); 2] {
    let plural = &model.schema.verbose_name_plural;
    [
        (CSV.to_owned(), format!("Export selected {plural} as CSV")),
        (JSON.to_owned(), format!("Export selected {plural} as JSON")),
    ]
}

/// The file of the rows of `spec`.
pub(crate) fn export(db: Db, model: AdminModel, spec: QuerySpec, action: &str) -> Response {
    let csv = action == CSV;
    let schema = model.schema;
    let mut columns = vec![schema.pk_index()];
    for spec in specs(&model, true) {
        if let Target::Column(index) = spec.target {
            if !columns.contains(&index) {
                columns.push(index);
            }
        }
    }
    let state = Batches {
        db,
        model,
        spec,
        columns,
        csv,
        after: None,
        first: true,
        done: false,
    };
    let body = Body::from_stream(stream::unfold(state, Batches::next));
    let file = format!(
        "{}-{}.{}",
        schema.app_label,
        schema.name.to_lowercase(),
        if csv { "csv" } else { "json" }
    );
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Where the export is: the rows after key `after` come next.
struct Batches {
    db: Db,
    model: AdminModel,
    spec: QuerySpec,
    columns: Vec<usize>,
    csv: bool,
    after: Option<Value>,
    first: bool,
    done: bool,
}

type Chunk = Result<Bytes, std::io::Error>;

impl Batches {
    /// The next piece of the file: the header, then a batch of rows, then
    /// the end.
    async fn next(mut self) -> Option<(Chunk, Batches)> {
        if self.done {
            return None;
        }
        let schema = self.model.schema;
        let pk = schema.pk_index();
        let mut spec = self.spec.clone();
        spec.order = vec![OrderBy::new(pk, false)];
        spec.limit = Some(BATCH);
        spec.offset = None;
        if let Some(after) = self.after.clone() {
            spec.and(Q::Condition(Condition {
                field: pk,
                lookup: Lookup::Gt,
                operand: Operand::One(after),
            }));
        }
        let values = self.model.ops.values;
        let rows = match self.db.run(move |conn| values(conn, &spec)).await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::error!(%error, "export failed");
                self.done = true;
                return Some((Err(std::io::Error::other(error.to_string())), self));
            }
        };
        let out = if self.csv {
            csv_rows(schema, &self.columns, self.first, &rows)
        } else {
            json_rows(schema, &self.columns, self.first, &rows)
        };
        let mut out = match out {
            Ok(out) => out,
            Err(error) => {
                self.done = true;
                return Some((Err(std::io::Error::other(error.to_string())), self));
            }
        };
        self.after = rows.last().and_then(|row| row.get(pk).cloned());
        self.first = false;
        if rows.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            self.done = true;
            if !self.csv {
                out.extend(b"\n]\n");
            }
        }
        Some((Ok(Bytes::from(out)), self))
    }
}

/// The CSV of a batch of rows (the header first with the first batch),
/// quoted as needed.
fn csv_rows(
    schema: &ModelSchema,
    columns: &[usize],
    first: bool,
    rows: &[Vec<Value>],
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if first {
        writer.write_record(columns.iter().map(|&i| schema.fields[i].name.as_ref()))?;
    }
    for row in rows {
        writer.write_record(
            columns
                .iter()
                .map(|&i| cell(&schema.fields[i], row.get(i).unwrap_or(&Value::Null))),
        )?;
    }
    Ok(writer.into_inner()?)
}

/// The JSON of a batch of rows, one object a line: the array's opening
/// bracket with the first batch, a comma before every object but the
/// array's first.
fn json_rows(
    schema: &ModelSchema,
    columns: &[usize],
    first: bool,
    rows: &[Vec<Value>],
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    if first {
        out.push(b'[');
    }
    for (n, row) in rows.iter().enumerate() {
        if !(first && n == 0) {
            out.push(b',');
        }
        out.push(b'\n');
        let object: serde_json::Map<String, serde_json::Value> = columns
            .iter()
            .map(|&i| {
                let field = &schema.fields[i];
                let value = row.get(i).unwrap_or(&Value::Null);
                (field.name.to_string(), to_json_value(field, value))
            })
            .collect();
        serde_json::to_writer(&mut out, &object)?;
    }
    Ok(out)
}

/// A value as a CSV cell: text as it is, except that text a spreadsheet
/// would run as a formula (`=`, `+`, `-`, `@`) gets a leading `'`;
/// everything else as in the JSON export.
fn cell(field: &FieldSchema, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(text) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            format!("'{text}")
        }
        Value::Text(text) => text.clone(),
        other => match to_json_value(field, other) {
            serde_json::Value::String(text) => text,
            json => json.to_string(),
        },
    }
}
