//! The command line of the auth commands (the `cli` feature):
//! [`AuthCommand`], clap subcommands a binary embeds in its own command line
//! with `#[command(flatten)]`, next to the migration commands.

use std::io::{BufRead, Write};

use orm_core::Db;

use super::commands::{changepassword, createsuperuser};
use crate::Error;

/// The auth commands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum AuthCommand {
    /// Create a superuser: the password is asked twice, or read from
    /// ORM_SUPERUSER_PASSWORD with --noinput.
    Createsuperuser {
        /// The login name.
        #[arg(long)]
        username: Option<String>,
        /// The e-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Never ask; the password comes from ORM_SUPERUSER_PASSWORD.
        #[arg(long)]
        noinput: bool,
    },
    /// Change a user's password (asked twice).
    Changepassword {
        /// The user's login name.
        username: String,
    },
}

impl AuthCommand {
    /// Runs the command on `db`; `input` answers its questions (the
    /// password, asked twice, is read hidden from a terminal).
    pub fn execute(
        &self,
        db: &Db,
        input: &mut dyn BufRead,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        match self {
            AuthCommand::Createsuperuser {
                username,
                email,
                noinput,
            } => createsuperuser(
                db,
                username.as_deref(),
                email.as_deref(),
                *noinput,
                input,
                out,
            ),
            AuthCommand::Changepassword { username } => changepassword(db, username, input, out),
        }
    }
}
