//! Queries: typed field handles, condition trees and `QuerySet`.

pub mod aggregate;
pub(crate) mod bound;
pub(crate) mod bulk;
mod chunks;
mod column_kind;
mod columns;
pub mod compile;
mod create_or;
mod dates;
mod deferred;
mod edges;
mod expressions;
pub(crate) mod field;
mod filter;
mod full_text;
mod functions;
pub(crate) mod join;
pub(crate) mod joined_load;
mod json;
pub(crate) mod locking;
mod lookup;
mod parse;
mod path;
mod prefetch;
mod queryset;
pub(crate) mod related;
mod related_path;
mod relations;
mod search;
mod spec;
mod sql;
mod values;

pub use bulk::OnConflict;
pub(crate) use bulk::{bulk_update, bulk_upsert};
pub use chunks::Chunks;
pub use column_kind::{
    Basic, Built, ColumnKind, Comparison, Decimal, Equality, Extremes, Folds, Number, Ordered,
    Plain, Text, TextLike, TextSearch,
};
pub use columns::{ColumnVisitor, ModelColumns};
pub use dates::{Dated, OnDate, Part, Span, SpanUnit, Timed, Year};
pub use deferred::{Deferred, Partial};
pub use edges::field_edges;
pub use expressions::{Expr, IntoExpr, Numeric, F};
pub(crate) use field::pointing_at;
pub use field::{Field, OrderBy, Ordering, PointsAt, TextField};
pub use filter::Filter;
pub use full_text::{
    full_text_words, resolve as resolve_full_text, FULL_TEXT_KEYS, MAX_FULL_TEXT_WORDS,
};
pub use functions::{Coalesce, Concat, Extract, ExtractYear, Length, Lower, Now, Trunc, Upper};
pub use join::{Joined, NullableOnJoined, OnJoined};
pub use json::{JsonField, JsonKey};
pub use locking::Lock;
pub(crate) use lookup::Tree;
pub use lookup::{
    escape_like, like_pattern, Compare, Condition, DatePart, JsonTest, Lookup, Operand, TruncUnit,
    Q,
};
pub(crate) use parse::split_lookup;
pub use parse::{condition_from_text, parse_value, q_from_text};
pub use path::{field_path, values_across, FieldPath};
pub use prefetch::{Fetch, Prefetch};
pub use queryset::{Aggregate, Assignment, QuerySet};
pub use related_path::{AfterKey, IntoRelated, RelatedPath};
pub use search::{search_by_names, search_condition, search_words, MAX_SEARCH_WORDS};
pub use spec::QuerySpec;
pub use sql::{Fragment, SqlCondition, SqlExpr, SqlOrder};
pub use values::{Agg, FromValues, Row, Values};
