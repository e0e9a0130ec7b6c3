//! The browser test's machinery: chromedriver behind a guard that stops it
//! when dropped, and a thin WebDriver wrapper that waits instead of
//! sleeping. The blog runs through `common::server`, as in the other tests.
//!
//! Each browser test uses a different part of this module.
#![allow(dead_code)]

pub(crate) mod browser;
pub(crate) mod processes;

use std::path::{Path, PathBuf};

/// The programs the browser test drives.
pub(crate) struct Tools {
    /// Chromium (Debian's wrapper script is fine).
    pub(crate) chromium: PathBuf,
    /// The matching chromedriver.
    pub(crate) chromedriver: PathBuf,
}

/// Finds Chromium and chromedriver on `PATH`. When one is missing the test
/// fails if `ORM_TEST_BROWSER=1` (CI installs them) and is skipped with a
/// note otherwise.
pub(crate) fn tools() -> Option<Tools> {
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_program(&["chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Some(Tools {
            chromium,
            chromedriver,
        }),
        (chromium, chromedriver) => {
            let missing: Vec<&str> = [
                chromium.is_none().then_some("chromium"),
                chromedriver.is_none().then_some("chromedriver"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let missing = missing.join(" and ");
            if std::env::var("ORM_TEST_BROWSER").as_deref() == Ok("1") {
                panic!(
                    "ORM_TEST_BROWSER=1 but {missing} not found on PATH: \
                     install them with `apt-get install chromium chromium-driver`"
                );
            }
            eprintln!(
                "note: skipping the browser test: {missing} not found on PATH \
                 (apt-get install chromium chromium-driver; set ORM_TEST_BROWSER=1 to require it)"
            );
            None
        }
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// `target/screenshots/`, next to the build's profile folders (so it
/// follows `CARGO_TARGET_DIR`), emptied of the last run's PNGs.
pub(crate) fn screenshot_dir() -> PathBuf {
    screenshots_in("screenshots")
}

/// `target/<folder>/` (`screenshots/site` for the public site's test),
/// emptied of the last run's PNGs.
pub(crate) fn screenshots_in(folder: &str) -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_blog"));
    let target = exe
        .parent()
        .and_then(Path::parent)
        .expect("the blog binary lives in target/<profile>/");
    let dir = target.join(folder);
    std::fs::create_dir_all(&dir).expect("create target/screenshots/");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if entry.path().extension().is_some_and(|ext| ext == "png") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    dir
}
