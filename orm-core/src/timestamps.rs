//! What happens to an object's timestamps before it is written.

use chrono::{DateTime, SubsecRound, Utc};

use crate::schema::{FieldKind, ModelSchema};
use crate::value::Value;

/// The `auto_now` fields (always) and `auto_now_add` fields (on create) of
/// `schema`, each with `now` as its kind stores it: `(field index, value)`.
pub(crate) fn timestamp_values(
    schema: &ModelSchema,
    now: DateTime<Utc>,
    creating: bool,
) -> impl Iterator<Item = (usize, Value)> + '_ {
    // Databases keep microseconds: the object holds what will be stored.
    let now = now.trunc_subsecs(6);
    schema
        .fields
        .iter()
        .enumerate()
        .filter(move |(_, field)| field.auto_now || (creating && field.auto_now_add))
        .map(move |(index, field)| {
            let value = match field.kind {
                FieldKind::Date => Value::Date(now.date_naive()),
                FieldKind::Time => Value::Time(now.time()),
                _ => Value::DateTime(now),
            };
            (index, value)
        })
}
