use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Tagged<T> {
    pub id: i64,
    pub value: T,
}

fn main() {}
