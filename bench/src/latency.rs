//! The latency of single requests, one at a time: what one visitor waits
//! for a page, without the queueing of a load test.

use std::time::{Duration, Instant};

/// The median and the 90th percentile of `samples` requests for `url`,
/// in milliseconds, each request after the previous one's answer; a
/// response other than 200 is an error.
pub fn single_requests(
    url: &str,
    cookie: Option<&str>,
    samples: usize,
) -> Result<(f64, f64), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let mut times: Vec<Duration> = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let mut request = agent.get(url);
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let start = Instant::now();
        let mut response = request.call().map_err(|e| format!("{url}: {e}"))?;
        let _ = response
            .body_mut()
            .read_to_vec()
            .map_err(|e| format!("{url}: {e}"))?;
        times.push(start.elapsed());
        if response.status().as_u16() != 200 {
            return Err(format!("{url}: status {}", response.status()));
        }
    }
    times.sort();
    let at = |share: f64| {
        let i = ((times.len() - 1) as f64 * share).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    Ok((at(0.5), at(0.9)))
}
