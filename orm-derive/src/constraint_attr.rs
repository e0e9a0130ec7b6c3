//! `#[model(constraints(...))]`, and the call form of an `indexes(...)`
//! entry that gives a condition:
//!
//! ```text
//! constraints(
//!     price_not_negative(check = "price__gte=0"),
//!     one_live_slug(unique = ["slug"], condition = "is_live=true"),
//!     title_any_case(unique = ["Lower(title)"]),
//! )
//! indexes(recent_live(fields = ["-published"], condition = "is_live=true"))
//! ```

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;

use crate::items::{list_items, quoted, quoted_list, Spanned};

/// One entry of `indexes(...)`: its fields and, when written
/// `name = [...]`, its name.
#[derive(Clone)]
pub(crate) struct IndexDecl {
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) fields: Vec<Spanned<String>>,
    /// `name(fields = [...], condition = "...")`: a partial index.
    pub(crate) condition: Option<Spanned<String>>,
}

/// One entry of `constraints(...)`.
#[derive(Clone)]
pub(crate) struct ConstraintDecl {
    pub(crate) name: Spanned<String>,
    pub(crate) kind: ConstraintKind,
}

/// What a constraint asks.
#[derive(Clone)]
pub(crate) enum ConstraintKind {
    /// `check = "condition"`
    Check(Spanned<String>),
    /// `unique = [...]`, with an optional `condition = "..."`.
    Unique {
        fields: Vec<Spanned<String>>,
        condition: Option<Spanned<String>>,
    },
}

const CONSTRAINT_USAGE: &str = "`constraints(name(check = \"price__gte=0\"), name(unique = [\"slug\"], condition = \"is_live=true\"))`";

/// `constraints(name(check = "..."), name(unique = [...], condition = "..."))`.
pub(crate) fn constraints(meta: &ParseNestedMeta) -> syn::Result<(Vec<ConstraintDecl>, Span)> {
    let decls = list_items(meta, CONSTRAINT_USAGE)?
        .iter()
        .map(constraint)
        .collect::<syn::Result<_>>()?;
    Ok((decls, meta.path.span()))
}

fn constraint(item: &syn::Expr) -> syn::Result<ConstraintDecl> {
    let Call { name, args } = call(item, CONSTRAINT_USAGE)?;
    let mut check = None;
    let mut unique = None;
    let mut condition = None;
    for (key, value) in args {
        match key.value.as_str() {
            "check" => check = Some(string(value, CONSTRAINT_USAGE)?),
            "unique" => unique = Some(strings(value, CONSTRAINT_USAGE)?),
            "condition" => condition = Some(string(value, CONSTRAINT_USAGE)?),
            other => {
                return Err(syn::Error::new(
                    key.span,
                    format!("unknown constraint option `{other}`: expected `check`, or `unique` with an optional `condition`"),
                ))
            }
        }
    }
    let kind = match (check, unique, condition) {
        (Some(check), None, None) => ConstraintKind::Check(check),
        (None, Some(fields), condition) => {
            if fields.is_empty() {
                return Err(syn::Error::new(
                    name.span,
                    "a unique constraint names at least one field",
                ));
            }
            ConstraintKind::Unique { fields, condition }
        }
        (Some(_), Some(_), _) => {
            return Err(syn::Error::new(
                name.span,
                format!("a constraint is either `check` or `unique`, not both: {CONSTRAINT_USAGE}"),
            ))
        }
        (Some(_), None, Some(condition)) => {
            return Err(syn::Error::new(
                condition.span,
                "`condition` belongs to a `unique` constraint; a check's condition is its `check`",
            ))
        }
        (None, None, _) => {
            return Err(syn::Error::new(
                name.span,
                format!("expected `check = \"...\"` or `unique = [...]`: {CONSTRAINT_USAGE}"),
            ))
        }
    };
    Ok(ConstraintDecl { name, kind })
}

/// `name(fields = [...], condition = "...")` in `indexes(...)`: the fields
/// and the condition.
pub(crate) fn index_call(item: &syn::Expr, usage: &str) -> syn::Result<IndexDecl> {
    let Call { name, args } = call(item, usage)?;
    let mut fields = None;
    let mut condition = None;
    for (key, value) in args {
        match key.value.as_str() {
            "fields" => fields = Some(strings(value, usage)?),
            "condition" => condition = Some(string(value, usage)?),
            other => {
                return Err(syn::Error::new(
                    key.span,
                    format!("unknown index option `{other}`: expected `fields` and `condition`"),
                ))
            }
        }
    }
    let fields = fields
        .ok_or_else(|| syn::Error::new(name.span, format!("expected `fields = [...]`: {usage}")))?;
    Ok(IndexDecl {
        name: Some(name),
        fields,
        condition,
    })
}

/// `name(key = value, ...)`, taken apart.
struct Call<'a> {
    name: Spanned<String>,
    args: Vec<(Spanned<String>, &'a syn::Expr)>,
}

/// `name(key = value, ...)`.
fn call<'a>(item: &'a syn::Expr, usage: &str) -> syn::Result<Call<'a>> {
    let syn::Expr::Call(call) = item else {
        return Err(syn::Error::new_spanned(
            item,
            format!("expected `name(...)`: {usage}"),
        ));
    };
    let name = ident(&call.func, usage)?;
    let args = call
        .args
        .iter()
        .map(|arg| match arg {
            syn::Expr::Assign(assign) => Ok((ident(&assign.left, usage)?, assign.right.as_ref())),
            other => Err(syn::Error::new_spanned(
                other,
                format!("expected `option = value`: {usage}"),
            )),
        })
        .collect::<syn::Result<_>>()?;
    Ok(Call { name, args })
}

fn ident(expr: &syn::Expr, usage: &str) -> syn::Result<Spanned<String>> {
    match expr {
        syn::Expr::Path(path) => match path.path.get_ident() {
            Some(ident) => Ok(Spanned {
                value: ident.to_string(),
                span: ident.span(),
                value_span: ident.span(),
            }),
            None => Err(syn::Error::new_spanned(
                path,
                format!("expected a name: {usage}"),
            )),
        },
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a name: {usage}"),
        )),
    }
}

fn string(expr: &syn::Expr, usage: &str) -> syn::Result<Spanned<String>> {
    quoted(expr, "text", usage)
}

fn strings(expr: &syn::Expr, usage: &str) -> syn::Result<Vec<Spanned<String>>> {
    quoted_list(expr, "a list of names in quotes", usage)
}
