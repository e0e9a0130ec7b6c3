use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
#[admin(raw_id_fields = ["author"], autocomplete_fields = ["author"])]
struct Post {
    pub id: i64,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<Author>,
}

fn main() {}
