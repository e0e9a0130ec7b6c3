use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(
    list_filter = ["title"],
    search_fields = ["views"],
    date_hierarchy = "views",
    list_per_page = -1,
    colour = "red",
)]
struct Post {
    pub id: i64,
    #[field(max_length = 100)]
    pub title: String,
    pub views: i64,
}

fn main() {}
