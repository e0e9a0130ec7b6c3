use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(on_delete = Cascade)]
    pub author_id: i64,
}

fn main() {}
