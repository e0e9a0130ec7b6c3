//! Deleting rows while honouring every `on_delete` rule that points at them,
//! like Django's deletion `Collector`.

use std::collections::HashSet;

use crate::db::{atomic, AnyConnection};
use crate::error::{Error, Result};
use crate::query::{Condition, Lookup, Operand, QuerySpec, Q};
use crate::registry::{registered_models, ModelOps};
use crate::schema::{ModelSchema, OnDelete};
use crate::value::Value;

/// Rows bound in one `IN (...)` list at most.
const BATCH: usize = 500;

/// What deleting a set of rows implies, gathered before anything is written.
#[derive(Debug, Default)]
pub struct DeletionPlan {
    /// Rows to delete, parents first: `(model, primary keys)`.
    pub deletions: Vec<(ModelOps, Vec<Value>)>,
    /// Foreign keys to set to NULL: `(model, field index, primary keys)`.
    pub set_null: Vec<(ModelOps, usize, Vec<Value>)>,
    /// Rows that forbid the delete (`Protect`, or `Restrict` outside the
    /// cascade), as `app.Model(pk)`.
    pub blockers: Vec<String>,
}

impl DeletionPlan {
    /// How many rows would be deleted in all.
    pub fn deleted_count(&self) -> usize {
        self.deletions.iter().map(|(_, pks)| pks.len()).sum()
    }
}

/// Works out every row a delete of `spec`'s rows of `model` touches.
pub fn collect(
    conn: &mut AnyConnection,
    model: ModelOps,
    spec: &QuerySpec,
) -> Result<DeletionPlan> {
    let schema = (model.schema)();
    let pk_index = schema.pk_index();
    let pks: Vec<Value> = (model.values)(conn, spec)?
        .into_iter()
        .filter_map(|row| row.into_iter().nth(pk_index))
        .collect();
    let models = registered_models();
    let mut plan = DeletionPlan::default();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut restricted: Vec<(String, String)> = Vec::new();
    let mut queue = vec![(model, pks)];
    while let Some((ops, pks)) = queue.pop() {
        let schema = (ops.schema)();
        let label = schema.label();
        let fresh: Vec<Value> = pks
            .into_iter()
            .filter(|pk| seen.insert((label.clone(), pk.to_string())))
            .collect();
        if fresh.is_empty() {
            continue;
        }
        for (child, field_index, rule) in referencing_fields(&models, &label) {
            let child_schema = (child.schema)();
            let child_pk = child_schema.pk_index();
            for chunk in fresh.chunks(BATCH) {
                let child_spec = QuerySpec::matching(pointing_at(field_index, chunk));
                match rule {
                    OnDelete::DoNothing => {}
                    OnDelete::SetNull => {
                        let rows = (child.values)(conn, &child_spec)?;
                        let child_pks = column(rows, child_pk);
                        if !child_pks.is_empty() {
                            plan.set_null.push((child, field_index, child_pks));
                        }
                    }
                    OnDelete::Cascade => {
                        let rows = (child.values)(conn, &child_spec)?;
                        let child_pks = column(rows, child_pk);
                        if !child_pks.is_empty() {
                            queue.push((child, child_pks));
                        }
                    }
                    OnDelete::Protect | OnDelete::Restrict => {
                        let rows = (child.values)(conn, &child_spec)?;
                        for pk in column(rows, child_pk) {
                            let key = (child_schema.label(), pk.to_string());
                            if rule == OnDelete::Protect {
                                plan.blockers.push(format!("{}({})", key.0, key.1));
                            } else {
                                restricted.push(key);
                            }
                        }
                    }
                }
            }
        }
        plan.deletions.push((ops, fresh));
    }
    // A restricted row may go only when the same delete removes it too.
    for (label, pk) in restricted {
        if !seen.contains(&(label.clone(), pk.clone())) {
            plan.blockers.push(format!("{label}({pk})"));
        }
    }
    plan.blockers.sort();
    plan.blockers.dedup();
    Ok(plan)
}

/// Deletes `spec`'s rows of `model` and applies every `on_delete` rule, in one
/// transaction. Refuses with [`Error::Protected`] when a protected row points
/// at any of them.
///
/// When no model has a foreign key to `model` there is nothing to collect:
/// the rows go with one `DELETE ... WHERE` filter, as Django's fast delete.
pub fn delete_cascading(
    conn: &mut AnyConnection,
    schema: &ModelSchema,
    spec: &QuerySpec,
) -> Result<usize> {
    let label = schema.label();
    let models = registered_models();
    let model = models
        .iter()
        .find(|m| (m.schema)().label() == label)
        .copied()
        .ok_or_else(|| Error::Internal(format!("model {label} is not registered")))?;
    if referencing_fields(&models, &label).is_empty()
        && spec.limit.is_none()
        && spec.offset.is_none()
        && !crate::signals::dispatch::deletes_observed(&label)
    {
        return (model.delete)(conn, spec).map_err(|e| e.for_model(schema));
    }
    atomic(conn, |conn| {
        let plan = collect(conn, model, spec)?;
        if !plan.blockers.is_empty() {
            return Err(Error::Protected {
                model: schema.name.to_string(),
                blockers: plan.blockers,
            });
        }
        execute(conn, &plan).map_err(|e| e.for_model(schema))
    })
}

/// Writes a plan: NULLs first, then deletes, children before parents.
pub fn execute(conn: &mut AnyConnection, plan: &DeletionPlan) -> Result<usize> {
    for (ops, field, pks) in &plan.set_null {
        let schema = (ops.schema)();
        for chunk in pks.chunks(BATCH) {
            let spec = QuerySpec::for_pks(schema, chunk.to_vec());
            (ops.update)(conn, &spec, &[(*field, Value::Null)])?;
        }
    }
    let mut deleted = 0;
    for (ops, pks) in plan.deletions.iter().rev() {
        let schema = (ops.schema)();
        let label = schema.label();
        let observed = crate::signals::dispatch::deletes_observed(&label);
        for chunk in pks.chunks(BATCH) {
            let spec = QuerySpec::for_pks(schema, chunk.to_vec());
            if !observed {
                deleted += (ops.delete)(conn, &spec)?;
                continue;
            }
            // The objects themselves, for the handlers before and after.
            let mut objects = (ops.values)(conn, &spec)?
                .into_iter()
                .map(|values| (ops.from_values)(values))
                .collect::<Result<Vec<_>>>()?;
            use crate::signals::dispatch::{send, When};
            for object in &mut objects {
                send(conn, &label, When::PreDelete, object.as_mut(), false)?;
            }
            deleted += (ops.delete)(conn, &spec)?;
            for object in &mut objects {
                send(conn, &label, When::PostDelete, object.as_mut(), false)?;
            }
        }
    }
    Ok(deleted)
}

fn referencing_fields(models: &[ModelOps], label: &str) -> Vec<(ModelOps, usize, OnDelete)> {
    let mut found = Vec::new();
    for ops in models {
        for (index, field) in (ops.schema)().fields.iter().enumerate() {
            if let Some(fk) = &field.foreign_key {
                if fk.to == label {
                    found.push((*ops, index, fk.on_delete));
                }
            }
        }
    }
    found
}

fn pointing_at(field: usize, pks: &[Value]) -> Q {
    Q::Condition(Condition {
        field,
        lookup: Lookup::In,
        operand: Operand::Many(pks.to_vec()),
    })
}

fn column(rows: Vec<Vec<Value>>, index: usize) -> Vec<Value> {
    rows.into_iter()
        .filter_map(|row| row.into_iter().nth(index))
        .collect()
}
