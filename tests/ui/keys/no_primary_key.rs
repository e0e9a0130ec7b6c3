use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    #[field(max_length = 100)]
    pub title: String,
}

fn main() {}
