//! The errors of the contrib apps' commands.

/// What can stop a command such as `createsuperuser`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The command refused its input or could not read it; the message
    /// says why (`the username 'admin' is already taken`).
    #[error("{0}")]
    Command(String),
    /// A database error.
    #[error(transparent)]
    Database(#[from] orm_core::Error),
}
