//! The project's `manage.py`: `cargo run -- <command>`, `cargo run` alone
//! serves the site.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    __project__::site().main()
}
