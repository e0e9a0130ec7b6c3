use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(auto_now)]
    pub updated: i64,
}

fn main() {}
