//! The names the code `#[derive(Model)]` generates reaches, in one place.
//! Not a public API: it changes whenever the derive does. Only re-exports:
//! what they name lives in the module named for its job.

#![allow(missing_docs, unreachable_pub)]

pub use diesel;
pub use inventory;

#[cfg(feature = "mysql")]
pub use crate::db::dispatch::mysql_inserted_keys;
pub use crate::db::dispatch::{returned_keys, rows_per_insert, set_keys};
pub use crate::db::WriteGuard;
pub use crate::db::{planned_rows, AnyConnection, MultiBackend};
pub use crate::error::{Error, Result};
pub use crate::fields::choices::choices_max_length;
pub use crate::fields::ManyToMany;
pub use crate::fields::{Choices, ForeignKey};
pub use crate::forms::Form;
pub use crate::model::{Model, ModelOps, RegisteredModel};
pub use crate::model_admin::{load_with_loaded_reprs, AdminModel, AdminOps, RegisteredAdmin};
pub use crate::placeholder::placeholder;
pub use crate::query::aggregate::aggregate;
pub use crate::query::compile::{
    apply_spec, bad_row, bad_value, condition_tree, unknown_field, write_filter,
};
pub use crate::query::join::{assert_model, JoinTarget};
pub use crate::query::joined_load::load_through_joins;
pub use crate::query::locking::lock_rows;
pub use crate::query::related::fill_related;
pub use crate::query::{
    Aggregate, Condition, Field, Lookup, Operand, OrderBy, QuerySpec, SqlCondition, Q,
};
pub use crate::query::{
    ColumnVisitor, Decimal, Joined, ModelColumns, NullableOnJoined, Number, OnJoined, Ordered,
    Plain, Text,
};
pub use crate::repr::{DisplayWith, OptionText};
pub use crate::schema::*;
pub use crate::validation::{Clean, ValidationErrors};
pub use crate::value::{db_value, FieldType, Value, ValueTypeError};
pub use crate::{
    __if_mysql, __if_postgres, __insert_keys, __on_own_connection, __placeholder_model,
};
pub use std::borrow::Cow;
