//! Django-style migrations for orm-core models.

pub mod error;
pub mod operation;
pub mod state;
pub mod questioner;
pub mod autodetector;

pub use error::Error;
pub use operation::Operation;
pub use state::ProjectState;
