use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Tag {
    pub id: i64,
    #[field(max_length = 20)]
    pub name: String,
}

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(related_name = "posts")]
    pub tags: ManyToMany<Tag>,
}

fn main() {}
