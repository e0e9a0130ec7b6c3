use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui", clean)]
pub struct Tag {
    pub id: i64,
}

fn main() {}
