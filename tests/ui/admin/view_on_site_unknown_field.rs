use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
#[admin(view_on_site = "/pages/{slug}/")]
pub struct Page {
    pub id: i64,
    #[field(max_length = 20)]
    pub title: String,
}

fn main() {}
