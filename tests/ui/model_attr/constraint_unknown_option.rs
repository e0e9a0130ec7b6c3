use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(constraints(one_code(unique = ["code"], when = "live=true")))]
struct Product {
    pub id: i64,
    #[field(max_length = 20)]
    pub code: String,
    pub live: bool,
}

fn main() {}
