//! Field types beyond the scalars: foreign keys and text choices.

mod choices;
mod foreign_key;

pub use choices::Choices;
pub use foreign_key::ForeignKey;
