#![allow(missing_docs)]
use migrations_cli::Operation;
use orm_core::schema::*;
use std::borrow::Cow;
use serde::{Serialize, Deserialize};

#[derive(Serialize, Deserialize, Debug)]
struct File { #[serde(default)] dependencies: Vec<(String,String)>, #[serde(default)] initial: bool, #[serde(default)] operations: Vec<Operation> }

#[test]
fn scratch() {
    let mut title = FieldSchema::new("title", "title", FieldKind::Char);
    title.max_length = Some(200);
    title.default = Some(DefaultValue::Str(Cow::Borrowed("x")));
    title.choices = Cow::Owned(vec![Choice { value: "d".into(), label: "Draft".into() }]);
    let mut fk = FieldSchema::new("author", "author_id", FieldKind::ForeignKey);
    fk.foreign_key = Some(ForeignKeySchema { to: "auth.User".into(), to_table: "auth_user".into(), to_column: "id".into(), on_delete: OnDelete::Cascade, related_name: "articles".into() });
    let model = ModelSchema { name: "Article".into(), app_label: "blog".into(), table: "blog_article".into(), verbose_name: "article".into(), verbose_name_plural: "articles".into(), fields: Cow::Owned(vec![title, fk]), ordering: Cow::Owned(vec!["-title".into()]), indexes: Cow::Owned(vec![IndexSchema{name:"ix".into(), fields: Cow::Owned(vec!["title".into()]), unique:false}]), unique_together: Cow::Owned(vec![Cow::Owned(vec!["title".into(), "author".into()])]) };
    let f = File { dependencies: vec![("auth".into(), "0001_initial".into())], initial: true, operations: vec![
        Operation::CreateModel { model },
        Operation::RunSql { sql: "UPDATE a SET b = 'x';\nUPDATE \"c\" SET d = '''';\n".into(), reverse_sql: None },
        Operation::AlterUniqueTogether { model: "Article".into(), unique_together: vec![vec!["a".into()]] },
    ]};
    let s = toml::to_string_pretty(&f).unwrap();
    println!("{s}\n=====");
    println!("{}\n=====", toml::to_string(&f).unwrap());
    let back: File = toml::from_str(&s).unwrap();
    println!("{back:?}");
    let bad = "operations = [{ type = \"RunSql\" }]\n\n[[operations]]\ntype = \"Foo\"\n";
    match toml::from_str::<File>(bad) { Err(e) => println!("ERR {:?} {:?} || {}", e.message(), e.span(), e), Ok(_) => {} }
    let bad = "[[operations]]\ntype = \"RunSql\"\nsql = \"x\"\n[[operations]]\ntype = \"CreateModel\"\n[operations.model]\nname = \"A\"\n";
    match toml::from_str::<File>(bad) { Err(e) => println!("ERR {:?} {:?} || {}", e.message(), e.span(), e), Ok(_) => {} }
    let bad = "[[operations]]\ntype = \"RunSql\"\nsql = \"x\"\n[[operations]]\ntype = \"Foo\"\n";
    match toml::from_str::<File>(bad) { Err(e) => println!("ERR {:?} {:?} || {}", e.message(), e.span(), e), Ok(_) => {} }
}
