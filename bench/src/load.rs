//! Load generation with `wrk` (Debian package `wrk`), parsed into figures.

use std::process::Command;

/// What one `wrk` run measured.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Requests per second.
    pub rps: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Non-2xx/3xx responses and socket errors.
    pub errors: u64,
    /// Requests completed.
    pub requests: u64,
}

/// Runs `wrk` against `url` with `connections` for `seconds`.
pub fn wrk(
    url: &str,
    connections: u32,
    seconds: u32,
    cookie: Option<&str>,
) -> Result<Figures, String> {
    let mut command = Command::new("wrk");
    command.args([
        "-t2",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
    ]);
    if let Some(cookie) = cookie {
        command.args(["-H", &format!("Cookie: {cookie}")]);
    }
    command.arg(url);
    let output = command
        .output()
        .map_err(|e| format!("cannot run wrk ({e}); install it with `apt-get install wrk`"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse(&text).ok_or_else(|| format!("cannot read wrk's output:\n{text}"))
}

fn parse(text: &str) -> Option<Figures> {
    let line_with = |prefix: &str| text.lines().map(str::trim).find(|l| l.starts_with(prefix));
    let rps = line_with("Requests/sec:")?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    let p50 = duration_ms(line_with("50%")?.split_whitespace().nth(1)?)?;
    let p99 = duration_ms(line_with("99%")?.split_whitespace().nth(1)?)?;
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let non_2xx: u64 = line_with("Non-2xx or 3xx responses:")
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0);
    let socket: u64 = line_with("Socket errors:")
        .map(|l| {
            l.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Some(Figures {
        rps,
        p50_ms: p50,
        p99_ms: p99,
        errors: non_2xx + socket,
        requests,
    })
}

/// `1.23ms`, `456.00us`, `1.02s` in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let text = "Running 10s test @ http://127.0.0.1:1/hello
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   208.59us  101.35us   3.45ms   86.21%
  Latency Distribution
     50%  190.00us
     75%  240.00us
     90%  310.00us
     99%    1.02ms
  812345 requests in 10.00s, 99.17MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  81234.50
Transfer/sec:      9.92MB
";
        let figures = parse(text).expect("parsed");
        assert_eq!(figures.requests, 812_345);
        assert_eq!(figures.errors, 3);
        assert!((figures.p50_ms - 0.19).abs() < 1e-9);
        assert!((figures.p99_ms - 1.02).abs() < 1e-9);
        assert!((figures.rps - 81234.5).abs() < 1e-9);
    }
}
