use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(slug, email)]
    pub handle: String,
}

fn main() {}
