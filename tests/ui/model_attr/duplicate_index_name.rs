use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(indexes(recent = ["-id"], ["title"], recent = ["-title"], ["title"]))]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
}

fn main() {}
