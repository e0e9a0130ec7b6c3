//! Many staff users saving at once through the real server, on every
//! configured database: [`EDITORS`] editors each save their own article
//! [`SAVES`] times, while readers load the admin's and the public lists
//! and two more staff users run the changelist's bulk actions on other
//! articles.
//!
//! What must hold: no 5xx and no transport error anywhere; every save is
//! either applied (303 to the list) or refused with a message on the form
//! (the concurrent-edit check); and each article ends with the title of
//! its editor's last applied save.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use common::client::{input_value, links, Client, Reply};
use common::server::{tail, Server};
use orm::db::BackendKind;
use tests::backends::{configured, fresh};

/// Staff users saving at once, each on an article of their own.
const EDITORS: usize = 16;
/// Saves per editor.
const SAVES: usize = 10;
/// Clients reading list pages meanwhile.
const READERS: usize = 4;
/// Clients running bulk actions meanwhile.
const BULK: usize = 2;

/// What one editor saw.
#[derive(Default)]
struct Edits {
    applied: usize,
    refused: usize,
    /// The title of the last applied save.
    last_title: Option<String>,
    failures: Vec<String>,
}

#[test]
fn sixteen_editors_save_at_once_without_a_server_error() {
    for (kind, url) in configured() {
        // SQLite: the server's own file; the servers: a fresh database.
        let database = (kind != BackendKind::Sqlite).then(|| fresh(kind, url.as_deref(), &[]));
        let mut server = Server::start(database.as_ref().map(|d| d.db.url().as_str()));
        server.seed(4, 120);
        let admin = Client::new(&server.base);
        admin.log_in(&server.password);

        // Articles: the first EDITORS for the editors, others for actions.
        let list = admin.get("/admin/blog/article/").unwrap();
        let articles: Vec<String> = links(&list.body, "/admin/blog/article/")
            .into_iter()
            .filter(|link| link.ends_with("/change/"))
            .collect();
        assert!(articles.len() >= EDITORS + 20, "{kind}: {articles:?}");
        let bulk_keys: Vec<String> = articles[EDITORS..EDITORS + 20]
            .iter()
            .map(|link| {
                link.trim_end_matches("/change/")
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();

        let done = Arc::new(AtomicBool::new(false));
        let start = Arc::new(Barrier::new(EDITORS + READERS + BULK));
        let editors: Vec<_> = articles[..EDITORS]
            .iter()
            .enumerate()
            .map(|(n, link)| {
                let (client, link, start) = (admin.fork(), link.clone(), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    edit(&client, &link, n)
                })
            })
            .collect();
        let others: Vec<_> = (0..READERS + BULK)
            .map(|n| {
                let client = admin.fork();
                let (done, start, keys) =
                    (Arc::clone(&done), Arc::clone(&start), bulk_keys.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let mut failures = Vec::new();
                    let mut round = 0usize;
                    while !done.load(Ordering::Relaxed) {
                        round += 1;
                        let outcome = if n < READERS {
                            let path = ["/admin/blog/article/", "/", "/admin/"][round % 3];
                            client.get(path).map(|reply| (format!("GET {path}"), reply))
                        } else {
                            bulk_action(&client, &keys, round)
                        };
                        match outcome {
                            Ok((_, reply)) if reply.status < 500 => {}
                            Ok((what, reply)) => failures.push(format!(
                                "{what}: {} {}",
                                reply.status,
                                tail(&reply.body, 5)
                            )),
                            Err(e) => failures.push(e),
                        }
                    }
                    failures
                })
            })
            .collect();

        let edits: Vec<Edits> = editors.into_iter().map(|t| t.join().unwrap()).collect();
        done.store(true, Ordering::Relaxed);
        let mut failures: Vec<String> =
            others.into_iter().flat_map(|t| t.join().unwrap()).collect();
        failures.extend(edits.iter().flat_map(|e| e.failures.iter().cloned()));
        let applied: usize = edits.iter().map(|e| e.applied).sum();
        let refused: usize = edits.iter().map(|e| e.refused).sum();
        println!(
            "{kind}: {EDITORS} editors x {SAVES} saves: {applied} applied, {refused} refused \
             with a message, {} failures",
            failures.len()
        );
        assert!(
            failures.is_empty(),
            "{kind}: {} requests failed; the first:\n{}\n--- server stderr ---\n{}",
            failures.len(),
            failures[..failures.len().min(10)].join("\n"),
            tail(&server.stderr(), 20)
        );
        assert_eq!(applied + refused, EDITORS * SAVES, "{kind}");
        // Nobody else edits an editor's article: every save applies.
        assert_eq!(refused, 0, "{kind}");
        for (edit, link) in edits.iter().zip(&articles) {
            let form = admin.get(link).unwrap();
            let title = html_unescape(&text_input(&form.body, "title"));
            assert_eq!(Some(title), edit.last_title.clone(), "{kind}: {link}");
        }
        server.assert_healthy();
    }
}

/// One editor: [`SAVES`] times, load the change form and save it with a
/// new title.
fn edit(client: &Client, link: &str, editor: usize) -> Edits {
    let mut edits = Edits::default();
    for save in 0..SAVES {
        let form = match client.get(link) {
            Ok(reply) if reply.status == 200 => reply.body,
            Ok(reply) => {
                edits.failures.push(format!("GET {link}: {}", reply.status));
                continue;
            }
            Err(e) => {
                edits.failures.push(format!("GET {link}: {e}"));
                continue;
            }
        };
        let title = format!("Edited by editor {editor}, save {save}");
        let fields = change_form_fields(&form, &title);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        match client.post(link, &fields) {
            Ok(reply) if reply.status == 303 => {
                edits.applied += 1;
                edits.last_title = Some(title);
            }
            Ok(reply) if reply.status == 200 && reply.body.contains("errornote") => {
                edits.refused += 1;
            }
            Ok(reply) => edits.failures.push(format!(
                "POST {link}: {} {}",
                reply.status,
                tail(&reply.body, 5)
            )),
            Err(e) => edits.failures.push(format!("POST {link}: {e}")),
        }
    }
    edits
}

/// The article change form's fields as the browser would send them, with
/// `title` typed in.
fn change_form_fields(form: &str, title: &str) -> Vec<(&'static str, String)> {
    let content_start = form.find("name=\"content\"").expect("a content field");
    let content = form[content_start..]
        .split_once('>')
        .and_then(|(_, rest)| rest.split_once("</textarea>"))
        .map(|(text, _)| text.trim_start_matches('\n').to_owned())
        .expect("the content textarea");
    let author_start = form.find("name=\"author\"").expect("an author select");
    let author = form[author_start..]
        .split("</select>")
        .next()
        .and_then(|select| {
            select
                .split("<option")
                .find(|option| option.contains(" selected"))
        })
        .and_then(|option| option.split("value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("the selected author")
        .to_owned();
    let mut fields = vec![
        (
            "csrfmiddlewaretoken",
            input_value(form, "csrfmiddlewaretoken"),
        ),
        ("_version", input_value(form, "_version")),
        ("title", title.to_owned()),
        ("slug", html_unescape(&text_input(form, "slug"))),
        ("author", author),
        ("content", html_unescape(&content)),
        ("_save", String::new()),
    ];
    if form.contains("name=\"is_published\" id=\"id_is_published\" checked") {
        fields.push(("is_published", "on".to_owned()));
    }
    fields
}

/// Publishes or unpublishes a few of `keys` from the changelist.
fn bulk_action(client: &Client, keys: &[String], round: usize) -> Result<(String, Reply), String> {
    let list = client.get("/admin/blog/article/")?;
    if list.status != 200 {
        return Ok(("GET the changelist".to_owned(), list));
    }
    let action = if round.is_multiple_of(2) {
        "publish"
    } else {
        "unpublish"
    };
    let token = input_value(&list.body, "csrfmiddlewaretoken");
    let mut form = vec![("csrfmiddlewaretoken", token.as_str()), ("action", action)];
    for key in keys.iter().skip(round % 5).step_by(3) {
        form.push(("_selected_action", key));
    }
    let reply = client.post("/admin/blog/article/", &form)?;
    Ok((format!("POST action {action}"), reply))
}

/// The value of the text input `name` of a form.
fn text_input(form: &str, name: &str) -> String {
    let start = form
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name} in the page:\n{form}"));
    let tag = form[start..].split('>').next().unwrap_or_default();
    tag.split("value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// Text as it was before HTML escaping.
fn html_unescape(text: &str) -> String {
    text.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}
