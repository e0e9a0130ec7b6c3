use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(constraints(code_any_case(unique = ["Length(code)"]), other(unique = ["Lower(cod)"])))]
struct Product {
    pub id: i64,
    #[field(max_length = 20)]
    pub code: String,
}

fn main() {}
