//! `#[model(...)]` and `#[field(...)]`: parsed into plain structs that keep
//! the span of every value for error messages.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{LitInt, LitStr};

use crate::ctxt::Ctxt;
use crate::symbol::{FIELD, FIELD_ATTRS, MODEL, MODEL_ATTRS, ON_DELETE};

/// A value and where it was written.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// One attribute slot: set at most once.
pub(crate) struct Attr<T> {
    name: &'static str,
    scope: &'static str,
    value: Option<Spanned<T>>,
}

impl<T> Attr<T> {
    fn none(scope: &'static str, name: &'static str) -> Self {
        Attr {
            name,
            scope,
            value: None,
        }
    }

    fn set(&mut self, cx: &Ctxt, span: Span, value: T) {
        if self.value.is_some() {
            cx.error_at(
                span,
                format!("duplicate {} attribute `{}`", self.scope, self.name),
            );
        } else {
            self.value = Some(Spanned { value, span });
        }
    }

    pub(crate) fn get(&self) -> Option<&Spanned<T>> {
        self.value.as_ref()
    }

    pub(crate) fn is_set(&self) -> bool {
        self.value.is_some()
    }

    pub(crate) fn span(&self) -> Option<Span> {
        self.value.as_ref().map(|v| v.span)
    }
}

impl<T: Clone> Attr<T> {
    pub(crate) fn value(&self) -> Option<T> {
        self.value.as_ref().map(|v| v.value.clone())
    }
}

/// A literal default value.
#[derive(Clone)]
pub(crate) enum DefaultLit {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// The struct-level attributes.
pub(crate) struct Container {
    pub(crate) table: Attr<String>,
    pub(crate) app_label: Attr<String>,
    pub(crate) ordering: Attr<Vec<Spanned<String>>>,
    pub(crate) indexes: Attr<Vec<Vec<Spanned<String>>>>,
    pub(crate) unique_together: Attr<Vec<Vec<Spanned<String>>>>,
    pub(crate) verbose_name: Attr<String>,
    pub(crate) verbose_name_plural: Attr<String>,
}

impl Container {
    pub(crate) fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Self {
        let scope = "model";
        let mut c = Container {
            table: Attr::none(scope, "table"),
            app_label: Attr::none(scope, "app_label"),
            ordering: Attr::none(scope, "ordering"),
            indexes: Attr::none(scope, "indexes"),
            unique_together: Attr::none(scope, "unique_together"),
            verbose_name: Attr::none(scope, "verbose_name"),
            verbose_name_plural: Attr::none(scope, "verbose_name_plural"),
        };
        for attr in input.attrs.iter().filter(|a| a.path().is_ident(MODEL)) {
            let result = attr.parse_nested_meta(|meta| {
                let span = meta.path.span();
                let name = path_name(&meta);
                match name.as_str() {
                    "table" => c.table.set(cx, span, string(&meta)?),
                    "app_label" => c.app_label.set(cx, span, string(&meta)?),
                    "verbose_name" => c.verbose_name.set(cx, span, string(&meta)?),
                    "verbose_name_plural" => c.verbose_name_plural.set(cx, span, string(&meta)?),
                    "ordering" => c.ordering.set(cx, span, string_list(&meta)?),
                    "indexes" => c.indexes.set(cx, span, lists(&meta)?),
                    "unique_together" => c.unique_together.set(cx, span, lists(&meta)?),
                    _ => {
                        skip_value(&meta)?;
                        cx.error_at(span, unknown(MODEL, &name, MODEL_ATTRS));
                    }
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        c
    }
}

/// The field-level attributes.
pub(crate) struct Field {
    pub(crate) primary_key: Attr<()>,
    pub(crate) max_length: Attr<u32>,
    pub(crate) text: Attr<()>,
    pub(crate) slug: Attr<()>,
    pub(crate) email: Attr<()>,
    pub(crate) url: Attr<()>,
    pub(crate) unique: Attr<()>,
    pub(crate) index: Attr<()>,
    pub(crate) default: Attr<DefaultLit>,
    pub(crate) auto_now: Attr<()>,
    pub(crate) auto_now_add: Attr<()>,
    pub(crate) on_delete: Attr<String>,
    pub(crate) related_name: Attr<String>,
    pub(crate) choices: Attr<Vec<(String, String)>>,
    pub(crate) verbose_name: Attr<String>,
    pub(crate) help_text: Attr<String>,
    pub(crate) blank: Attr<()>,
    pub(crate) editable: Attr<bool>,
    pub(crate) db_column: Attr<String>,
    pub(crate) max_digits: Attr<u32>,
    pub(crate) decimal_places: Attr<u32>,
}

impl Field {
    pub(crate) fn from_ast(cx: &Ctxt, field: &syn::Field) -> Self {
        let scope = "field";
        let mut f = Field {
            primary_key: Attr::none(scope, "primary_key"),
            max_length: Attr::none(scope, "max_length"),
            text: Attr::none(scope, "text"),
            slug: Attr::none(scope, "slug"),
            email: Attr::none(scope, "email"),
            url: Attr::none(scope, "url"),
            unique: Attr::none(scope, "unique"),
            index: Attr::none(scope, "index"),
            default: Attr::none(scope, "default"),
            auto_now: Attr::none(scope, "auto_now"),
            auto_now_add: Attr::none(scope, "auto_now_add"),
            on_delete: Attr::none(scope, "on_delete"),
            related_name: Attr::none(scope, "related_name"),
            choices: Attr::none(scope, "choices"),
            verbose_name: Attr::none(scope, "verbose_name"),
            help_text: Attr::none(scope, "help_text"),
            blank: Attr::none(scope, "blank"),
            editable: Attr::none(scope, "editable"),
            db_column: Attr::none(scope, "db_column"),
            max_digits: Attr::none(scope, "max_digits"),
            decimal_places: Attr::none(scope, "decimal_places"),
        };
        for attr in field.attrs.iter().filter(|a| a.path().is_ident(FIELD)) {
            let result = attr.parse_nested_meta(|meta| {
                let span = meta.path.span();
                let name = path_name(&meta);
                match name.as_str() {
                    "primary_key" => f.primary_key.set(cx, span, flag(&meta)?),
                    "text" => f.text.set(cx, span, flag(&meta)?),
                    "slug" => f.slug.set(cx, span, flag(&meta)?),
                    "email" => f.email.set(cx, span, flag(&meta)?),
                    "url" => f.url.set(cx, span, flag(&meta)?),
                    "unique" => f.unique.set(cx, span, flag(&meta)?),
                    "index" => f.index.set(cx, span, flag(&meta)?),
                    "auto_now" => f.auto_now.set(cx, span, flag(&meta)?),
                    "auto_now_add" => f.auto_now_add.set(cx, span, flag(&meta)?),
                    "blank" => f.blank.set(cx, span, flag(&meta)?),
                    "max_length" => f.max_length.set(cx, span, int(&meta)?),
                    "max_digits" => f.max_digits.set(cx, span, int(&meta)?),
                    "decimal_places" => f.decimal_places.set(cx, span, int(&meta)?),
                    "default" => f.default.set(cx, span, default_lit(&meta)?),
                    "on_delete" => f.on_delete.set(cx, span, on_delete(&meta)?),
                    "related_name" => f.related_name.set(cx, span, string(&meta)?),
                    "choices" => f.choices.set(cx, span, choices(&meta)?),
                    "verbose_name" => f.verbose_name.set(cx, span, string(&meta)?),
                    "help_text" => f.help_text.set(cx, span, string(&meta)?),
                    "db_column" => f.db_column.set(cx, span, string(&meta)?),
                    "editable" => f.editable.set(cx, span, boolean(&meta)?),
                    _ => {
                        skip_value(&meta)?;
                        cx.error_at(span, unknown(FIELD, &name, FIELD_ATTRS));
                    }
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        f
    }
}

fn path_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

fn unknown(scope: &str, name: &str, known: &[&str]) -> String {
    format!(
        "unknown {scope} attribute `{name}`\nhelp: expected one of: {}",
        known.join(", ")
    )
}

fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _ = meta.parse_nested_meta(|inner| skip_value(&inner));
    }
    Ok(())
}

fn flag(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!(
            "`{}` takes no value\nhelp: write `#[field({})]`",
            path_name(meta),
            path_name(meta)
        )));
    }
    Ok(())
}

fn string(meta: &ParseNestedMeta) -> syn::Result<String> {
    let name = path_name(meta);
    let lit: LitStr = meta
        .value()
        .and_then(|v| v.parse())
        .map_err(|e| syn::Error::new(e.span(), format!("expected `{name} = \"...\"`")))?;
    Ok(lit.value())
}

fn int(meta: &ParseNestedMeta) -> syn::Result<u32> {
    let name = path_name(meta);
    let lit: LitInt = meta
        .value()
        .and_then(|v| v.parse())
        .map_err(|e| syn::Error::new(e.span(), format!("expected `{name} = <number>`")))?;
    lit.base10_parse::<u32>()
}

fn boolean(meta: &ParseNestedMeta) -> syn::Result<bool> {
    let name = path_name(meta);
    let lit: syn::LitBool = meta.value().and_then(|v| v.parse()).map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected `{name} = true` or `{name} = false`"),
        )
    })?;
    Ok(lit.value)
}

fn on_delete(meta: &ParseNestedMeta) -> syn::Result<String> {
    let path: syn::Path = meta.value()?.parse()?;
    let rule = path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if ON_DELETE.contains(&rule.as_str()) {
        Ok(rule)
    } else {
        Err(syn::Error::new_spanned(
            &path,
            format!(
                "unknown on_delete rule `{}`\nhelp: expected one of: {}",
                quote::quote!(#path).to_string().replace(' ', ""),
                ON_DELETE.join(", ")
            ),
        ))
    }
}

fn default_lit(meta: &ParseNestedMeta) -> syn::Result<DefaultLit> {
    let expr: syn::Expr = meta.value()?.parse()?;
    let (negative, lit) = match &expr {
        syn::Expr::Lit(lit) => (false, &lit.lit),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => match &**expr {
            syn::Expr::Lit(lit) => (true, &lit.lit),
            _ => return Err(syn::Error::new_spanned(expr, "expected a literal default")),
        },
        _ => {
            return Err(syn::Error::new_spanned(
                &expr,
                "expected a literal default\nhelp: `default = false`, `default = 0`, `default = \"draft\"`",
            ))
        }
    };
    let sign = if negative { -1 } else { 1 };
    Ok(match lit {
        syn::Lit::Bool(b) if !negative => DefaultLit::Bool(b.value),
        syn::Lit::Int(i) => DefaultLit::Int(sign * i.base10_parse::<i64>()?),
        syn::Lit::Float(f) => DefaultLit::Float(sign as f64 * f.base10_parse::<f64>()?),
        syn::Lit::Str(s) if !negative => DefaultLit::Str(s.value()),
        _ => {
            return Err(syn::Error::new_spanned(
                &expr,
                "unsupported default literal",
            ))
        }
    })
}

fn string_list(meta: &ParseNestedMeta) -> syn::Result<Vec<Spanned<String>>> {
    let array: syn::ExprArray = meta.value()?.parse()?;
    array.elems.iter().map(lit_str).collect()
}

fn lit_str(expr: &syn::Expr) -> syn::Result<Spanned<String>> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(Spanned {
            value: s.value(),
            span: s.span(),
        }),
        other => Err(syn::Error::new_spanned(other, "expected a string literal")),
    }
}

/// `indexes(["a"], ["-b", "c"])` or `indexes = [["a"], ["b"]]`.
fn lists(meta: &ParseNestedMeta) -> syn::Result<Vec<Vec<Spanned<String>>>> {
    let arrays: Vec<syn::ExprArray> = if meta.input.peek(syn::Token![=]) {
        let outer: syn::ExprArray = meta.value()?.parse()?;
        outer
            .elems
            .into_iter()
            .map(|e| match e {
                syn::Expr::Array(a) => Ok(a),
                other => Err(syn::Error::new_spanned(
                    other,
                    "expected a list of field names",
                )),
            })
            .collect::<syn::Result<_>>()?
    } else {
        let content;
        syn::parenthesized!(content in meta.input);
        content
            .parse_terminated(syn::ExprArray::parse, syn::Token![,])?
            .into_iter()
            .collect()
    };
    arrays
        .iter()
        .map(|a| a.elems.iter().map(lit_str).collect())
        .collect()
}

/// `choices = [("draft", "Draft"), ("pub", "Published")]`.
fn choices(meta: &ParseNestedMeta) -> syn::Result<Vec<(String, String)>> {
    let array: syn::ExprArray = meta.value()?.parse()?;
    array
        .elems
        .iter()
        .map(|e| match e {
            syn::Expr::Tuple(t) if t.elems.len() == 2 => {
                let value = lit_str(&t.elems[0])?.value;
                let label = lit_str(&t.elems[1])?.value;
                Ok((value, label))
            }
            other => Err(syn::Error::new_spanned(
                other,
                "expected (\"value\", \"label\")",
            )),
        })
        .collect()
}

use syn::parse::Parse;
