//! Which databases the tests run on.

/// Placeholder.
pub fn placeholder() {}
