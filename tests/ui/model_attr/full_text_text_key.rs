use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(full_text = ["title"])]
struct Post {
    #[field(primary_key, max_length = 20)]
    pub code: String,
    #[field(max_length = 100)]
    pub title: String,
}

fn main() {}
