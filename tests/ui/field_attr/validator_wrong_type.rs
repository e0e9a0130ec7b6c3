use orm_core::prelude::*;

fn positive(n: &i32) -> Result<(), String> {
    if *n > 0 { Ok(()) } else { Err("must be positive".into()) }
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
pub struct Tag {
    pub id: i64,
    #[field(max_length = 20, validators = [positive])]
    pub name: String,
    #[field(validators = [positive])]
    pub rank: i32,
}

fn main() {}
