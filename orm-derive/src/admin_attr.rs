//! `#[admin(...)]`: how the admin presents the model, parsed like
//! `#[model(...)]` into one slot per option, keeping the span of every name
//! for the checks in [`admin_check`](crate::admin_check).
//!
//! ```text
//! #[admin(
//!     list_display = ["title", "author", "word_count"],
//!     list_filter = ["is_published"],
//!     list_per_page = 50,
//!     estimate_count_above = 1_000_000,
//!     date_hierarchy = "published_date",
//!     prepopulated_fields(slug = ["title"]),
//!     actions = [publish, crate::actions::unpublish],
//! )]
//! ```

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;

use crate::attr::{flag, parse_into, path_name, string, unknown, value_expr, Attr, Spanned};
use crate::ctxt::Ctxt;
use crate::symbol::{ADMIN, ADMIN_ATTRS};

/// Names written in a list: `["title", "-published_date"]`.
pub(crate) type Names = Vec<Spanned<String>>;

/// A field filled from others: `slug = ["title"]`.
pub(crate) type Prepopulated = (Spanned<String>, Names);

/// A section of the change form: `("Publishing", ["status"], "collapse")`.
pub(crate) struct Fieldset {
    /// Its heading (empty: none).
    pub(crate) name: String,
    pub(crate) fields: Names,
    /// Shown folded, to be opened.
    pub(crate) collapse: bool,
}

/// The options of `#[admin(...)]`.
pub(crate) struct Admin {
    /// Whether the struct carries `#[admin]` at all.
    pub(crate) present: bool,
    pub(crate) list_display: Attr<Names>,
    pub(crate) list_display_links: Attr<Names>,
    pub(crate) list_filter: Attr<Names>,
    pub(crate) search_fields: Attr<Names>,
    pub(crate) ordering: Attr<Names>,
    pub(crate) list_per_page: Attr<i64>,
    pub(crate) estimate_count_above: Attr<i64>,
    pub(crate) readonly_fields: Attr<Names>,
    pub(crate) fields: Attr<Names>,
    pub(crate) exclude: Attr<Names>,
    pub(crate) raw_id_fields: Attr<Names>,
    pub(crate) autocomplete_fields: Attr<Names>,
    pub(crate) date_hierarchy: Attr<String>,
    pub(crate) prepopulated_fields: Attr<Vec<Prepopulated>>,
    pub(crate) actions: Attr<Vec<syn::Path>>,
    pub(crate) fieldsets: Attr<Vec<Fieldset>>,
    /// `save_as`: the change form saves a copy as a new object on request.
    pub(crate) save_as: Attr<()>,
    /// `view_on_site = "/articles/{slug}/"`: the object's page on the site.
    pub(crate) view_on_site: Attr<String>,
}

impl Admin {
    /// Reads every `#[admin(...)]` of the struct (a bare `#[admin]`
    /// registers the model with the default options).
    pub(crate) fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Self {
        let scope = "admin";
        let mut a = Admin {
            present: false,
            list_display: Attr::none(scope, "list_display"),
            list_display_links: Attr::none(scope, "list_display_links"),
            list_filter: Attr::none(scope, "list_filter"),
            search_fields: Attr::none(scope, "search_fields"),
            ordering: Attr::none(scope, "ordering"),
            list_per_page: Attr::none(scope, "list_per_page"),
            estimate_count_above: Attr::none(scope, "estimate_count_above"),
            readonly_fields: Attr::none(scope, "readonly_fields"),
            fields: Attr::none(scope, "fields"),
            exclude: Attr::none(scope, "exclude"),
            raw_id_fields: Attr::none(scope, "raw_id_fields"),
            autocomplete_fields: Attr::none(scope, "autocomplete_fields"),
            date_hierarchy: Attr::none(scope, "date_hierarchy"),
            prepopulated_fields: Attr::none(scope, "prepopulated_fields"),
            fieldsets: Attr::none(scope, "fieldsets"),
            save_as: Attr::none(scope, "save_as"),
            view_on_site: Attr::none(scope, "view_on_site"),
            actions: Attr::none(scope, "actions"),
        };
        for attr in input.attrs.iter().filter(|a| a.path().is_ident(ADMIN)) {
            a.present = true;
            if let syn::Meta::Path(_) = attr.meta {
                continue;
            }
            let result = attr.parse_nested_meta(|meta| {
                let name = path_name(&meta);
                match name.as_str() {
                    "list_display" => parse_into(cx, &meta, &mut a.list_display, |m| {
                        names(m, "a field or method name")
                    }),
                    "list_display_links" => {
                        parse_into(cx, &meta, &mut a.list_display_links, fields)
                    }
                    "list_filter" => parse_into(cx, &meta, &mut a.list_filter, fields),
                    "search_fields" => parse_into(cx, &meta, &mut a.search_fields, fields),
                    "ordering" => parse_into(cx, &meta, &mut a.ordering, |m| {
                        names(m, "a field name, `-` first for descending")
                    }),
                    "list_per_page" => parse_into(cx, &meta, &mut a.list_per_page, per_page),
                    "estimate_count_above" => {
                        parse_into(cx, &meta, &mut a.estimate_count_above, estimate_above)
                    }
                    "readonly_fields" => parse_into(cx, &meta, &mut a.readonly_fields, fields),
                    "fields" => parse_into(cx, &meta, &mut a.fields, fields),
                    "exclude" => parse_into(cx, &meta, &mut a.exclude, fields),
                    "raw_id_fields" => parse_into(cx, &meta, &mut a.raw_id_fields, fields),
                    "autocomplete_fields" => {
                        parse_into(cx, &meta, &mut a.autocomplete_fields, fields)
                    }
                    "date_hierarchy" => parse_into(cx, &meta, &mut a.date_hierarchy, string),
                    "prepopulated_fields" => {
                        parse_into(cx, &meta, &mut a.prepopulated_fields, prepopulated)
                    }
                    "actions" => parse_into(cx, &meta, &mut a.actions, actions),
                    "fieldsets" => parse_into(cx, &meta, &mut a.fieldsets, fieldsets),
                    "save_as" => parse_into(cx, &meta, &mut a.save_as, flag),
                    "view_on_site" => parse_into(cx, &meta, &mut a.view_on_site, string),
                    _ => unknown(cx, &meta, ADMIN, &name, ADMIN_ATTRS),
                }
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        a
    }

    /// Every option that is a list of field names, with its name.
    pub(crate) fn name_lists(&self) -> [(&'static str, &Attr<Names>); 10] {
        [
            ("list_display", &self.list_display),
            ("list_display_links", &self.list_display_links),
            ("list_filter", &self.list_filter),
            ("search_fields", &self.search_fields),
            ("ordering", &self.ordering),
            ("readonly_fields", &self.readonly_fields),
            ("fields", &self.fields),
            ("exclude", &self.exclude),
            ("raw_id_fields", &self.raw_id_fields),
            ("autocomplete_fields", &self.autocomplete_fields),
        ]
    }
}

/// `name = ["a", "b"]`, where each item is `what`.
fn names(meta: &ParseNestedMeta, what: &str) -> syn::Result<(Names, Span)> {
    let usage = format!("`{} = [\"...\", ...]`", path_name(meta));
    let expr = value_expr(meta, &usage)?;
    let syn::Expr::Array(array) = &expr else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!("expected a list: {usage}"),
        ));
    };
    let names = array
        .elems
        .iter()
        .map(|e| crate::items::quoted(e, what, &usage))
        .collect::<syn::Result<_>>()?;
    Ok((names, meta.path.span()))
}

/// `fieldsets = [("", ["title", "slug"]), ("Publishing", ["status"], "collapse")]`.
fn fieldsets(meta: &ParseNestedMeta) -> syn::Result<(Vec<Fieldset>, Span)> {
    let usage = "`fieldsets = [(\"\", [\"title\"]), (\"Advanced\", [\"status\"], \"collapse\")]`";
    let expr = value_expr(meta, usage)?;
    let syn::Expr::Array(array) = &expr else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!("expected a list of sections: {usage}"),
        ));
    };
    let mut sets = Vec::new();
    for element in &array.elems {
        let syn::Expr::Tuple(tuple) = element else {
            return Err(syn::Error::new_spanned(
                element,
                format!("expected a section, `(\"heading\", [\"field\", ...])`: {usage}"),
            ));
        };
        let parts: Vec<&syn::Expr> = tuple.elems.iter().collect();
        let text = |e: &syn::Expr| match e {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        };
        let (Some(name), Some(syn::Expr::Array(list))) =
            (parts.first().and_then(|e| text(e)), parts.get(1).copied())
        else {
            return Err(syn::Error::new_spanned(
                tuple,
                format!("expected `(\"heading\", [\"field\", ...])`, the heading \"\" for none: {usage}"),
            ));
        };
        let collapse = match parts.get(2) {
            None => false,
            Some(e) if text(e).as_deref() == Some("collapse") => true,
            Some(e) => {
                return Err(syn::Error::new_spanned(
                    e,
                    "a section's third part can only be \"collapse\" (shown folded)",
                ))
            }
        };
        if parts.len() > 3 {
            return Err(syn::Error::new_spanned(
                tuple,
                "a section has at most three parts",
            ));
        }
        let fields = list
            .elems
            .iter()
            .map(|e| crate::items::quoted(e, "a field name", usage))
            .collect::<syn::Result<_>>()?;
        sets.push(Fieldset {
            name,
            fields,
            collapse,
        });
    }
    Ok((sets, meta.path.span()))
}

fn fields(meta: &ParseNestedMeta) -> syn::Result<(Names, Span)> {
    names(meta, "a field name")
}

/// `list_per_page = 50`: a whole number, at least 1.
fn per_page(meta: &ParseNestedMeta) -> syn::Result<(i64, Span)> {
    at_least_one(
        meta,
        "list_per_page",
        "help: write how many rows a changelist page shows, as in `list_per_page = 100`",
    )
}

/// `estimate_count_above = 1_000_000`: a whole number, at least 1.
fn estimate_above(meta: &ParseNestedMeta) -> syn::Result<(i64, Span)> {
    at_least_one(
        meta,
        "estimate_count_above",
        "help: write from how many rows (by the database's statistics) the changelist \
         shows an estimated count, as in `estimate_count_above = 1_000_000`",
    )
}

/// `name = <number>`: a whole number, at least 1.
fn at_least_one(meta: &ParseNestedMeta, name: &str, help: &str) -> syn::Result<(i64, Span)> {
    let expr = value_expr(meta, &format!("`{name} = <number>`\n{help}"))?;
    let (negative, lit) = match &expr {
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr: inner,
            ..
        }) => (true, &**inner),
        other => (false, other),
    };
    let number = match lit {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<i64>().ok(),
        _ => None,
    };
    match number {
        Some(n) if n >= 1 && !negative => Ok((n, expr.span())),
        Some(_) => Err(syn::Error::new_spanned(
            &expr,
            format!("`{name}` must be at least 1\n{help}"),
        )),
        None => Err(syn::Error::new_spanned(
            &expr,
            format!("expected a whole number\n{help}"),
        )),
    }
}

/// `prepopulated_fields(slug = ["title"], ...)`.
fn prepopulated(meta: &ParseNestedMeta) -> syn::Result<(Vec<Prepopulated>, Span)> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(syn::Error::new(
            meta.path.span(),
            "expected `prepopulated_fields(field = [\"source\", ...])`",
        ));
    }
    let mut pairs = Vec::new();
    meta.parse_nested_meta(|inner| {
        let key = Spanned {
            value: path_name(&inner),
            span: inner.path.span(),
            value_span: inner.path.span(),
        };
        let (sources, _) = fields(&inner)?;
        pairs.push((key, sources));
        Ok(())
    })?;
    Ok((pairs, meta.path.span()))
}

/// `actions = [publish, crate::actions::archive]`.
fn actions(meta: &ParseNestedMeta) -> syn::Result<(Vec<syn::Path>, Span)> {
    let usage = "`actions = [publish, crate::actions::archive]`";
    let expr = value_expr(meta, usage)?;
    let syn::Expr::Array(array) = &expr else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!("expected a list of functions: {usage}"),
        ));
    };
    let paths = array
        .elems
        .iter()
        .map(|e| match e {
            syn::Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => Ok(p.path.clone()),
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Err(syn::Error::new_spanned(
                e,
                format!(
                    "an action is a function, not a string\nhelp: write `actions = [{}]`",
                    s.value()
                ),
            )),
            other => Err(syn::Error::new_spanned(
                other,
                format!("expected the path of a function: {usage}"),
            )),
        })
        .collect::<syn::Result<_>>()?;
    Ok((paths, meta.path.span()))
}
