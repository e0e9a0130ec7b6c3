//! `makemigrations` for 200 generated models: the autodetector, the writer
//! and the files, timed end to end (median of 7 runs), and the same check
//! when models and migrations already agree.
//!
//! Run: `cargo bench -p orm-migrations --bench makemigrations`

use std::borrow::Cow;
use std::time::{Duration, Instant};

use orm_core::schema::{
    FieldKind, FieldSchema, ForeignKeySchema, IndexSchema, ModelSchema, OnDelete,
};
use orm_migrations::autodetector::{detect_changes, suggest_name};
use orm_migrations::questioner::NonInteractiveQuestioner;
use orm_migrations::{writer, Migration, ProjectState};

const MODELS: usize = 200;

fn field(name: &str, kind: FieldKind) -> FieldSchema {
    let mut f = FieldSchema::new("", "", kind);
    f.name = Cow::Owned(name.to_owned());
    f.column = Cow::Owned(name.to_owned());
    f.verbose_name = Cow::Owned(name.replace('_', " "));
    f
}

fn model(n: usize) -> ModelSchema {
    let mut id = field("id", FieldKind::BigInt);
    id.primary_key = true;
    id.auto_increment = true;
    id.editable = false;
    let mut title = field("title", FieldKind::Char);
    title.max_length = Some(200);
    let mut slug = field("slug", FieldKind::Slug);
    slug.max_length = Some(50);
    slug.unique = true;
    let mut fields = vec![
        id,
        title,
        slug,
        field("body", FieldKind::Text),
        field("created", FieldKind::DateTime),
        field("score", FieldKind::Double),
        field("flag", FieldKind::Bool),
    ];
    if n > 0 {
        let mut parent = field("parent", FieldKind::ForeignKey);
        parent.column = Cow::Owned("parent_id".to_owned());
        parent.foreign_key = Some(ForeignKeySchema {
            to: Cow::Owned(format!("bench.Model{}", n - 1)),
            to_table: Cow::Owned(format!("bench_model{}", n - 1)),
            to_column: Cow::Borrowed("id"),
            on_delete: OnDelete::Cascade,
            related_name: Cow::Owned(format!("model{n}_set")),
        });
        fields.push(parent);
    }
    ModelSchema {
        name: Cow::Owned(format!("Model{n}")),
        app_label: Cow::Borrowed("bench"),
        table: Cow::Owned(format!("bench_model{n}")),
        verbose_name: Cow::Owned(format!("model {n}")),
        verbose_name_plural: Cow::Owned(format!("model {n}s")),
        fields: fields.into(),
        ordering: vec![Cow::Borrowed("-created")].into(),
        indexes: vec![IndexSchema {
            name: Cow::Borrowed(""),
            fields: vec![Cow::Borrowed("title")].into(),
            unique: false,
            kind: orm_core::schema::IndexKind::Plain,
            condition: "".into(),
        }]
        .into(),
        unique_together: Cow::Borrowed(&[]),
        checks: Cow::Borrowed(&[]),
        auto_created: false,
        many_to_many: Cow::Borrowed(&[]),
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let models: Vec<ModelSchema> = (0..MODELS).map(model).collect();
    let dir = std::env::temp_dir().join(format!("orm-bench-{}", std::process::id()));
    let mut runs = Vec::new();
    let mut in_sync = Vec::new();
    for _ in 0..7 {
        let _ = std::fs::remove_dir_all(&dir);
        let started = Instant::now();
        let to = ProjectState::from_models(models.iter());
        let changes = detect_changes(
            &ProjectState::new(),
            &to,
            &mut NonInteractiveQuestioner,
            "now",
        )
        .expect("detect changes");
        let mut migration = Migration::new("bench", "0001_initial");
        migration.initial = true;
        migration.operations = changes.operations.get("bench").cloned().unwrap_or_default();
        let name = suggest_name(&migration.operations, true, "x");
        assert_eq!(name, "initial");
        let text = writer::to_toml(&migration, chrono::Utc::now()).expect("write");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(writer::file_name(&migration)), &text).expect("file");
        runs.push(started.elapsed());

        // makemigrations --check once the migration exists: parse, replay, diff.
        let started = Instant::now();
        let parsed = orm_migrations::parser::parse("bench", "0001_initial", &text).expect("parse");
        let mut from = ProjectState::new();
        for op in &parsed.operations {
            from.apply("bench", op).expect("replay");
        }
        let none = detect_changes(&from, &to, &mut NonInteractiveQuestioner, "now").expect("diff");
        assert!(none.is_empty());
        in_sync.push(started.elapsed());
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "makemigrations, {MODELS} new models (diff + write file): median {:.1} ms",
        median(runs).as_secs_f64() * 1e3
    );
    println!(
        "makemigrations --check, {MODELS} models in sync (parse + replay + diff): median {:.1} ms",
        median(in_sync).as_secs_f64() * 1e3
    );
}
