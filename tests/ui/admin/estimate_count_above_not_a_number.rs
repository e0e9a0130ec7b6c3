use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(estimate_count_above = "many")]
struct Post {
    pub id: i64,
}

fn main() {}
