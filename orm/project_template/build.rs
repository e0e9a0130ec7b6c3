//! Rebuilds when a migration or a template changes, so that the binary
//! carries it (a new file in a folder is not otherwise noticed). `src`
//! covers the migrations of the apps `startapp` adds.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=templates");
}
