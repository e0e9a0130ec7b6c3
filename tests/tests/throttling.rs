//! Password guesses are throttled without letting anybody lock another
//! person out: per username and client address, per address, and a growing
//! wait for a targeted account; client addresses from forwarding headers
//! only through trusted proxies; the password-change form's old password
//! counts like a login.

use std::time::{Duration, Instant};

use http::{HeaderName, StatusCode};
use tests::admin_app::{each_app, Client, PASSWORD};

const THROTTLED: &str = "Too many failed login attempts";

/// Logs in as `username` with the `X-Forwarded-For` header `forwarded_for`.
async fn login_via(
    client: &mut Client,
    username: &str,
    password: &str,
    forwarded_for: &str,
) -> StatusCode {
    client
        .post("/admin/login/")
        .fields(&[
            ("username", username),
            ("password", password),
            ("next", "/admin/"),
        ])
        .header(HeaderName::from_static("x-forwarded-for"), forwarded_for)
        .send()
        .await
        .status
}

#[tokio::test(flavor = "multi_thread")]
async fn a_targeted_account_is_slowed_down_not_locked_out() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut attacker = app.client();
        attacker.address = "198.51.100.66:5000".parse().unwrap();
        for _ in 0..5 {
            attacker
                .login("root", "a guess")
                .await
                .expect(StatusCode::OK, &kind.to_string());
        }
        // The attacker's address is done with this account...
        attacker
            .login("root", PASSWORD)
            .await
            .expect(StatusCode::TOO_MANY_REQUESTS, &format!("{kind}: attacker"));
        // ...but the owner, from their own address, gets in after a wait.
        let mut owner = app.client();
        owner.address = "203.0.113.5:5000".parse().unwrap();
        let started = Instant::now();
        owner
            .login("root", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: owner"));
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "{kind}: the targeted account's attempt waited"
        );
        // Each further failure makes the next attempt wait longer.
        for i in 0..3 {
            let mut other = app.client();
            other.address = format!("192.0.2.{i}:5000").parse().unwrap();
            other.login("editor", "a guess").await;
            other.login("editor", "a guess").await;
        }
        let started = Instant::now();
        let mut editor = app.client();
        editor.address = "203.0.113.6:5000".parse().unwrap();
        editor
            .login("editor", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &kind.to_string());
        assert!(
            started.elapsed() >= Duration::from_millis(500),
            "{kind}: six failures wait twice as long as five ({:?})",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forwarded_addresses_count_only_through_trusted_proxies() {
    each_app(|app| async move {
        let kind = app.kind;
        // No trusted proxy (the default): the header is ignored, so
        // changing it escapes nothing.
        let mut direct = app.client();
        direct.address = "198.51.100.7:5000".parse().unwrap();
        for i in 0..5 {
            login_via(&mut direct, "root", "a guess", &format!("203.0.113.{i}")).await;
        }
        let status = login_via(&mut direct, "root", PASSWORD, "203.0.113.99").await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "{kind}: forged header ignored"
        );

        // Behind a trusted proxy each client counts on its own: one
        // client's failures do not lock the others out.
        let router =
            app.router_with_site(|site| site.trusted_proxies("127.0.0.1".parse().unwrap()));
        let mut proxy = app.client_of(router, &app.client());
        proxy.address = "127.0.0.1:6000".parse().unwrap();
        for _ in 0..5 {
            login_via(&mut proxy, "editor", "a guess", "203.0.113.10").await;
        }
        let refused = login_via(&mut proxy, "editor", PASSWORD, "203.0.113.10").await;
        assert_eq!(
            refused,
            StatusCode::TOO_MANY_REQUESTS,
            "{kind}: that client"
        );
        // A client-supplied first entry does not help that client either.
        let refused = login_via(&mut proxy, "editor", PASSWORD, "10.9.9.9, 203.0.113.10").await;
        assert_eq!(
            refused,
            StatusCode::TOO_MANY_REQUESTS,
            "{kind}: forged first entry"
        );
        let other = login_via(&mut proxy, "editor", PASSWORD, "203.0.113.11").await;
        assert_eq!(
            other,
            StatusCode::SEE_OTHER,
            "{kind}: another client behind the proxy"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_old_password_check_is_throttled() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.client();
        client
            .login("staff", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &kind.to_string());
        let change = |old: &'static str| {
            [
                ("old_password", old),
                ("new_password1", "An-entirely-new-one-77"),
                ("new_password2", "An-entirely-new-one-77"),
            ]
        };
        for attempt in 1..=5 {
            let page = client
                .post_form("/admin/password_change/", &change("a guess"))
                .await;
            page.expect(
                StatusCode::OK,
                &format!("{kind}: wrong old password {attempt}"),
            );
            assert!(
                page.text()
                    .contains("Your old password was entered incorrectly"),
                "{kind}"
            );
        }
        let page = client
            .post_form("/admin/password_change/", &change(PASSWORD))
            .await;
        page.expect(StatusCode::TOO_MANY_REQUESTS, &format!("{kind}: sixth try"));
        assert!(
            page.text().contains("Too many wrong old passwords"),
            "{kind}"
        );
        // The password is unchanged: the old one still logs in elsewhere.
        let mut elsewhere = app.client();
        elsewhere.address = "203.0.113.8:5000".parse().unwrap();
        elsewhere
            .login("staff", PASSWORD)
            .await
            .expect(StatusCode::SEE_OTHER, &format!("{kind}: old password kept"));
        let _ = THROTTLED;
    })
    .await;
}
