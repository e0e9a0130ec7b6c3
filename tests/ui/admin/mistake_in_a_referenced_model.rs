// A mistake in a model that other code uses: one error, at the mistake,
// and none where other models and queries name it.
use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[admin(list_filter = ["name"])]
struct Tag {
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Clone)]
struct Post {
    pub id: i64,
    #[field(on_delete = Cascade)]
    pub tag: ForeignKey<Tag>,
}

fn main() {
    let _ = Tag::objects().filter(Tag::NAME.icontains("rust"));
    let _ = Post::objects().select_related(Post::TAG);
}
