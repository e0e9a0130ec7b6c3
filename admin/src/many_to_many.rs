//! Many-to-many fields in forms: the selected targets of an object, the
//! choices, and replacing the selection, through the join model by name.

use orm_core::model::{find_model, ModelOps};
use orm_core::query::{Condition, Lookup, Operand, QuerySpec, Q};
use orm_core::schema::{FieldKind, ManyToManySchema, ModelSchema};
use orm_core::{AnyConnection, Value};

/// A many-to-many field and the models behind it.
pub(crate) struct ManyToManyField {
    through: ModelOps,
    pub(crate) target: ModelOps,
    from: usize,
    to: usize,
}

fn by_label(label: &str) -> Option<ModelOps> {
    let (app, name) = label.split_once('.')?;
    find_model(app, name)
}

impl ManyToManyField {
    /// The field `field` of `schema`, when its models are registered.
    pub(crate) fn resolve(
        schema: &ModelSchema,
        field: &'static ManyToManySchema,
    ) -> Option<ManyToManyField> {
        let through = by_label(&field.through)?;
        let target = by_label(&field.to)?;
        let join = (through.schema)();
        let keys: Vec<(usize, &str)> = join
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == FieldKind::ForeignKey)
            .filter_map(|(i, f)| f.foreign_key.as_ref().map(|fk| (i, fk.to.as_ref())))
            .collect();
        let label = schema.label();
        let from = keys.iter().find(|(_, to)| *to == label)?.0;
        let to = keys
            .iter()
            .find(|(i, to)| *i != from && *to == field.to.as_ref())?
            .0;
        Some(ManyToManyField {
            through,
            target,
            from,
            to,
        })
    }

    fn rows_of(&self, pk: &Value) -> QuerySpec {
        QuerySpec::matching(Q::Condition(Condition {
            field: self.from,
            lookup: Lookup::Exact,
            operand: Operand::One(pk.clone()),
        }))
    }

    /// The primary keys of the targets linked to object `pk`.
    pub(crate) fn selected(
        &self,
        conn: &mut AnyConnection,
        pk: &Value,
    ) -> orm_core::Result<Vec<String>> {
        Ok((self.through.values)(conn, &self.rows_of(pk))?
            .into_iter()
            .filter_map(|row| row.get(self.to).map(Value::to_string))
            .collect())
    }

    /// Links object `pk` to exactly `targets`.
    pub(crate) fn set(
        &self,
        conn: &mut AnyConnection,
        pk: &Value,
        targets: &[Value],
    ) -> orm_core::Result<()> {
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
    pub(crate) fn existing(
        &self,
        conn: &mut AnyConnection,
        targets: &[Value],
    ) -> orm_core::Result<i64> {
        if targets.is_empty() {
            return Ok(0);
        }
        let schema = (self.target.schema)();
        (self.target.count)(conn, &QuerySpec::for_pks(schema, targets.to_vec()))
    }
}
