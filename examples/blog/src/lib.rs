//! The seed's blog: its models, public pages and demo data, as a project
//! on the `orm` framework. `main.rs` is its `manage.py`; tests and
//! benchmarks build the same [`site`].

pub mod models;
pub mod seed;
pub mod signals;
pub mod views;

/// The blog: its migrations, its public pages beside the admin, its
/// settings file (`examples/blog/settings.toml`, for local use) and the
/// `seed` command.
pub fn site() -> orm::Site {
    link_models();
    signals::connect();
    orm::Site::new("blog")
        .migrations(orm::embed_migrations!("blog"))
        .pages(views::router)
        .accounts(|accounts| accounts.pages(views::BlogAccountPages))
        .admin_header("Blog administration")
        .settings_file(concat!(env!("CARGO_MANIFEST_DIR"), "/settings.toml"))
        .command(seed::SeedCommand::run)
}

/// Applies every pending migration to `db` (`migrate`), reporting on `out`.
pub fn migrate(db: &orm::Db, out: &mut dyn std::io::Write) -> Result<(), orm::migrations::Error> {
    site().project().migrate(db, None, None, out).map(|_| ())
}

/// Names the models so the linker keeps them in the registry.
pub fn link_models() {
    let _ = <models::Article as orm::Model>::schema();
    let _ = <models::Comment as orm::Model>::schema();
    let _ = <orm::admin::LogEntry as orm::Model>::schema();
}
