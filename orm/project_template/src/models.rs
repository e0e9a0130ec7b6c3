//! The project's models. Add a field or a model, then `cargo run --
//! makemigrations` and `cargo run -- migrate`; name a new model in
//! `site()` (`.model::<NewModel>()`).

use orm::prelude::*;

/// A note, listed on the home page and edited in the admin.
#[derive(Model, Debug, Clone)]
#[model(ordering = ["-created"], display = "{title}")]
#[admin(list_display = ["title", "created"], search_fields = ["title", "body"])]
pub struct Note {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    #[field(text, blank)]
    pub body: String,
    #[field(auto_now_add)]
    pub created: DateTime<Utc>,
}
