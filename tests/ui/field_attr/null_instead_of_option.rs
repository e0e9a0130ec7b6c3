use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(max_length = 20, null)]
    pub subtitle: String,
}

fn main() {}
