use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(max_len = 100)]
    pub title: String,
}

fn main() {}
