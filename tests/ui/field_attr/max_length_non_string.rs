use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(max_length = 10)]
    pub views: i32,
}

fn main() {}
