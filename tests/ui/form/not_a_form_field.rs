use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
pub struct Tag {
    pub id: i64,
}

#[derive(Form)]
#[form(clean, ordering = ["x"])]
pub struct Tagging {
    pub tags: ManyToMany<Tag>,
    #[field(max_length = 5)]
    pub count: i32,
}

fn main() {}
