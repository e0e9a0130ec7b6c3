//! The blog's `manage.py`: `cargo run -p blog -- <command>`.

mod models;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use migrations_cli::{embed_migrations, MigrationCommand, MigrationSource, Outcome, Project};
use orm_core::Db;

/// The blog's own migrations, compiled into the binary.
const BLOG_MIGRATIONS: MigrationSource = embed_migrations!("blog");

#[derive(Parser)]
#[command(name = "blog", about = "The seed's blog, Django-style")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Migrations(MigrationCommand),
}

fn project() -> Project {
    Project::new()
        .with(migrations_cli::auth_migrations())
        .with(migrations_cli::sessions_migrations())
        .with(BLOG_MIGRATIONS)
}

fn run(cli: Cli) -> Result<Outcome, String> {
    // Name the models so the linker keeps them in the registry.
    let _ = <models::Article as orm_core::Model>::schema();
    match cli.command {
        Command::Migrations(command) => {
            let needs_db = !matches!(command, MigrationCommand::Makemigrations { .. });
            let db = if needs_db {
                Some(Db::from_env().map_err(|e| e.to_string())?)
            } else {
                None
            };
            let stdin = std::io::stdin();
            project()
                .execute(
                    &command,
                    db.as_ref(),
                    &mut stdin.lock(),
                    &mut std::io::stdout(),
                )
                .map_err(|e| e.to_string())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::ChangesDetected) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}
