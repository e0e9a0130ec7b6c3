use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(search_fields = "title")]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
}

fn main() {}
