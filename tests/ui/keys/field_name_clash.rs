use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[allow(non_snake_case)]
struct Post {
    pub id: i64,
    pub table: i32,
    pub fooBar: i32,
    pub foobar: i32,
}

fn main() {}
