use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(list_filter = ["is_published", "title"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub is_published: bool,
}

fn main() {}
