use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(fields = ["title"], exclude = ["body"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    #[field(text)]
    pub body: String,
}

fn main() {}
