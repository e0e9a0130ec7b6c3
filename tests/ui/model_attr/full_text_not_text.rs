use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(full_text = ["title", "views"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub views: i64,
}

fn main() {}
