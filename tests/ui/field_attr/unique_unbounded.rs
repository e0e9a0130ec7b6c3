use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(unique)]
    pub title: String,
    #[field(index)]
    pub data: serde_json::Value,
}

fn main() {}
