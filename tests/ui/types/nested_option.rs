use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    pub rating: Option<Option<i32>>,
}

fn main() {}
