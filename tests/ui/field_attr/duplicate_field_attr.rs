use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(max_length = 100, unique)]
    #[field(max_length = 200)]
    pub title: String,
}

fn main() {}
