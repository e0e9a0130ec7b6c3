use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(prepopulated_fields(slug = ["title", "views"]))]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    #[field(slug)]
    pub slug: String,
    pub views: i64,
}

fn main() {}
