use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(readonly_fields = ["created"])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
}

fn main() {}
