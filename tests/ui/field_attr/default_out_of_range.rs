use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(default = 70000)]
    pub rank: i16,
}

fn main() {}
