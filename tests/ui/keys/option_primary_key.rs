use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    #[field(primary_key, max_length = 50)]
    pub code: Option<String>,
}

fn main() {}
