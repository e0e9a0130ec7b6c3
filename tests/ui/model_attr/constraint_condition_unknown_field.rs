use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(constraints(price_positive(check = "prize__gt=0")))]
struct Product {
    pub id: i64,
    pub price: i32,
}

fn main() {}
