//! Rebuilds when an auth migration file is added, so it is embedded.

fn main() {
    println!("cargo:rerun-if-changed=auth_migrations");
    println!("cargo:rerun-if-changed=sessions_migrations");
}
