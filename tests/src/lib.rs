//! Models and helpers shared by the integration tests.

pub mod backends;
pub mod models;
