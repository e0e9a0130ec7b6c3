//! A many-to-many field known by name at run time: the linked targets of
//! an object and replacing them, through the join model's operations.
//! What forms and fixtures use; typed code uses
//! [`ManyToManyManager`](super::ManyToManyManager).

use crate::db::AnyConnection;
use crate::error::Result;
use crate::query::{Condition, Lookup, Operand, OrderBy, QuerySpec, Q};
use crate::registry::{find_model, ModelOps};
use crate::schema::{ManyToManySchema, ModelSchema};
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

    /// Links object `pk` to exactly `targets`.
    pub fn set(&self, conn: &mut AnyConnection, pk: &Value, targets: &[Value]) -> Result<()> {
        (self.through.delete)(conn, &self.rows_of(pk))?;
        let join = (self.through.schema)();
        for target in targets {
            let mut values = join.initial_values();
            values[self.from] = pk.clone();
            values[self.to] = target.clone();
            (self.through.create)(conn, values)?;
        }
        Ok(())
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
