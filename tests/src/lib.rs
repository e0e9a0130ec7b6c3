//! Models and helpers shared by the integration tests.

pub mod admin_app;
pub mod admin_models;
pub mod backends;
pub mod commands;
pub mod models;
