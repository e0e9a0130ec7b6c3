use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(auto_now, auto_now_add)]
    pub updated: DateTime<Utc>,
}

fn main() {}
