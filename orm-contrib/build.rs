//! Rebuilds when an auth or sessions migration file is added, so it is
//! embedded.

fn main() {
    println!("cargo:rerun-if-changed=src/auth/migrations");
    println!("cargo:rerun-if-changed=src/sessions/migrations");
}
