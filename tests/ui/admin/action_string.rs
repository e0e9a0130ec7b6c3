use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(actions = ["publish"])]
struct Post {
    pub id: i64,
}

fn main() {}
