//! The blog's `manage.py`: `cargo run -p blog -- <command>`.

use std::net::SocketAddr;

/// A faster allocator than the system's for a server's many small strings.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use blog::{project, seed, server, settings, startup};
use clap::{Parser, Subcommand};
use orm_contrib::auth::AuthCommand;
use orm_core::Db;
use orm_migrations::{MigrationCommand, Outcome};

#[derive(Parser)]
#[command(name = "blog", about = "The seed's blog, Django-style")]
struct Cli {
    /// What to do (default: runserver).
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Migrations(MigrationCommand),
    #[command(flatten)]
    Auth(AuthCommand),
    /// Fill the database with demo users and articles.
    Seed {
        /// How many users to create.
        #[arg(long, default_value_t = 5)]
        users: usize,
        /// How many articles to create.
        #[arg(long, default_value_t = 100)]
        articles: usize,
    },
    /// Apply pending migrations and serve the blog and its admin.
    Runserver {
        /// The address to listen on.
        #[arg(default_value = "127.0.0.1:8000")]
        addr: SocketAddr,
    },
}

fn run(cli: Cli) -> Result<Outcome, String> {
    // Name the models so the linker keeps them in the registry.
    blog::link_models();
    match cli.command.unwrap_or(Command::Runserver {
        addr: SocketAddr::from(([127, 0, 0, 1], 8000)),
    }) {
        Command::Runserver { addr } => runserver(addr).map(|()| Outcome::Done),
        Command::Seed { users, articles } => {
            let db = Db::from_env().map_err(|e| e.to_string())?;
            seed::seed(&db, users, articles).map(|()| Outcome::Done)
        }
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
        Command::Auth(command) => {
            let db = Db::from_env().map_err(|e| e.to_string())?;
            let stdin = std::io::stdin();
            command
                .execute(&db, &mut stdin.lock(), &mut std::io::stdout())
                .map(|()| Outcome::Done)
                .map_err(|e| e.to_string())
        }
    }
}

/// Migrates, creates the first superuser when there is no user, serves.
fn runserver(addr: SocketAddr) -> Result<(), String> {
    let db = Db::from_env().map_err(|e| e.to_string())?;
    let settings = settings::Settings::from_env()?;
    let mut out = std::io::stdout();
    blog::migrate(&db, &mut out).map_err(|e| e.to_string())?;
    let runtime = server::runtime().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        if let Some(first) = startup::ensure_superuser(&db).await? {
            println!();
            println!(
                "Created the superuser \"{}\" with the password: {}",
                first.username, first.password
            );
            println!("It is shown only this once: log in at /admin/ and change it.");
            println!();
        }
        server::serve(server::app(db, &settings), addr, &settings).await
    })
}

fn main() -> ExitCode {
    init_logging();
    match run(Cli::parse()) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::ChangesDetected) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// Logs to stderr; `RUST_LOG` overrides the default level.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
