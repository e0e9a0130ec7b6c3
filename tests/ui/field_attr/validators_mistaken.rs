use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
pub struct Tag {
    pub id: i64,
    #[field(validators = ["positive"])]
    pub rank: i32,
}

fn main() {}
