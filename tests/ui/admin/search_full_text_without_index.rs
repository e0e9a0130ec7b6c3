use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(full_text = ["title"])]
#[admin(search_fields = ["@title", "@body"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    #[field(text)]
    pub body: String,
}

fn main() {}
