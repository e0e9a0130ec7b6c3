use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(actions = [actions::publish])]
struct Post {
    pub id: i64,
}

mod actions {}

fn main() {}
