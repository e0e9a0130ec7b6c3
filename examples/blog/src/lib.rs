//! The seed's blog: its models, public pages, admin, server and commands.
//! `main.rs` is its `manage.py`; tests and benchmarks use the same pieces.

pub mod body_deadline;
pub mod models;
pub mod seed;
pub mod server;
pub mod settings;
pub mod startup;
pub mod views;

use orm_migrations::{embed_migrations, MigrationSource, Project};

/// The blog's own migrations, compiled into the binary.
const BLOG_MIGRATIONS: MigrationSource = embed_migrations!("blog");

/// Every app's migrations: auth, sessions, the admin log and the blog.
pub fn project() -> Project {
    Project::new()
        .with(orm_contrib::auth::migrations())
        .with(orm_contrib::sessions::migrations())
        .with(admin::migrations())
        .with(BLOG_MIGRATIONS)
}

/// Applies every pending migration to `db` (`migrate`), reporting on `out`.
pub fn migrate(
    db: &orm_core::Db,
    out: &mut dyn std::io::Write,
) -> Result<(), orm_migrations::Error> {
    project().migrate(db, None, None, out).map(|_| ())
}

/// Names the models so the linker keeps them in the registry.
pub fn link_models() {
    let _ = <models::Article as orm_core::Model>::schema();
    let _ = <admin::LogEntry as orm_core::Model>::schema();
}
