#!/usr/bin/env python3
"""Writes the two crates that bench/rebuild/run.sh times, side by side in OUT:

  OUT/derive_models  the models with this project's #[derive(Model)]
  OUT/hand_models    the same models written by hand for diesel: table!,
                     joinable!, allow_tables_to_appear_in_same_query! and
                     #[derive(Queryable, Selectable, Insertable, Identifiable,
                     Associations)] structs

Each model has 8 fields: an i64 key, a String, an i32, a bool, an f64, a
timestamp, an Option<String> and a foreign key to the previous model (the
first model has an i64 in its place), so the models form one chain. With
--extra-field, one model in the middle gets a ninth field (an i32): the edit
whose rebuild run.sh times.

Files are only written when their content changes, so running it again
without changes leaves cargo nothing to rebuild. The workspace's Cargo.lock
is copied into each crate the first time, so both crates build the
workspace's versions of diesel and everything else.

  gen.py OUT --workspace PATH [--models 32] [--extra-field]
"""

import argparse
import shutil
from pathlib import Path

# Same version and features as the workspace's diesel, as orm-core enables
# them (Cargo.toml [workspace.dependencies] plus orm-core/Cargo.toml).
DIESEL_FEATURES = [
    "sqlite",
    "r2d2",
    "chrono",
    "numeric",
    "with-deprecated",
    "uuid",
    "serde_json",
    "32-column-tables",
    "returning_clauses_for_sqlite_3_35",
]


def model(i):
    return f"Model{i:02}"


def table(i):
    return f"model{i:02}"


def derive_crate(models, extra):
    """The derive crate: Cargo.toml and src/lib.rs."""
    manifest = """[package]
name = "derive_models"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
orm-core = { path = "{orm_core}" }
diesel = { version = "2.3.12", default-features = false }

[workspace]
"""
    out = [
        f"//! {models} models declared with `#[derive(Model)]`, each with a foreign",
        "//! key to the previous one.",
        "",
        "use orm_core::prelude::*;",
    ]
    for i in range(models):
        out += [
            "",
            f"/// Model {i} of the chain.",
            "#[derive(Model, Debug, Clone)]",
            '#[model(app_label = "bench")]',
            f"pub struct {model(i)} {{",
            "    /// Row id.",
            "    pub id: i64,",
            "    /// A bounded string.",
            "    #[field(max_length = 100)]",
            "    pub title: String,",
            "    /// An integer.",
            "    pub rank: i32,",
            "    /// A flag.",
            "    pub active: bool,",
            "    /// A float.",
            "    pub score: f64,",
            "    /// A timestamp.",
            "    pub created: DateTime<Utc>,",
            "    /// A nullable string.",
            "    #[field(max_length = 100, blank)]",
            "    pub note: Option<String>,",
        ]
        if i == 0:
            out += [
                "    /// An i64 where the others have their foreign key.",
                "    pub code: i64,",
            ]
        else:
            out += [
                "    /// The previous model of the chain.",
                "    #[field(on_delete = Cascade)]",
                f"    pub parent: ForeignKey<{model(i - 1)}>,",
            ]
        if i == extra:
            out += ["    /// The added field.", "    pub extra: i32,"]
        out.append("}")
    return manifest, "\n".join(out) + "\n"


def hand_crate(models, extra):
    """The hand-written diesel crate: Cargo.toml and src/lib.rs."""
    features = ", ".join(f'"{f}"' for f in DIESEL_FEATURES)
    manifest = f"""[package]
name = "hand_models"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
diesel = {{ version = "2.3.14", default-features = false, features = [{features}] }}
libsqlite3-sys = {{ version = "0.38", features = ["bundled"] }}
chrono = {{ version = "0.4", default-features = false, features = ["clock", "std", "serde"] }}

[workspace]
"""
    out = [
        f"//! {models} models written by hand for diesel, each with a foreign key to",
        "//! the previous one.",
        "",
        "use chrono::NaiveDateTime;",
        "use diesel::prelude::*;",
        "",
        "/// The tables.",
        "pub mod schema {",
    ]
    for i in range(models):
        out += [
            "    diesel::table! {",
            f"        /// Model {i}'s table.",
            f"        {table(i)} (id) {{",
            "            id -> BigInt,",
            "            title -> Text,",
            "            rank -> Integer,",
            "            active -> Bool,",
            "            score -> Double,",
            "            created -> Timestamp,",
            "            note -> Nullable<Text>,",
            "            code -> BigInt," if i == 0 else "            parent_id -> BigInt,",
        ]
        if i == extra:
            out.append("            extra -> Integer,")
        out += ["        }", "    }", ""]
    for i in range(1, models):
        out.append(f"    diesel::joinable!({table(i)} -> {table(i - 1)} (parent_id));")
    out += [
        "",
        "    diesel::allow_tables_to_appear_in_same_query!(",
        *(f"        {table(i)}," for i in range(models)),
        "    );",
        "}",
    ]
    for i in range(models):
        # The first model belongs to none: it cannot derive Associations.
        associations, belongs = "", ""
        if i > 0:
            associations = ", Associations"
            belongs = f", belongs_to({model(i - 1)}, foreign_key = parent_id)"
        out += [
            "",
            f"/// Model {i} of the chain.",
            f"#[derive(Debug, Clone, Queryable, Selectable, Insertable, Identifiable{associations})]",
            f"#[diesel(table_name = schema::{table(i)}{belongs})]",
            "#[diesel(check_for_backend(diesel::sqlite::Sqlite))]",
            f"pub struct {model(i)} {{",
            "    /// Row id.",
            "    pub id: i64,",
            "    /// A string.",
            "    pub title: String,",
            "    /// An integer.",
            "    pub rank: i32,",
            "    /// A flag.",
            "    pub active: bool,",
            "    /// A float.",
            "    pub score: f64,",
            "    /// A timestamp.",
            "    pub created: NaiveDateTime,",
            "    /// A nullable string.",
            "    pub note: Option<String>,",
        ]
        if i == 0:
            out += [
                "    /// An i64 where the others have their foreign key.",
                "    pub code: i64,",
            ]
        else:
            out += ["    /// The previous model's id.", "    pub parent_id: i64,"]
        if i == extra:
            out += ["    /// The added field.", "    pub extra: i32,"]
        out.append("}")
    return manifest, "\n".join(out) + "\n"


def write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--models", type=int, default=32)
    parser.add_argument("--extra-field", action="store_true")
    args = parser.parse_args()
    workspace = args.workspace.resolve()
    extra = args.models // 2 if args.extra_field else None

    for name, crate in [("derive_models", derive_crate), ("hand_models", hand_crate)]:
        manifest, lib = crate(args.models, extra)
        manifest = manifest.replace("{orm_core}", str(workspace / "orm-core"))
        root = args.out / name
        write_if_changed(root / "Cargo.toml", manifest)
        write_if_changed(root / "src" / "lib.rs", lib)
        if not (root / "Cargo.lock").exists():
            shutil.copyfile(workspace / "Cargo.lock", root / "Cargo.lock")


if __name__ == "__main__":
    main()
