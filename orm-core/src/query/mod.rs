//! Queries: typed field handles, condition trees and `QuerySet`.

mod field;
mod lookup;
mod parse;
mod queryset;
mod spec;

pub use field::{Field, OrderBy, Ordering, TextField};
pub use lookup::{escape_like, like_pattern, Condition, Lookup, Operand, Q};
pub use parse::{condition_from_text, parse_value};
pub use queryset::{Aggregate, Assignment, Filter, QuerySet};
pub use spec::QuerySpec;
