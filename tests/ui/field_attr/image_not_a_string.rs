use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(app_label = "ui")]
pub struct Photo {
    pub id: i64,
    #[field(image)]
    pub picture: Vec<u8>,
    #[field(file, email)]
    pub attachment: String,
}

fn main() {}
