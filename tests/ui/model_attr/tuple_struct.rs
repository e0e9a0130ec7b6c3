use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Post(i64, String);

fn main() {}
