use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(
    indexes(by_code(fields = ["code"], condition = "live=true")),
    constraints(by_code(unique = ["code"]), positive(check = "price__gt=0"), positive(check = "price__lt=100")),
)]
struct Product {
    pub id: i64,
    #[field(max_length = 20)]
    pub code: String,
    pub price: i32,
    pub live: bool,
}

fn main() {}
