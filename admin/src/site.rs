//! The admin site: which models it shows and how it is configured.

use std::sync::Arc;

use orm_contrib::auth::{Group, User};
use orm_core::model::ModelOps;
use orm_core::model_admin::{self, registered_admins, AdminOps, AdminOptions, RowsFn};
use orm_core::schema::ModelSchema;
use orm_core::Db;

use crate::client_info::TrustedProxies;
use crate::kept::Kept;
use crate::login_throttle::LoginThrottle;
use crate::permissions::ModelPerms;
use orm_contrib::auth::Granted;

/// An admin site under construction: its database, models and settings.
///
/// [`AdminSite::new`] lists every model that carries `#[admin(...)]` and the
/// built-in `User` and `Group`; [`register`](AdminSite::register) adds others.
#[derive(Clone)]
pub struct AdminSite {
    db: Db,
    models: Vec<AdminOps>,
    site_header: String,
    site_title: Option<String>,
    index_title: String,
    site_url: Option<String>,
    secret_key: Vec<u8>,
    secure_cookies: bool,
    upload_limits: crate::form_body::UploadLimits,
    trusted_proxies: TrustedProxies,
    path: String,
}

impl std::fmt::Debug for AdminSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminSite")
            .field("db", &self.db)
            .field("models", &self.models)
            .field("site_header", &self.site_header)
            .finish_non_exhaustive()
    }
}

impl AdminSite {
    /// A site over `db` with every model marked `#[admin(...)]`, and users
    /// and groups.
    pub fn new(db: Db) -> AdminSite {
        let mut models: Vec<AdminOps> = registered_admins()
            .into_iter()
            .filter(|m| (m.options)().registered)
            .collect();
        for builtin in [AdminOps::of::<User>(), AdminOps::of::<Group>()] {
            if !models.iter().any(|m| same_model(m, &builtin)) {
                models.push(builtin);
            }
        }
        AdminSite {
            db,
            models,
            site_header: "Administration".to_owned(),
            site_title: None,
            index_title: "Site administration".to_owned(),
            site_url: Some("/".to_owned()),
            secret_key: random_key(),
            secure_cookies: false,
            upload_limits: crate::form_body::UploadLimits::default(),
            trusted_proxies: TrustedProxies::default(),
            path: "/admin".to_owned(),
        }
    }

    /// Where the admin lives (default `/admin`): `/backoffice` serves the
    /// index at `/backoffice/`. `""` or `/` puts it at the root.
    pub fn path(mut self, path: &str) -> AdminSite {
        let trimmed = path.trim().trim_end_matches('/');
        self.path = if trimmed.is_empty() || trimmed.starts_with('/') {
            trimmed.to_owned()
        } else {
            format!("/{trimmed}")
        };
        self
    }

    /// Shows model `M` too (its `#[admin(...)]` options, or the defaults).
    pub fn register<M: model_admin::AdminModel>(mut self) -> AdminSite {
        let ops = AdminOps::of::<M>();
        if !self.models.iter().any(|m| same_model(m, &ops)) {
            self.models.push(ops);
        }
        self
    }

    /// Stops showing model `M`.
    pub fn unregister<M: model_admin::AdminModel>(mut self) -> AdminSite {
        let ops = AdminOps::of::<M>();
        self.models.retain(|m| !same_model(m, &ops));
        self
    }

    /// The title at the top of every page (default `Administration`).
    pub fn site_header(mut self, header: impl Into<String>) -> AdminSite {
        self.site_header = header.into();
        self
    }

    /// What ends every page's `<title>` (Django's `site_title`; default
    /// the [`site_header`](AdminSite::site_header)).
    pub fn site_title(mut self, title: impl Into<String>) -> AdminSite {
        self.site_title = Some(title.into());
        self
    }

    /// The index page's heading (Django's `index_title`, default `Site
    /// administration`).
    pub fn index_title(mut self, title: impl Into<String>) -> AdminSite {
        self.index_title = title.into();
        self
    }

    /// Where the header's "View site" link goes (Django's `site_url`,
    /// default `/`); `None` shows no link.
    pub fn site_url(mut self, url: Option<&str>) -> AdminSite {
        self.site_url = url.map(str::to_owned);
        self
    }

    /// The key that ties sessions to password hashes (like Django's
    /// `SECRET_KEY`). Without it a random key is used and every session ends
    /// when the process does.
    pub fn secret_key(mut self, key: impl AsRef<[u8]>) -> AdminSite {
        self.secret_key = key.as_ref().to_vec();
        self
    }

    /// How large the admin's forms and their files may be.
    pub fn upload_limits(mut self, limits: crate::form_body::UploadLimits) -> AdminSite {
        self.upload_limits = limits;
        self
    }

    /// Marks the session and CSRF cookies `Secure` (sent over HTTPS only).
    /// Turn it on when the site is served over HTTPS.
    pub fn secure_cookies(mut self, secure: bool) -> AdminSite {
        self.secure_cookies = secure;
        self
    }

    /// The reverse proxies in front of the site (default: none), whose
    /// `Forwarded` / `X-Forwarded-For` headers give the client's address
    /// (for login throttling) and whose `X-Forwarded-Proto` gives the scheme
    /// the client used (for the CSRF origin check). Headers from any other
    /// peer are ignored: anybody can send them.
    pub fn trusted_proxies(mut self, proxies: TrustedProxies) -> AdminSite {
        self.trusted_proxies = proxies;
        self
    }

    /// The models shown, by label.
    pub fn model_labels(&self) -> Vec<String> {
        self.models.iter().map(|m| m.schema().label()).collect()
    }

    pub(crate) fn build(self) -> Admin {
        let mut models: Vec<AdminModel> = self.models.into_iter().map(AdminModel::new).collect();
        models.sort_by(|a, b| {
            (
                a.schema.app_label.as_ref(),
                a.schema.verbose_name_plural.as_ref(),
            )
                .cmp(&(
                    b.schema.app_label.as_ref(),
                    b.schema.verbose_name_plural.as_ref(),
                ))
        });
        Admin(Arc::new(AdminInner {
            kept: Kept::new(&self.db),
            db: self.db,
            models,
            site_title: self.site_title.unwrap_or_else(|| self.site_header.clone()),
            index_title: self.index_title,
            site_header: self.site_header,
            site_url: self.site_url,
            secret_key: self.secret_key,
            secure_cookies: self.secure_cookies,
            upload_limits: self.upload_limits,
            trusted_proxies: self.trusted_proxies,
            path: self.path,
            throttle: LoginThrottle::default(),
        }))
    }
}

fn same_model(a: &AdminOps, b: &AdminOps) -> bool {
    a.schema().label() == b.schema().label()
}

fn random_key() -> Vec<u8> {
    use rand::RngCore;
    let mut key = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

/// The built site, shared by every request.
#[derive(Clone)]
pub(crate) struct Admin(Arc<AdminInner>);

pub(crate) struct AdminInner {
    pub(crate) db: Db,
    pub(crate) models: Vec<AdminModel>,
    pub(crate) site_header: String,
    pub(crate) site_title: String,
    pub(crate) index_title: String,
    /// The "View site" link.
    pub(crate) site_url: Option<String>,
    pub(crate) secret_key: Vec<u8>,
    pub(crate) secure_cookies: bool,
    pub(crate) upload_limits: crate::form_body::UploadLimits,
    pub(crate) trusted_proxies: TrustedProxies,
    /// The mount path, without a trailing slash (`/admin`).
    pub(crate) path: String,
    pub(crate) throttle: LoginThrottle,
    /// Values reused between requests.
    pub(crate) kept: Kept,
}

impl std::ops::Deref for Admin {
    type Target = AdminInner;
    fn deref(&self) -> &AdminInner {
        &self.0
    }
}

impl Admin {
    /// The client behind a request, through the trusted proxies.
    pub(crate) fn client_info(
        &self,
        extensions: &http::Extensions,
        headers: &http::HeaderMap,
    ) -> crate::client_info::ClientInfo {
        crate::client_info::ClientInfo::of(
            extensions,
            headers,
            &self.trusted_proxies,
            self.secure_cookies,
        )
    }

    /// The model at `/{app}/{model}/`, by app label and lower-case name.
    pub(crate) fn model(&self, app_label: &str, model_name: &str) -> Option<&AdminModel> {
        self.models
            .iter()
            .find(|m| m.schema.app_label == app_label && m.model_name == model_name)
    }

    /// The shown model with this label (`app.Name`), if any.
    pub(crate) fn model_by_label(&self, label: &str) -> Option<&AdminModel> {
        self.models.iter().find(|m| m.label == label)
    }
}

/// One shown model: its operations, schema and admin options.
#[derive(Clone)]
pub(crate) struct AdminModel {
    pub(crate) ops: ModelOps,
    /// Its rows as the changelist and forms show them.
    pub(crate) rows: RowsFn,
    /// Its rows counted by a field's values (the filters' counts).
    pub(crate) facets: orm_core::model_admin::FacetsFn,
    pub(crate) schema: &'static ModelSchema,
    pub(crate) options: &'static AdminOptions,
    /// Lower-case name, as in URLs: `article`.
    pub(crate) model_name: String,
    /// `blog.Article`.
    pub(crate) label: String,
}

impl AdminModel {
    pub(crate) fn new(admin: AdminOps) -> AdminModel {
        let schema = admin.schema();
        AdminModel {
            ops: admin.model,
            rows: admin.rows,
            facets: admin.facets,
            schema,
            options: (admin.options)(),
            model_name: schema.model_name(),
            label: schema.label(),
        }
    }

    /// What a user with `perms` may do with this model.
    pub(crate) fn perms(&self, granted: &Granted) -> ModelPerms {
        ModelPerms::of(granted, &self.schema.app_label, &self.model_name)
    }
}
