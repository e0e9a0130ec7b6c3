//! Rebuilds when a migration file is added, so the binary embeds it, and
//! when a template or the stylesheet changes.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");
}
