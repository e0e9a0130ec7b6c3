//! The blog's `manage.py`: `cargo run -p blog -- <command>`.

/// A faster allocator than the system's for a server's many small strings.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    blog::site().main()
}
