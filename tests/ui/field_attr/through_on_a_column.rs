use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
pub struct Person {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
pub struct Club {
    pub id: i64,
    #[field(on_delete = Cascade, through = Person)]
    pub owner: ForeignKey<Person>,
    #[field(through = "Membership")]
    pub members: ManyToMany<Person>,
}

fn main() {}
