use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(table = "posts")]
#[model(table = "blog_posts")]
struct Post {
    pub id: i64,
}

fn main() {}
