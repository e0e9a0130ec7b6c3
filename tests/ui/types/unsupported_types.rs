use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    pub title: &'static str,
    pub point: (i32, i32),
    pub tags: Vec<String>,
}

fn main() {}
