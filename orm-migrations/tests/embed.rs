//! `embed_migrations!` compiles an app's migration files into the binary.

use std::collections::BTreeSet;

use orm_migrations::{
    embed_migrations, loader, MigrationGraph, MigrationSource, Operation, Target,
};

const BLOG: MigrationSource = embed_migrations!("blog", "tests/fixtures/blog/migrations");

#[test]
fn embedded_files_load_like_the_folder() -> Result<(), orm_migrations::Error> {
    assert_eq!(BLOG.app_label(), "blog");
    assert_eq!(BLOG.names()?, ["0001_initial", "0002_tag_slug"]);

    let embedded = loader::load(&[BLOG])?;
    let from_dir = loader::load(&[MigrationSource::from_dir(
        "blog",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/blog/migrations"
        ),
    )])?;
    assert_eq!(embedded, from_dir);

    assert!(embedded[0].initial);
    assert!(
        matches!(&embedded[1].operations[..], [Operation::AddField { model, .. }] if model == "Tag")
    );

    let graph = MigrationGraph::new(embedded)?;
    let plan = graph.forwards_plan(&Target::Latest("blog".into()), &BTreeSet::new())?;
    let names: Vec<_> = plan.iter().map(|m| m.to_string()).collect();
    assert_eq!(names, ["blog.0001_initial", "blog.0002_tag_slug"]);
    Ok(())
}

#[test]
fn default_folder_and_trailing_comma() {
    // A second expansion in the same crate, with a trailing comma.
    let source = embed_migrations!("blog", "tests/fixtures/blog/migrations",);
    assert_eq!(source.app_label(), "blog");
}
