use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(unique_together = [["title", "author"]])]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
}

fn main() {}
