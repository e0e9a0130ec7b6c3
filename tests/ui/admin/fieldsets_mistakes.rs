use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
#[admin(
    fields = ["title"],
    fieldsets = [("", ["title", "nope"]), ("More", ["title"], "folded")]
)]
pub struct Page {
    pub id: i64,
    #[field(max_length = 20)]
    pub title: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
#[admin(fieldsets = [("", ["title", "nope"]), ("More", ["title"])], fields = ["title"])]
pub struct Post {
    pub id: i64,
    #[field(max_length = 20)]
    pub title: String,
}

fn main() {}
