//! `cargo run --release -p bench --bin latency -- --base URL [--cookie C]
//! PATH...`: the median and 90th-percentile latency of single requests,
//! one after another, to each path of a server already running: what
//! `bench/django/run.sh` measures Django's pages with, through the same
//! client as the `http` benchmark.

use bench::latency::single_requests;
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The server, `http://127.0.0.1:8000`.
    #[arg(long)]
    base: String,
    /// A `Cookie` header for the logged-in pages (`sessionid=...`).
    #[arg(long)]
    cookie: Option<String>,
    /// Requests timed per path.
    #[arg(long, default_value_t = 25)]
    samples: usize,
    /// Paths, each as `name=path` or a bare path.
    paths: Vec<String>,
}

fn main() {
    let args = Args::parse();
    println!("| page | first request p50 ms | p90 ms |");
    println!("|---|---|---|");
    for entry in &args.paths {
        let (name, path) = entry.split_once('=').unwrap_or((entry, entry));
        let url = format!("{}{path}", args.base);
        match single_requests(&url, args.cookie.as_deref(), args.samples) {
            Ok((p50, p90)) => println!("| {name} | {p50:.2} | {p90:.2} |"),
            Err(message) => {
                eprintln!("error: {message}");
                std::process::exit(1);
            }
        }
    }
}
