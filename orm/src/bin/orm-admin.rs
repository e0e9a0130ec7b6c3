//! `orm-admin`: what runs before there is a project (Django's
//! `django-admin`).
//!
//! ```sh
//! cargo run -p orm --bin orm-admin -- startproject mysite ../mysite
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "orm-admin", about = "Start a new project")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a new project that builds at once: models, a page, the admin,
    /// settings, a test.
    Startproject {
        /// The project's name: lower-case letters, digits and `_`.
        name: String,
        /// Where to write it (default: a new folder named NAME here).
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let Command::Startproject { name, dir } = Cli::parse().command;
    let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
    // This crate's folder, as the new project's path dependency.
    let orm_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match orm::startproject::start_project(&name, &dir, &orm_path) {
        Ok(files) => {
            println!("Wrote {} files to {}. Next:", files.len(), dir.display());
            println!("  cd {}", dir.display());
            println!("  cargo run -- makemigrations");
            println!("  cargo run");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
