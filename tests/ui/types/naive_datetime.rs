use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    pub created: chrono::NaiveDateTime,
    pub updated: Option<DateTime<chrono::Local>>,
}

fn main() {}
