use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(max_length = 10, choices = [("draft", "Draft"), ("pub", "Published")], default = "Draft")]
    pub status: String,
}

fn main() {}
