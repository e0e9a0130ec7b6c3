use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "shop")]
struct Maker {
    pub id: i64,
    #[field(max_length = 20)]
    pub name: String,
}

#[derive(Model, Debug, Clone)]
#[model(app_label = "shop")]
#[admin(list_filter = ["maker__nme", "title__name"])]
struct Product {
    pub id: i64,
    #[field(max_length = 20)]
    pub title: String,
    #[field(on_delete = Cascade)]
    pub maker: ForeignKey<Maker>,
}

fn main() {}
