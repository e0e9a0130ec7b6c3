use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Price {
    pub id: i64,
    #[field(max_digits = 0, decimal_places = 0)]
    pub amount: BigDecimal,
}

fn main() {}
