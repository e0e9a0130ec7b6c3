use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(list_per_page = 20)]
#[admin(list_per_page = 50)]
struct Post {
    pub id: i64,
}

fn main() {}
