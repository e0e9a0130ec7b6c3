use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(display = "{title} {data}")]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub data: Vec<u8>,
}

fn main() {}
