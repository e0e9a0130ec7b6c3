use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(max_lenght = 100)]
    pub title: String,
    #[field(auto_now)]
    pub views: i32,
    pub tags: Vec<String>,
}

fn main() {}
