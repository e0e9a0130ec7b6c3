use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(list_display = ["title"], list_display_links = ["slug"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    #[field(slug)]
    pub slug: String,
}

fn main() {}
