use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
enum Post {
    Draft { id: i64 },
    Published { id: i64 },
}

fn main() {}
