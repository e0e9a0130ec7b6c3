//! Foreign-key targets loaded for a batch of rows with one more query.

use crate::db::AnyConnection;
use crate::error::Result;
use crate::fields::ForeignKey;
use crate::model::Model;
use crate::query::QuerySpec;
use crate::value::Value;

/// Loads the targets of one foreign key for a batch of rows with one query
/// and attaches them to the rows.
pub fn fill_related<M, T, F>(conn: &mut AnyConnection, rows: &mut [M], mut field: F) -> Result<()>
where
    M: Model,
    T: Model<Pk = i64>,
    F: FnMut(&mut M) -> Option<&mut ForeignKey<T>>,
{
    let mut ids: Vec<i64> = rows
        .iter_mut()
        .filter_map(|row| field(row).map(|fk| fk.id()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let spec = QuerySpec::for_pks(T::schema(), ids.into_iter().map(Value::BigInt).collect());
    let targets: std::collections::HashMap<i64, std::sync::Arc<T>> = T::__load(conn, &spec)?
        .into_iter()
        .map(|t| (*t.pk(), std::sync::Arc::new(t)))
        .collect();
    for row in rows.iter_mut() {
        if let Some(fk) = field(row) {
            if let Some(target) = targets.get(&fk.id()) {
                fk.set_loaded(target.clone());
            }
        }
    }
    Ok(())
}
