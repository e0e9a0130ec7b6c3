//! Many-to-many relations: `groups: ManyToMany<Group>` on a model, stored in
//! a join model the derive creates (like Django's auto-created through
//! model), managed with `user.groups().add(conn, &[group.id])`.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use crate::db::{atomic, AnyConnection};
use crate::error::{Error, Result};
use crate::model::{Model, ModelOps};
use crate::query::{Condition, Lookup, Operand, QuerySpec, Q};
use crate::signals::dispatch::{send_m2m_changed, M2mAction, M2mChanged};
use crate::value::Value;

/// A many-to-many field. It is not a column: it holds the related objects
/// once they are loaded with the owner's `prefetch_<field>` function.
pub struct ManyToMany<T> {
    loaded: Option<Vec<T>>,
}

impl<T> ManyToMany<T> {
    /// Nothing loaded.
    pub fn new() -> Self {
        ManyToMany { loaded: None }
    }

    /// The related objects, when they were prefetched.
    pub fn get(&self) -> Option<&[T]> {
        self.loaded.as_deref()
    }

    /// Remembers prefetched related objects.
    pub fn set_loaded(&mut self, objects: Vec<T>) {
        self.loaded = Some(objects);
    }
}

impl<T> Default for ManyToMany<T> {
    fn default() -> Self {
        ManyToMany::new()
    }
}

impl<T: Clone> Clone for ManyToMany<T> {
    fn clone(&self) -> Self {
        ManyToMany {
            loaded: self.loaded.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for ManyToMany<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.loaded {
            Some(objects) => f.debug_list().entries(objects).finish(),
            None => f.write_str("ManyToMany(not loaded)"),
        }
    }
}

impl<T> PartialEq for ManyToMany<T> {
    /// Relations live in the join table, not in the object: always equal.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> serde::Serialize for ManyToMany<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_none()
    }
}

/// The join model of a many-to-many field: the one the derive creates
/// (Django's auto-created through model, which implements this itself),
/// or a model of the project's, named with `through = Membership` and
/// seen through [`CustomThrough`].
pub trait Through: 'static {
    /// The join model.
    type Join: Model<Pk = i64>;
    /// The model holding the field.
    type Source: Model<Pk = i64>;
    /// The related model.
    type Target: Model<Pk = i64>;
    /// The indexes, in the join model, of its foreign keys to the source
    /// and to the target.
    fn keys() -> Result<(usize, usize)>;
    /// A join row linking `source` to `target`, its other fields at their
    /// defaults.
    fn link(source: i64, target: i64) -> Result<Self::Join>;
}

/// A model of the project's as the join model of a many-to-many field
/// (`#[field(through = Membership)]`): `J` has a foreign key to the model
/// holding the field, `S`, and one to the related model, `T` (the first
/// two such keys when `S` is `T`), and may have fields of its own, which
/// [`ManyToManyManager::add`] leaves at their defaults; rows with other
/// values are saved as rows of `J`.
pub struct CustomThrough<J, S, T> {
    _marker: PhantomData<Models<J, S, T>>,
}

/// The three models of a [`CustomThrough`], as a marker type.
type Models<J, S, T> = fn() -> (J, S, T);

impl<J, S, T> Through for CustomThrough<J, S, T>
where
    J: Model<Pk = i64>,
    S: Model<Pk = i64>,
    T: Model<Pk = i64>,
{
    type Join = J;
    type Source = S;
    type Target = T;

    fn keys() -> Result<(usize, usize)> {
        let join = J::schema();
        let key_to = |label: &str, not: Option<usize>| {
            join.key_to(label, not).ok_or_else(|| Error::UnknownField {
                model: join.label(),
                field: format!(
                    "a foreign key to {label} (the join model of a many-to-many field has one to each side)"
                ),
            })
        };
        let source = key_to(S::LABEL, None)?;
        let target = key_to(T::LABEL, Some(source))?;
        Ok((source, target))
    }

    fn link(source: i64, target: i64) -> Result<J> {
        let (from, to) = Self::keys()?;
        let join = J::schema();
        let mut errors = crate::validation::ValidationErrors::new();
        for (i, field) in join.fields.iter().enumerate() {
            let free = i == from
                || i == to
                || field.primary_key
                || field.nullable
                || field.default.is_some()
                || field.auto_now
                || field.auto_now_add;
            if !free {
                errors.add(
                    field.name.to_string(),
                    format!(
                        "{} has no default, so objects cannot be related without it: save {} rows instead",
                        field.name, join.name
                    ),
                );
            }
        }
        errors.into_result()?;
        let mut values = join.initial_values();
        values[from] = Value::BigInt(source);
        values[to] = Value::BigInt(target);
        J::__from_values(values)
    }
}

/// The related objects of one saved object: `user.groups()`.
pub struct ManyToManyManager<Th> {
    owner: i64,
    _marker: PhantomData<fn() -> Th>,
}

fn pointing(field: usize, lookup: Lookup, operand: Operand) -> Q {
    Q::Condition(Condition {
        field,
        lookup,
        operand,
    })
}

fn ids_operand(ids: &[i64]) -> Operand {
    Operand::Many(ids.iter().copied().map(Value::BigInt).collect())
}

impl<Th: Through> ManyToManyManager<Th> {
    /// The manager for the object with primary key `owner`.
    pub fn new(owner: i64) -> Self {
        ManyToManyManager {
            owner,
            _marker: PhantomData,
        }
    }

    fn saved(&self) -> Result<()> {
        if self.owner == 0 {
            return Err(Error::InvalidValue {
                field: Th::Join::schema().name.to_string(),
                message: format!(
                    "save the {} before relating it to other objects",
                    Th::Source::schema().verbose_name
                ),
            });
        }
        Ok(())
    }

    fn rows(&self) -> Result<QuerySpec> {
        let (source, _) = Th::keys()?;
        Ok(QuerySpec::matching(pointing(
            source,
            Lookup::Exact,
            Operand::One(Value::BigInt(self.owner)),
        )))
    }

    /// The join rows of the owner: a custom join model's own fields with
    /// them, in the join model's default ordering.
    pub fn links(&self, conn: &mut AnyConnection) -> Result<Vec<Th::Join>> {
        let mut spec = self.rows()?;
        spec.order = QuerySpec::default_order(Th::Join::schema());
        Th::Join::__load(conn, &spec)
    }

    /// The primary keys of the related objects.
    pub fn ids(&self, conn: &mut AnyConnection) -> Result<Vec<i64>> {
        let (_, target) = Th::keys()?;
        let rows = Th::Join::__load(conn, &self.rows()?)?;
        Ok(rows
            .iter()
            .filter_map(|row| row.field_value(target).as_i64())
            .collect())
    }

    /// The related objects, in the target's default ordering.
    pub fn all(&self, conn: &mut AnyConnection) -> Result<Vec<Th::Target>> {
        let ids = self.ids(conn)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut spec = QuerySpec::for_pks(
            Th::Target::schema(),
            ids.into_iter().map(Value::BigInt).collect(),
        );
        spec.order = QuerySpec::default_order(Th::Target::schema());
        Th::Target::__load(conn, &spec)
    }

    /// Whether the object with primary key `id` is related.
    pub fn contains(&self, conn: &mut AnyConnection, id: i64) -> Result<bool> {
        Ok(self.ids(conn)?.contains(&id))
    }

    /// Relates the objects with these primary keys (those already related
    /// stay as they are).
    pub fn add(&self, conn: &mut AnyConnection, ids: &[i64]) -> Result<()> {
        self.saved()?;
        atomic(conn, |conn| {
            let existing = self.ids(conn)?;
            let mut added: Vec<i64> = Vec::new();
            for &id in ids {
                if !existing.contains(&id) && !added.contains(&id) {
                    added.push(id);
                }
            }
            if added.is_empty() {
                return Ok(());
            }
            self.changed(conn, M2mAction::PreAdd, &added)?;
            for &id in &added {
                Th::link(self.owner, id)?.insert(conn)?;
            }
            self.changed(conn, M2mAction::PostAdd, &added)
        })
    }

    /// Unrelates the objects with these primary keys.
    pub fn remove(&self, conn: &mut AnyConnection, ids: &[i64]) -> Result<()> {
        self.saved()?;
        if ids.is_empty() {
            return Ok(());
        }
        let (_, target) = Th::keys()?;
        let mut spec = self.rows()?;
        spec.and(pointing(target, Lookup::In, ids_operand(ids)));
        atomic(conn, |conn| {
            self.changed(conn, M2mAction::PreRemove, ids)?;
            (ModelOps::of::<Th::Join>().delete)(conn, &spec)?;
            self.changed(conn, M2mAction::PostRemove, ids)
        })
    }

    /// Unrelates everything.
    pub fn clear(&self, conn: &mut AnyConnection) -> Result<()> {
        self.saved()?;
        let rows = self.rows()?;
        atomic(conn, |conn| {
            self.changed(conn, M2mAction::PreClear, &[])?;
            (ModelOps::of::<Th::Join>().delete)(conn, &rows)?;
            self.changed(conn, M2mAction::PostClear, &[])
        })
    }

    /// Sends `m2m_changed` for the owner's field.
    fn changed(&self, conn: &mut AnyConnection, action: M2mAction, targets: &[i64]) -> Result<()> {
        let field = Th::Source::schema().many_to_many_through(Th::Join::LABEL);
        send_m2m_changed(
            conn,
            Th::Source::LABEL,
            M2mChanged {
                field,
                action,
                owner: self.owner,
                targets: targets.to_vec(),
            },
        )
    }

    /// Makes exactly these objects related, adding and removing as needed.
    pub fn set(&self, conn: &mut AnyConnection, ids: &[i64]) -> Result<()> {
        self.saved()?;
        atomic(conn, |conn| {
            let existing = self.ids(conn)?;
            let stale: Vec<i64> = existing
                .iter()
                .copied()
                .filter(|id| !ids.contains(id))
                .collect();
            self.remove(conn, &stale)?;
            self.add(conn, ids)
        })
    }
}

/// The related objects of many owners in two queries (join rows, then
/// targets), keyed by owner primary key: what `prefetch_<field>` uses.
pub fn prefetch<Th: Through>(
    conn: &mut AnyConnection,
    owners: &[i64],
) -> Result<HashMap<i64, Vec<Th::Target>>> {
    let mut related: HashMap<i64, Vec<Th::Target>> = HashMap::new();
    if owners.is_empty() {
        return Ok(related);
    }
    let (source, target) = Th::keys()?;
    let rows = Th::Join::__load(
        conn,
        &QuerySpec::matching(pointing(source, Lookup::In, ids_operand(owners))),
    )?;
    let links: Vec<(i64, i64)> = rows
        .iter()
        .filter_map(|row| {
            Some((
                row.field_value(source).as_i64()?,
                row.field_value(target).as_i64()?,
            ))
        })
        .collect();
    let mut target_ids: Vec<i64> = links.iter().map(|(_, t)| *t).collect();
    target_ids.sort_unstable();
    target_ids.dedup();
    if target_ids.is_empty() {
        return Ok(related);
    }
    let mut spec = QuerySpec::for_pks(
        Th::Target::schema(),
        target_ids.into_iter().map(Value::BigInt).collect(),
    );
    spec.order = QuerySpec::default_order(Th::Target::schema());
    let targets = Th::Target::__load(conn, &spec)?;
    for target in targets {
        for (source, _) in links.iter().filter(|(_, t)| t == target.pk()) {
            related.entry(*source).or_default().push(target.clone());
        }
    }
    Ok(related)
}
