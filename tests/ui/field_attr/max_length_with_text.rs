use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(text, max_length = 500)]
    pub body: String,
}

fn main() {}
