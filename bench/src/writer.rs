//! A member of staff saving an article through the admin at a steady rate,
//! in the background of a load test: each save opens the change form and
//! posts it back, as a browser would, and drops the server's kept counts.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A writer thread; stopped and joined by [`Writer::stop`].
pub struct Writer {
    stop: Arc<AtomicBool>,
    saved: Arc<AtomicU64>,
    thread: JoinHandle<Result<(), String>>,
}

impl Writer {
    /// Saves article `id` through the admin at `base` `per_second` times a
    /// second, logged in with `cookie`.
    pub fn start(base: &str, cookie: &str, id: i64, per_second: u32) -> Writer {
        let stop = Arc::new(AtomicBool::new(false));
        let saved = Arc::new(AtomicU64::new(0));
        let url = format!("{base}/admin/blog/article/{id}/change/");
        let cookie = cookie.to_owned();
        let interval = Duration::from_secs_f64(1.0 / f64::from(per_second.max(1)));
        let thread = {
            let (stop, saved) = (Arc::clone(&stop), Arc::clone(&saved));
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .max_redirects(0)
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut next = Instant::now();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    save(&agent, &url, &cookie, n)?;
                    n += 1;
                    saved.fetch_add(1, Ordering::Relaxed);
                    next += interval;
                    if let Some(wait) = next.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                }
                Ok(())
            })
        };
        Writer {
            stop,
            saved,
            thread,
        }
    }

    /// Stops the writer; returns how many saves it made.
    pub fn stop(self) -> Result<u64, String> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .join()
            .map_err(|_| "the writer panicked".to_owned())??;
        Ok(self.saved.load(Ordering::Relaxed))
    }
}

/// Opens the change form and saves it with a new title.
fn save(agent: &ureq::Agent, url: &str, cookie: &str, n: u64) -> Result<(), String> {
    let mut form = agent
        .get(url)
        .header("Cookie", cookie)
        .call()
        .map_err(|e| e.to_string())?;
    let html = form
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let value =
        |name: &str| input_value(&html, name).ok_or(format!("no `{name}` in the change form"));
    let fields = [
        ("csrfmiddlewaretoken", value("csrfmiddlewaretoken")?),
        ("_version", value("_version")?),
        ("title", format!("Edited article {n}")),
        ("slug", value("slug")?),
        (
            "author",
            selected(&html, "author").ok_or("no author selected")?,
        ),
        ("content", format!("Edited {n} times.")),
        ("is_published", "on".to_owned()),
        ("_save", String::new()),
    ];
    let response = agent
        .post(url)
        .header("Cookie", cookie)
        .send_form(fields.iter().map(|(k, v)| (*k, v.as_str())))
        .map_err(|e| e.to_string())?;
    match response.status().as_u16() {
        302 | 303 => Ok(()),
        status => Err(format!("saving {url} answered {status}")),
    }
}

/// The `value` of the `<input name="name">` in `html`.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let value = tag.split("value=\"").nth(1)?.split('"').next()?;
    Some(value.replace("&amp;", "&").replace("&#x2d;", "-"))
}

/// The selected option's value of the `<select name="name">` in `html`.
fn selected(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("<select name=\"{name}\""))?;
    let select = &html[at..at + html[at..].find("</select>")?];
    let option = select
        .split("<option")
        .find(|option| option.contains(" selected"))?;
    Some(
        option
            .split("value=\"")
            .nth(1)?
            .split('"')
            .next()?
            .to_owned(),
    )
}
