use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Author {
    pub id: i64,
    #[field(max_length = 20)]
    pub name: String,
}

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(on_delete = Cascade, related_name = "my-posts")]
    pub author: ForeignKey<Author>,
}

fn main() {}
