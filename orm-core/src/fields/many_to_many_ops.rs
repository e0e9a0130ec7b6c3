//! A many-to-many field known by name at run time: the linked targets of
//! an object and replacing them, through the join model's operations.
//! What forms and fixtures use; typed code uses
//! [`ManyToManyManager`](super::ManyToManyManager).

use crate::db::AnyConnection;
use crate::error::Result;
use crate::query::{Condition, Lookup, Operand, OrderBy, QuerySpec, Q};
use crate::registry::{find_model, ModelOps};
use crate::schema::{ManyToManySchema, ModelSchema};
use crate::signals::dispatch::{send_m2m_changed, M2mAction, M2mChanged};
use crate::value::Value;

/// A many-to-many field and the models behind it.
#[derive(Debug, Clone, Copy)]
pub struct ManyToManyOps {
    through: ModelOps,
    /// The related model.
    pub target: ModelOps,
    from: usize,
    to: usize,
}

fn by_label(label: &str) -> Option<ModelOps> {
    let (app, name) = label.split_once('.')?;
    find_model(app, name)
}

impl ManyToManyOps {
    /// The field `field` of `schema`, when its join model and target are
    /// registered.
    pub fn resolve(schema: &ModelSchema, field: &ManyToManySchema) -> Option<ManyToManyOps> {
        let through = by_label(&field.through)?;
        let target = by_label(&field.to)?;
        let join = (through.schema)();
        let from = join.key_to(&schema.label(), None)?;
        let to = join.key_to(&field.to, Some(from))?;
        Some(ManyToManyOps {
            through,
            target,
            from,
            to,
        })
    }

    /// Whether the join model is the one the derive creates (not a model
    /// of the project's named with `through`).
    pub fn auto_created(&self) -> bool {
        (self.through.schema)().auto_created
    }

    fn rows_of(&self, pk: &Value) -> QuerySpec {
        QuerySpec::matching(Q::Condition(Condition {
            field: self.from,
            lookup: Lookup::Exact,
            operand: Operand::One(pk.clone()),
        }))
    }

    /// The primary keys of the targets linked to object `pk`, in the order
    /// they were linked.
    pub fn linked(&self, conn: &mut AnyConnection, pk: &Value) -> Result<Vec<Value>> {
        let mut spec = self.rows_of(pk);
        let join = (self.through.schema)();
        spec.order = vec![OrderBy::new(join.pk_index(), false)];
        Ok((self.through.values)(conn, &spec)?
            .into_iter()
            .filter_map(|mut row| (self.to < row.len()).then(|| row.swap_remove(self.to)))
            .collect())
    }

    /// Every link of the field, as `(source key, target key)`, in the order
    /// they were made.
    pub fn all_links(&self, conn: &mut AnyConnection) -> Result<Vec<(Value, Value)>> {
        let join = (self.through.schema)();
        let spec = QuerySpec {
            order: vec![OrderBy::new(join.pk_index(), false)],
            ..QuerySpec::default()
        };
        Ok((self.through.values)(conn, &spec)?
            .into_iter()
            .filter_map(|row| Some((row.get(self.from)?.clone(), row.get(self.to)?.clone())))
            .collect())
    }

    /// Links object `pk` to exactly `targets`: the links no longer wanted
    /// removed, the new ones added (a link kept keeps its row), with the
    /// `m2m_changed` signals of each.
    pub fn set(&self, conn: &mut AnyConnection, pk: &Value, targets: &[Value]) -> Result<()> {
        let existing = self.linked(conn, pk)?;
        let stale: Vec<Value> = existing
            .iter()
            .filter(|v| !targets.contains(v))
            .cloned()
            .collect();
        let mut added: Vec<Value> = Vec::new();
        for target in targets {
            if !existing.contains(target) && !added.contains(target) {
                added.push(target.clone());
            }
        }
        let join = (self.through.schema)();
        if !stale.is_empty() {
            self.changed(conn, pk, M2mAction::PreRemove, &stale)?;
            let mut spec = self.rows_of(pk);
            spec.and(Q::Condition(Condition {
                field: self.to,
                lookup: Lookup::In,
                operand: Operand::Many(stale.clone()),
            }));
            (self.through.delete)(conn, &spec)?;
            self.changed(conn, pk, M2mAction::PostRemove, &stale)?;
        }
        if !added.is_empty() {
            self.changed(conn, pk, M2mAction::PreAdd, &added)?;
            for target in &added {
                let mut values = join.initial_values();
                values[self.from] = pk.clone();
                values[self.to] = target.clone();
                (self.through.create)(conn, values)?;
            }
            self.changed(conn, pk, M2mAction::PostAdd, &added)?;
        }
        Ok(())
    }

    /// Sends `m2m_changed` for object `pk` of the model holding the field.
    fn changed(
        &self,
        conn: &mut AnyConnection,
        pk: &Value,
        action: M2mAction,
        targets: &[Value],
    ) -> Result<()> {
        let join = (self.through.schema)();
        let Some(owner) = join.fields[self.from].foreign_key.as_ref().map(|fk| &fk.to) else {
            return Ok(());
        };
        let through = join.label();
        let field = owner
            .split_once('.')
            .and_then(|(app, name)| find_model(app, name))
            .map(|ops| (ops.schema)().many_to_many_through(&through))
            .unwrap_or_default();
        send_m2m_changed(
            conn,
            owner,
            M2mChanged {
                field,
                action,
                owner: pk.as_i64().unwrap_or_default(),
                targets: targets.iter().filter_map(Value::as_i64).collect(),
            },
        )
    }

    /// How many of `targets` exist.
    pub fn existing(&self, conn: &mut AnyConnection, targets: &[Value]) -> Result<i64> {
        if targets.is_empty() {
            return Ok(0);
        }
        let schema = (self.target.schema)();
        (self.target.count)(conn, &QuerySpec::for_pks(schema, targets.to_vec()))
    }
}
