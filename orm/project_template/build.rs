//! Rebuilds when a migration or a template changes, so that the binary
//! carries it.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
}
