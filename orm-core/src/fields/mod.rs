//! Field types beyond the scalars: foreign keys, many-to-many relations and
//! text choices.

pub(crate) mod choices;
mod foreign_key;
mod many_to_many;
mod many_to_many_ops;

pub use choices::Choices;
pub use foreign_key::{ForeignKey, OneToOne};
pub use many_to_many::{prefetch, CustomThrough, ManyToMany, ManyToManyManager, Through};
pub use many_to_many_ops::ManyToManyOps;
