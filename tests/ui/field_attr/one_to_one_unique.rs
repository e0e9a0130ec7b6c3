use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Member {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
struct Profile {
    pub id: i64,
    #[field(on_delete = Cascade, unique)]
    pub member: OneToOne<Member>,
}

fn main() {}
