use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(list_per_page = 0)]
struct Post {
    pub id: i64,
}

fn main() {}
