//! A headless Chromium session driven over WebDriver (fantoccini), with
//! helpers that poll for the page's state instead of sleeping, and
//! screenshots at several widths and colour schemes through the Chrome
//! DevTools Protocol.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// How long a wait for the page may take before the test fails.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(10);

/// The desktop viewport every step runs in.
const WIDE: (u32, u32) = (1440, 900);
/// A small phone.
const NARROW: (u32, u32) = (360, 800);

/// Polls `probe` every 50 ms until it gives a value; panics after
/// [`TIMEOUT`] naming `what` was awaited.
pub(crate) async fn until<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {TIMEOUT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One way to look at a page for a screenshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// 1440×900, light.
    Wide,
    /// 360×800, light, emulating a phone.
    Narrow,
    /// 360 px wide and as tall as the page (up to 4000 px), light.
    NarrowFull,
    /// 1440×900, `prefers-color-scheme: dark`.
    WideDark,
    /// 360×800, `prefers-color-scheme: dark`.
    NarrowDark,
}

impl View {
    fn suffix(self) -> &'static str {
        match self {
            View::Wide => "1440",
            View::Narrow => "360",
            View::NarrowFull => "360-full",
            View::WideDark => "1440-dark",
            View::NarrowDark => "360-dark",
        }
    }

    fn size(self) -> (u32, u32) {
        match self {
            View::Wide | View::WideDark => WIDE,
            View::Narrow | View::NarrowFull | View::NarrowDark => NARROW,
        }
    }

    fn dark(self) -> bool {
        matches!(self, View::WideDark | View::NarrowDark)
    }
}

/// The light and dark pair at both widths.
pub(crate) const ALL_VIEWS: &[View] = &[View::Wide, View::Narrow, View::WideDark, View::NarrowDark];

/// A browser session on the blog.
#[derive(Clone)]
pub(crate) struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
}

impl Browser {
    /// Opens a headless Chromium session through the chromedriver at
    /// `driver_url`.
    pub(crate) async fn connect(
        driver_url: &str,
        chromium: &Path,
        base: &str,
        shots: PathBuf,
    ) -> Browser {
        let options = json!({
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--window-size=1440,900",
            ],
        });
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        capabilities.insert(
            "timeouts".into(),
            json!({ "pageLoad": 20_000, "script": 10_000, "implicit": 0 }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(driver_url)
            .await
            .unwrap_or_else(|e| panic!("open a Chromium session via {driver_url}: {e}"));
        let browser = Browser {
            client,
            base: base.to_owned(),
            shots,
        };
        browser.emulate(View::Wide).await;
        browser
    }

    /// Ends the session (chromedriver then stops the browser).
    pub(crate) async fn close(self) {
        let _ = self.client.close().await;
    }

    /// Opens `path` (e.g. `/admin/`) and waits until it has loaded.
    pub(crate) async fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        self.wait_loaded().await;
    }

    /// The current URL's path and query, e.g. `/admin/blog/article/?p=2`.
    pub(crate) async fn location(&self) -> String {
        let url = self.client.current_url().await.expect("read the URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The first element matching `css`, waiting for it to appear.
    pub(crate) async fn find(&self, css: &str) -> Element {
        until(&format!("an element matching `{css}`"), || async move {
            self.client.find(Locator::Css(css)).await.ok()
        })
        .await
    }

    /// The first element `css` that has exactly the text `text`.
    pub(crate) async fn find_text(&self, css: &str, text: &str) -> Element {
        until(&format!("`{css}` with the text {text:?}"), || async move {
            for element in self.client.find_all(Locator::Css(css)).await.ok()? {
                if self::text(&element).await == text {
                    return Some(element);
                }
            }
            None
        })
        .await
    }

    /// Every element matching `css` now (no waiting: call it once the page
    /// is known to be loaded).
    pub(crate) async fn all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find `{css}`: {e}"))
    }

    /// The [`text`] of every element matching `css`.
    pub(crate) async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.all(css).await {
            texts.push(text(&element).await);
        }
        texts
    }

    /// The [`text`] of the first element matching `css`.
    pub(crate) async fn text(&self, css: &str) -> String {
        text(&self.find(css).await).await
    }

    /// The `value` of the form field matching `css`.
    pub(crate) async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("read a value")
            .unwrap_or_default()
    }

    /// The value of the JavaScript `expression` on the current page.
    pub(crate) async fn eval(&self, expression: &str) -> Value {
        self.client
            .execute(&format!("return {expression};"), vec![])
            .await
            .unwrap_or_else(|e| panic!("evaluate {expression}: {e}"))
    }

    /// Turns off the browser's own checks of the page's forms (`required`,
    /// `type=email`...), so that what the server says is what is tested.
    pub(crate) async fn without_form_checks(&self) {
        self.client
            .execute(
                "document.querySelectorAll('form').forEach(f => f.noValidate = true);",
                vec![],
            )
            .await
            .expect("turn off the form checks");
    }

    /// Clicks `element` and waits for the page it leads to to load.
    pub(crate) async fn click_and_load(&self, element: &Element) {
        self.client
            .execute("window.__e2eStale = true;", vec![])
            .await
            .expect("mark the current page");
        element.click().await.expect("click");
        self.wait_loaded().await;
    }

    /// Clicks the first element matching `css` and waits for the next page.
    pub(crate) async fn follow(&self, css: &str) {
        let element = self.find(css).await;
        self.click_and_load(&element).await;
    }

    /// Waits until a page that [`click_and_load`](Self::click_and_load)
    /// did not mark has loaded completely.
    async fn wait_loaded(&self) {
        until("the next page to load", || async move {
            let fresh = self
                .client
                .execute(
                    "return !window.__e2eStale && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .ok()?;
            (fresh == Value::Bool(true)).then_some(())
        })
        .await;
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver.
    pub(crate) async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// Sets the viewport and colour scheme of `view`.
    async fn emulate(&self, view: View) {
        let (width, height) = view.size();
        self.metrics(width, height).await;
        let scheme = if view.dark() { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
    }

    async fn metrics(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": width < 600,
            }),
        )
        .await;
    }

    /// Saves `target/screenshots/<name>-<view>.png` for each view, then
    /// goes back to the wide light view.
    pub(crate) async fn screenshot(&self, name: &str, views: &[View]) {
        for &view in views {
            self.emulate(view).await;
            if view == View::NarrowFull {
                let height = self
                    .client
                    .execute("return document.documentElement.scrollHeight;", vec![])
                    .await
                    .ok()
                    .and_then(|h| h.as_u64())
                    .unwrap_or(800)
                    .clamp(800, 4000);
                self.metrics(NARROW.0, height as u32).await;
            }
            self.settle().await;
            if view.size().0 == NARROW.0 {
                self.report_overflow(name).await;
            }
            let png = self.client.screenshot().await.expect("take a screenshot");
            let path = self.shots.join(format!("{name}-{}.png", view.suffix()));
            std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        }
        self.emulate(View::Wide).await;
    }

    /// Notes on stderr the elements wider than a narrow viewport: the
    /// page then scrolls sideways (or a phone zooms it out), which the
    /// screenshots alone show less precisely.
    async fn report_overflow(&self, name: &str) {
        let script = "
            const width = document.documentElement.clientWidth;
            const describe = (e) => e.tagName.toLowerCase()
                + (e.id ? '#' + e.id : '')
                + (typeof e.className === 'string' && e.className
                    ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
            const right = (e) => e.getBoundingClientRect().right;
            // Whether an ancestor that clips (overflow other than visible,
            // within the viewport) contains `e`, following containing
            // blocks: an absolutely positioned box escapes the overflow of
            // every ancestor up to its nearest positioned one.
            const clipped = (e) => {
                let box = e;
                while (box.parentElement) {
                    const position = getComputedStyle(box).position;
                    if (position === 'fixed') return false;
                    let up = box.parentElement;
                    if (position === 'absolute') {
                        while (up.parentElement && getComputedStyle(up).position === 'static') {
                            up = up.parentElement;
                        }
                    }
                    if (getComputedStyle(up).overflowX !== 'visible' && right(up) <= width + 1) {
                        return true;
                    }
                    box = up;
                }
                return false;
            };
            const found = new Map();
            for (const e of document.body.querySelectorAll('*')) {
                const r = e.getBoundingClientRect();
                if (r.width === 0 || r.right <= width + 1 || clipped(e)) continue;
                const seen = found.get(describe(e)) || { count: 0, right: 0 };
                found.set(describe(e), { count: seen.count + 1, right: Math.max(seen.right, r.right) });
            }
            const wide = Array.from(found, ([what, { count, right }]) =>
                `${count} × ${what} (right edge up to ${Math.round(right)} px)`);
            return { scroll: document.documentElement.scrollWidth, width, wide };";
        let Ok(found) = self.client.execute(script, vec![]).await else {
            return;
        };
        let scroll = found["scroll"].as_u64().unwrap_or_default();
        let width = found["width"].as_u64().unwrap_or_default();
        if scroll > width {
            let wide: Vec<&str> = found["wide"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            eprintln!(
                "note: {name} at {width} px is {scroll} px wide; sticking out: {}",
                wide.join(", ")
            );
        }
    }

    /// Saves what the page looks like now as `failure.png`, best effort.
    pub(crate) async fn failure_screenshot(&self) {
        if let Ok(png) = self.client.screenshot().await {
            let path = self.shots.join("failure.png");
            if std::fs::write(&path, png).is_ok() {
                eprintln!("the page at the failure: {}", path.display());
            }
        }
    }

    /// Waits two animation frames, so a new viewport or colour scheme is
    /// laid out and painted.
    async fn settle(&self) {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
    }
}

/// The text of `element` as the template wrote it (its `textContent`,
/// whitespace collapsed), so that CSS such as `text-transform` does not
/// change what the assertions compare.
pub(crate) async fn text(element: &Element) -> String {
    element
        .prop("textContent")
        .await
        .expect("read an element's text")
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// chromedriver's `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Runs `scenario` on `browser` within `limit`: in a task of its own, so
/// that when it panics or hangs a screenshot is taken and the session (and
/// Chromium) is closed before the panic goes on.
pub(crate) async fn run_scenario<F>(browser: Browser, scenario: F, limit: Duration)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let mut task = tokio::spawn(scenario);
    let outcome = tokio::time::timeout(limit, &mut task).await;
    if outcome.is_err() {
        task.abort();
    }
    if !matches!(outcome, Ok(Ok(()))) {
        browser.failure_screenshot().await;
    }
    browser.close().await;
    match outcome {
        Ok(Ok(())) => {}
        // The panic's message was printed when it happened.
        Ok(Err(join)) => match join.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(join) => panic!("the scenario did not finish: {join}"),
        },
        Err(_) => panic!("the scenario took over {limit:?}"),
    }
}
