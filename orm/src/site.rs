//! [`Site`]: a project as its `main` declares it (its migrations, pages,
//! admin and commands) and what runs it.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use admin::AdminSite;
use axum::{middleware, Router};
use orm_core::Db;
use orm_migrations::{MigrationSource, Outcome, Project};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;

use crate::accounts::Accounts;
use crate::commands::{self, BuiltinCommand, Parsed, UserCommands};
use crate::hosts::AllowedHostsLayer;
use crate::settings::Settings;

/// Builds a project's pages from its database.
type PagesFn = Box<dyn Fn(Db) -> Router + Send + Sync>;
/// Configures the admin beyond its defaults.
type AdminFn = Box<dyn Fn(AdminSite) -> AdminSite + Send + Sync>;
/// Configures the account pages beyond their defaults.
type AccountsFn = Box<dyn Fn(Accounts) -> Accounts + Send + Sync>;

/// A project: its name, its apps' migrations, its pages, its admin and its
/// own commands. [`main`](Site::main) is its `manage.py`.
///
/// Users, groups, sessions and the admin's log come with every site: their
/// migrations are applied with the project's own.
pub struct Site {
    name: String,
    about: String,
    migrations: Vec<MigrationSource>,
    pages: Vec<PagesFn>,
    admin: Vec<AdminFn>,
    accounts: Vec<AccountsFn>,
    admin_header: String,
    settings_file: Option<PathBuf>,
    commands: Vec<UserCommands>,
    storage: Option<Arc<dyn orm_core::storage::Storage>>,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("name", &self.name)
            .field("migrations", &self.migrations.len())
            .field("settings_file", &self.settings_file)
            .finish_non_exhaustive()
    }
}

impl Site {
    /// A site named `name` (the binary's name in `--help`), with the admin
    /// at `/admin/` and settings from `settings.toml` in the working
    /// directory, when there is one, and the environment.
    pub fn new(name: impl Into<String>) -> Site {
        let name = name.into();
        Site {
            about: format!("{name}: manage and serve the site"),
            admin_header: format!("{name} administration"),
            name,
            migrations: Vec::new(),
            pages: Vec::new(),
            admin: Vec::new(),
            accounts: Vec::new(),
            settings_file: Some(PathBuf::from("settings.toml")),
            commands: Vec::new(),
            storage: None,
        }
    }

    /// Adds an app's migrations (`orm::embed_migrations!("app")`).
    pub fn migrations(mut self, source: MigrationSource) -> Site {
        self.migrations.push(source);
        self
    }

    /// Adds the project's own pages: a router built from the database,
    /// merged beside the admin.
    pub fn pages(mut self, pages: impl Fn(Db) -> Router + Send + Sync + 'static) -> Site {
        self.pages.push(Box::new(pages));
        self
    }

    /// Configures the account pages (`/accounts/login/` and the others,
    /// see [`accounts`](crate::accounts)): their path, where logging in
    /// leads, their HTML.
    pub fn accounts(
        mut self,
        configure: impl Fn(Accounts) -> Accounts + Send + Sync + 'static,
    ) -> Site {
        self.accounts.push(Box::new(configure));
        self
    }

    /// Stores uploaded files in `storage` rather than in the folder of
    /// `MEDIA_ROOT` (see [`orm_core::storage`]).
    pub fn storage(mut self, storage: impl orm_core::storage::Storage) -> Site {
        self.storage = Some(Arc::new(storage));
        self
    }

    /// The title at the top of every admin page (default `NAME
    /// administration`).
    pub fn admin_header(mut self, header: impl Into<String>) -> Site {
        self.admin_header = header.into();
        self
    }

    /// Configures the admin further (registers models without
    /// `#[admin(...)]`, moves it with `path`, ...).
    pub fn admin(
        mut self,
        configure: impl Fn(AdminSite) -> AdminSite + Send + Sync + 'static,
    ) -> Site {
        self.admin.push(Box::new(configure));
        self
    }

    /// Shows model `M` in the admin (also without `#[admin(...)]`) and
    /// keeps it in the program: a model in a library crate that nothing
    /// names may be left out by the linker, and with it from
    /// `makemigrations` and the admin. Django's `admin.site.register`.
    pub fn model<M: orm_core::model_admin::AdminModel>(self) -> Site {
        self.admin(|site| site.register::<M>())
    }

    /// Reads settings from this TOML file when it exists (default
    /// `settings.toml` in the working directory); `SETTINGS_FILE` in the
    /// environment names another.
    pub fn settings_file(mut self, path: impl Into<PathBuf>) -> Site {
        self.settings_file = Some(path.into());
        self
    }

    /// Adds the project's own commands: the subcommands of `C` (a
    /// `#[derive(clap::Subcommand)]` enum), each run by `handler` with the
    /// database of the settings.
    pub fn command<C, E>(mut self, handler: impl Fn(C, &Db) -> Result<(), E> + 'static) -> Site
    where
        C: clap::Subcommand + clap::FromArgMatches,
        E: std::fmt::Display,
    {
        self.commands.push(UserCommands::of(handler));
        self
    }

    /// Every app's migrations: auth, sessions, the admin's log and the
    /// project's own.
    pub fn project(&self) -> Project {
        let project = Project::new()
            .with(orm_contrib::auth::migrations())
            .with(orm_contrib::sessions::migrations())
            .with(admin::migrations());
        self.migrations
            .iter()
            .cloned()
            .fold(project, |project, source| project.with(source))
    }

    /// The settings: the settings file, then the environment.
    pub fn settings(&self) -> Result<Settings, crate::SettingsError> {
        Settings::load(self.settings_file.as_deref())
    }

    /// The whole site on `db`: the project's pages and the account pages
    /// (with sessions, CSRF protection and the user extractors), the admin
    /// at `/admin/`, the host check, request logging, compression (gzip or
    /// brotli, as the client accepts) and the body deadline.
    pub fn router(&self, db: Db, settings: &Settings) -> Router {
        match &self.storage {
            Some(storage) => orm_core::storage::set_default_storage(SharedStorage(storage.clone())),
            None => {
                orm_core::storage::set_default_storage(orm_core::storage::FileSystemStorage::new(
                    &settings.media_root,
                    &settings.media_url,
                ))
            }
        }
        let mut site = AdminSite::new(db.clone())
            .upload_limits(settings.upload_limits())
            .site_header(self.admin_header.clone())
            .secret_key(&settings.secret_key)
            .secure_cookies(settings.secure_cookies)
            .trusted_proxies(settings.trusted_proxies.clone());
        for configure in &self.admin {
            site = configure(site);
        }
        let mut accounts = Accounts::new(db.clone(), &settings.secret_key)
            .upload_limits(settings.upload_limits())
            .secure_cookies(settings.secure_cookies)
            .trusted_proxies(settings.trusted_proxies.clone());
        match settings.mailer() {
            Ok(mailer) => {
                if crate::mail::site_mailer().is_none() {
                    crate::mail::set_site_mailer(mailer.clone());
                }
                accounts = accounts.mailer(mailer);
            }
            Err(error) => tracing::warn!(%error, "no mailer: password reset emails are not sent"),
        }
        for configure in &self.accounts {
            accounts = configure(accounts);
        }
        let mut router = accounts.routes();
        for pages in &self.pages {
            router = router.merge(pages(db.clone()));
        }
        if settings.debug && self.storage.is_none() {
            // Uploaded files, served by the site itself on a development
            // machine only (a public site's web server serves MEDIA_ROOT).
            let prefix = settings.media_url.trim_end_matches('/');
            router = router.nest_service(
                prefix,
                tower_http::services::ServeDir::new(&settings.media_root),
            );
        }
        accounts
            .layer(router)
            .merge(admin::router(site))
            .layer(middleware::from_fn_with_state(
                settings.request_body_timeout,
                crate::body_deadline::limit_body_time,
            ))
            // The fastest level: pages answer in microseconds, and most of
            // the size goes at any level.
            .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
            .layer(AllowedHostsLayer::new(Arc::new(settings.clone())))
            .layer(TraceLayer::new_for_http())
    }

    /// Runs the command line of the process and exits with its status: a
    /// project's `main`.
    pub fn main(self) -> ExitCode {
        self.run(std::env::args_os())
    }

    /// Runs one command line (the program's name first). A failure prints
    /// one line, `error: ...`, and gives a non-zero status.
    pub fn run<I, T>(self, args: I) -> ExitCode
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = match commands::command(&self.name, &self.about, &self.commands)
            .try_get_matches_from(args)
        {
            Ok(matches) => matches,
            Err(e) => e.exit(),
        };
        let parsed = match commands::parse(&matches) {
            Ok(parsed) => parsed,
            Err(e) => e.exit(),
        };
        match self.execute(parsed) {
            Ok(outcome) => commands::exit_code(outcome),
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "error: {message}");
                ExitCode::from(1)
            }
        }
    }

    fn execute(&self, parsed: Parsed) -> Result<Outcome, String> {
        if let Parsed::Builtin(BuiltinCommand::Startapp { name, project }) = &parsed {
            return start_app(name, project.as_deref()).map(|()| Outcome::Done);
        }
        let settings = self.settings().map_err(|e| e.to_string())?;
        crate::server::init_logging(&settings.log_level);
        let open = || Db::open(&settings.database_url).map_err(|e| e.to_string());
        match parsed {
            Parsed::Builtin(BuiltinCommand::Runserver { addr }) => {
                let db = open()?;
                let app = self.router(db.clone(), &settings);
                let addr = addr.unwrap_or(settings.bind);
                crate::server::runserver(&self.project(), app, db, &settings, addr, self.name())
                    .map(|()| Outcome::Done)
            }
            Parsed::Builtin(BuiltinCommand::Check) => {
                crate::startup::check(&self.project(), &settings)
            }
            Parsed::Builtin(BuiltinCommand::Dumpdata {
                labels,
                indent,
                output,
            }) => crate::fixtures::dumpdata(&open()?, &labels, indent, output.as_deref())
                .map(|()| Outcome::Done),
            Parsed::Builtin(BuiltinCommand::Startapp { .. }) => Ok(Outcome::Done),
            Parsed::Builtin(BuiltinCommand::Loaddata { fixtures }) => {
                crate::fixtures::loaddata(&open()?, &fixtures, &mut std::io::stdout())
                    .map(|()| Outcome::Done)
            }
            Parsed::Migrations(command) => {
                let db = if commands::needs_database(&command) {
                    Some(open()?)
                } else {
                    None
                };
                let stdin = std::io::stdin();
                self.project()
                    .execute(
                        &command,
                        db.as_ref(),
                        &mut stdin.lock(),
                        &mut std::io::stdout(),
                    )
                    .map_err(|e| e.to_string())
            }
            Parsed::Auth(command) => {
                let db = open()?;
                let stdin = std::io::stdin();
                command
                    .execute(&db, &mut stdin.lock(), &mut std::io::stdout())
                    .map(|()| Outcome::Done)
                    .map_err(|e| e.to_string())
            }
            Parsed::User(matches) => {
                let db = open()?;
                for commands in &self.commands {
                    if let Some(result) = (commands.run)(&matches, &db) {
                        return result.map(|()| Outcome::Done);
                    }
                }
                Err("unknown command".to_owned())
            }
        }
    }

    /// The site's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// `startapp`: writes the app and says how to name it in the site.
fn start_app(name: &str, project: Option<&std::path::Path>) -> Result<(), String> {
    let project = project.unwrap_or_else(|| std::path::Path::new("."));
    let files = crate::startproject::start_app(name, project).map_err(|e| e.to_string())?;
    println!(
        "Wrote {} files to src/{name}/. Next, in src/lib.rs:",
        files.len()
    );
    println!("  pub mod {name};");
    println!("and in site():");
    println!("  .migrations({name}::migrations())");
    println!("  .pages({name}::views::router)");
    println!(
        "then add models to src/{name}/models.rs and run `cargo run -- makemigrations {name}`."
    );
    Ok(())
}

/// A storage the site was given, shared as the default one.
struct SharedStorage(Arc<dyn orm_core::storage::Storage>);

impl orm_core::storage::Storage for SharedStorage {
    fn save(&self, name: &str, content: &[u8]) -> std::io::Result<String> {
        self.0.save(name, content)
    }

    fn open(&self, name: &str) -> std::io::Result<Vec<u8>> {
        self.0.open(name)
    }

    fn delete(&self, name: &str) -> std::io::Result<()> {
        self.0.delete(name)
    }

    fn exists(&self, name: &str) -> bool {
        self.0.exists(name)
    }

    fn url(&self, name: &str) -> String {
        self.0.url(name)
    }
}
