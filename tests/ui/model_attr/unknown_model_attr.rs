use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(tabel = "blog_post")]
struct Post {
    pub id: i64,
}

fn main() {}
