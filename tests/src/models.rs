//! The seed's blog models (with a stand-in `Author` until auth lands) and a
//! model with one field of every kind.

#![allow(missing_docs)]

use orm_core::prelude::*;

#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(app_label = "blog", ordering = ["username"])]
pub struct Author {
    pub id: i64,
    #[field(max_length = 150, unique)]
    pub username: String,
    #[field(email, blank)]
    pub email: String,
}

#[derive(Model, Debug, Clone, serde::Serialize)]
#[model(app_label = "blog", ordering = ["-published_date"], indexes(["slug"], ["-published_date"]))]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
    #[field(slug, unique)]
    pub slug: String,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<Author>,
    #[field(text)]
    pub content: String,
    #[field(auto_now_add)]
    pub published_date: DateTime<Utc>,
    #[field(auto_now)]
    pub updated_date: DateTime<Utc>,
    #[field(default = false)]
    pub is_published: bool,
}

impl std::fmt::Display for Article {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.title)
    }
}
