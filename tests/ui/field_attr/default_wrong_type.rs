use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(default = "x")]
    pub is_published: bool,
}

fn main() {}
