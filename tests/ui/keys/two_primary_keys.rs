use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    #[field(primary_key)]
    pub id: i64,
    #[field(primary_key, max_length = 50)]
    pub slug: String,
}

fn main() {}
