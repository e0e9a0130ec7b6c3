use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(full_text = ["title", "body"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
}

fn main() {}
