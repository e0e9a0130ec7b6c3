//! Rebuilds when a migration file is added, so the binary embeds it.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
