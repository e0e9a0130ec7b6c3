//! Rebuilds when a migration file is added, so it is embedded; and when a
//! template or asset changes.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");
}
