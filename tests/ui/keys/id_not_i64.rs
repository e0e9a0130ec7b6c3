use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: String,
}

fn main() {}
