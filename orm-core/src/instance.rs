//! What happens to an instance before it is written: timestamps.

use chrono::{DateTime, SubsecRound, Utc};

use crate::error::Result;
use crate::model::Model;
use crate::schema::FieldKind;
use crate::value::Value;

/// Sets `auto_now` fields (always) and `auto_now_add` fields (on create) to
/// `now`.
pub(crate) fn touch_timestamps<M: Model>(
    model: &mut M,
    now: DateTime<Utc>,
    creating: bool,
) -> Result<()> {
    // Databases keep microseconds: the object holds what will be stored.
    let now = now.trunc_subsecs(6);
    for (index, field) in M::schema().fields.iter().enumerate() {
        if field.auto_now || (creating && field.auto_now_add) {
            let value = match field.kind {
                FieldKind::Date => Value::Date(now.date_naive()),
                FieldKind::Time => Value::Time(now.time()),
                _ => Value::DateTime(now),
            };
            model.set_field_value(index, value)?;
        }
    }
    Ok(())
}
