use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(search_fields = ["title", "views"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub views: i64,
}

fn main() {}
