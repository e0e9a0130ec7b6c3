use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    #[field(max_length = 100, db_column = "title")]
    pub headline: String,
}

fn main() {}
