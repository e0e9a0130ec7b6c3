//! Objects read through joins the model's typed statement does not make:
//! `select_related` along chains of foreign keys (`author__team`), and an
//! ordering by a field across them (`author__username`). One statement
//! reads every field of the model and of each target selected, with a join
//! per chain (shared by the chains and sort keys that begin alike); its
//! rows are cut into one object per model, and each target is given to the
//! key that points at it, the deepest first.
//!
//! Sorting through the join, rather than reading the sort key with a
//! subquery per row, lets the database start from the joined table's index
//! and stop at the `LIMIT`.
//!
//! The targets' types are not known here: each is built and linked through
//! its model's [`ModelOps`] (`from_values`, `set_related`), found by the
//! label its key names.

use std::any::Any;
use std::sync::Arc;

use super::columns::ModelColumns;
use super::path::{step, FieldPath};
use super::spec::QuerySpec;
use super::values::Values;
use crate::db::AnyConnection;
use crate::error::Result;
use crate::model::{Model, ModelOps};
use crate::schema::ModelSchema;
use crate::value::Value;

/// One target along the chains: the keys that reach it from the model.
struct Node {
    /// The keys followed, first from the model.
    keys: Vec<usize>,
    /// The node whose object holds the last key; `None` for the model's.
    parent: Option<usize>,
    ops: ModelOps,
    schema: &'static ModelSchema,
}

impl Node {
    /// The key pointing at this node's object, in its parent's schema.
    fn key(&self) -> usize {
        self.keys[self.keys.len() - 1]
    }
}

/// The rows of `spec` with every target of its `select_related` keys and
/// chains loaded, when it has chains of more than one key or sorts by a
/// field across a key; `None` (the caller's own loader then runs)
/// otherwise.
pub fn load_through_joins<M: ModelColumns>(
    conn: &mut AnyConnection,
    spec: &QuerySpec,
) -> Result<Option<Vec<M>>> {
    let across = spec.order.iter().any(|o| !o.path.is_empty());
    if spec.select_related_deep.is_empty() && !across {
        return Ok(None);
    }
    let schema = M::schema();
    let nodes = nodes(schema, spec)?;
    let mut paths: Vec<FieldPath> = fields_of(schema, Vec::new());
    for node in &nodes {
        paths.extend(fields_of(node.schema, node.keys.clone()));
    }
    let plain = QuerySpec {
        select_related: Vec::new(),
        select_related_deep: Vec::new(),
        ..spec.clone()
    };
    let plain = super::full_text::resolve::<M>(conn, &plain)?;
    let rows = Values::<M>::of_paths(plain.into_owned(), paths).all(conn)?;
    rows.into_iter()
        .map(|row| assemble::<M>(&nodes, row.into_values()))
        .collect::<Result<Vec<M>>>()
        .map(Some)
}

/// Every target along `spec`'s keys and chains, each once, a parent before
/// its children.
fn nodes(schema: &'static ModelSchema, spec: &QuerySpec) -> Result<Vec<Node>> {
    let mut chains: Vec<Vec<usize>> = spec.select_related.iter().map(|&k| vec![k]).collect();
    chains.extend(spec.select_related_deep.iter().cloned());
    let mut nodes: Vec<Node> = Vec::new();
    for chain in chains {
        let mut model = schema;
        let mut parent = None;
        for end in 1..=chain.len() {
            let keys = &chain[..end];
            let known = nodes.iter().position(|n| n.keys == keys);
            let at = match known {
                Some(at) => at,
                None => {
                    let step = step(model, keys[end - 1])?;
                    nodes.push(Node {
                        keys: keys.to_vec(),
                        parent,
                        ops: step.ops,
                        schema: step.target,
                    });
                    nodes.len() - 1
                }
            };
            model = nodes[at].schema;
            parent = Some(at);
        }
    }
    Ok(nodes)
}

/// Every field of `schema`'s model, reached through `keys`.
fn fields_of(schema: &'static ModelSchema, keys: Vec<usize>) -> Vec<FieldPath> {
    (0..schema.fields.len())
        .map(|field| FieldPath {
            path: keys.clone(),
            field,
            model: schema,
        })
        .collect()
}

/// The model's object of one row, its targets given to their keys.
fn assemble<M: Model>(nodes: &[Node], mut values: Vec<Value>) -> Result<M> {
    // Cut the row from the end: the last node's fields come last.
    let mut parts: Vec<Vec<Value>> = Vec::with_capacity(nodes.len());
    for node in nodes.iter().rev() {
        let at = values.len().saturating_sub(node.schema.fields.len());
        parts.push(values.split_off(at));
    }
    parts.reverse();
    let mut objects: Vec<Option<Box<dyn Any + Send + Sync>>> = Vec::with_capacity(nodes.len());
    for (node, part) in nodes.iter().zip(parts) {
        // A key that is NULL, or points at no row, joins only NULLs.
        let found = part
            .get(node.schema.pk_index())
            .is_some_and(|pk| !pk.is_null());
        objects.push(if found {
            Some((node.ops.from_values)(part)?)
        } else {
            None
        });
    }
    let mut object = M::__from_values(values)?;
    // Children come after their parents: link from the last node back.
    for at in (0..nodes.len()).rev() {
        let Some(target) = objects[at].take() else {
            continue;
        };
        let target: Arc<dyn Any + Send + Sync> = Arc::from(target);
        let node = &nodes[at];
        match node.parent {
            Some(parent) => {
                if let Some(holder) = objects[parent].as_deref_mut() {
                    (nodes[parent].ops.set_related)(holder, node.key(), target);
                }
            }
            None => {
                object.__set_related(node.key(), target);
            }
        }
    }
    Ok(object)
}
