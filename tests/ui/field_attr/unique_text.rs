use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(text, unique)]
    pub body: String,
}

fn main() {}
