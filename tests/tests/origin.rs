//! The CSRF origin check compares scheme, host and port: a page of
//! `https://testserver` is another origin than `http://testserver`.

use http::{HeaderName, StatusCode};
use tests::admin_app::{each_app, Role};

#[tokio::test(flavor = "multi_thread")]
async fn the_origin_must_match_scheme_host_and_port() {
    each_app(|app| async move {
        let kind = app.kind;
        let mut client = app.logged_in(Role::Superuser).await;
        for origin in [
            "https://testserver",
            "http://testserver:8080",
            "https://testserver:80",
        ] {
            let page = client
                .post("/admin/logout/")
                .origin(Some(origin))
                .send()
                .await;
            page.expect(StatusCode::FORBIDDEN, &format!("{kind}: {origin}"));
            assert!(
                page.text().contains("Origin checking failed"),
                "{kind}: {origin}"
            );
        }
        // The site's own origin, also with its default port written out.
        for origin in ["http://testserver:80", "http://TestServer"] {
            let page = client.get("/admin/").await;
            page.expect(
                StatusCode::OK,
                &format!("{kind}: still logged in before {origin}"),
            );
            let page = client
                .post("/admin/password_change/")
                .origin(Some(origin))
                .send()
                .await;
            page.expect(StatusCode::OK, &format!("{kind}: {origin}"));
        }

        // Behind a trusted TLS proxy the client's scheme is the proxy's word.
        let router =
            app.router_with_site(|site| site.trusted_proxies("127.0.0.1".parse().unwrap()));
        let mut proxied = app.client_of(router, &client);
        let proto = HeaderName::from_static("x-forwarded-proto");
        let page = proxied
            .post("/admin/password_change/")
            .origin(Some("https://testserver"))
            .header(proto.clone(), "https")
            .send()
            .await;
        page.expect(StatusCode::OK, &format!("{kind}: https through the proxy"));
        let page = proxied
            .post("/admin/password_change/")
            .origin(Some("http://testserver"))
            .header(proto.clone(), "https")
            .send()
            .await;
        page.expect(
            StatusCode::FORBIDDEN,
            &format!("{kind}: http page, https request"),
        );
        // From an untrusted peer the header is ignored.
        proxied.address = "198.51.100.7:5000".parse().unwrap();
        let page = proxied
            .post("/admin/password_change/")
            .origin(Some("https://testserver"))
            .header(proto, "https")
            .send()
            .await;
        page.expect(StatusCode::FORBIDDEN, &format!("{kind}: forged proto"));
    })
    .await;
}
