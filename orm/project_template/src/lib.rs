//! The __project__ site: its models and pages, with the admin, users and
//! sessions that `orm` adds.

pub mod models;
pub mod views;

/// The site: its migrations, its pages beside the admin at `/admin/`, its
/// models and its settings file.
pub fn site() -> orm::Site {
    orm::Site::new("__project__")
        .migrations(orm::embed_migrations!("__project__"))
        .pages(views::router)
        .model::<models::Note>()
        .settings_file(concat!(env!("CARGO_MANIFEST_DIR"), "/settings.toml"))
}
