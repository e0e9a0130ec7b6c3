use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Tag {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
#[admin(list_display = ["title", "tags"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub tags: ManyToMany<Tag>,
}

fn main() {}
