//! `#[model(...)]`, `#[field(...)]` and `#[choice(...)]`: parsed into plain
//! structs that keep the span of every value for error messages.
//!
//! A value that does not parse is reported and skipped, so the attributes
//! after it are still read and every mistake shows up in one compile.

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;

use crate::ctxt::Ctxt;
use crate::symbol::{
    CHOICE, CHOICE_ATTRS, FIELD, FIELD_ATTRS, FORM, MODEL, MODEL_ATTRS, ON_DELETE,
};

pub(crate) use crate::items::{list_items, Spanned};

/// One attribute slot: set at most once.
pub(crate) struct Attr<T> {
    name: &'static str,
    scope: &'static str,
    value: Option<Spanned<T>>,
}

impl<T> Attr<T> {
    pub(crate) fn none(scope: &'static str, name: &'static str) -> Self {
        Attr {
            name,
            scope,
            value: None,
        }
    }

    fn set_at(&mut self, cx: &Ctxt, span: Span, value_span: Span, value: T) {
        if self.value.is_some() {
            cx.error_at(
                span,
                format!(
                    "duplicate {} attribute `{}`\nhelp: remove one of them",
                    self.scope, self.name
                ),
            );
        } else {
            self.value = Some(Spanned {
                value,
                span,
                value_span,
            });
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

    /// Where the value after `=` was written.
    pub(crate) fn value_span(&self) -> Option<Span> {
        self.value.as_ref().map(|v| v.value_span)
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

pub(crate) use crate::constraint_attr::IndexDecl;

/// The struct-level attributes.
pub(crate) struct Container {
    pub(crate) table: Attr<String>,
    pub(crate) app_label: Attr<String>,
    pub(crate) ordering: Attr<Vec<Spanned<String>>>,
    pub(crate) indexes: Attr<Vec<IndexDecl>>,
    /// `full_text = ["title", "content"]`: the model's full-text index.
    pub(crate) full_text: Attr<Vec<Spanned<String>>>,
    pub(crate) unique_together: Attr<Vec<Vec<Spanned<String>>>>,
    /// `constraints(...)`: check and unique constraints.
    pub(crate) constraints: Attr<Vec<crate::constraint_attr::ConstraintDecl>>,
    pub(crate) verbose_name: Attr<String>,
    pub(crate) verbose_name_plural: Attr<String>,
    /// `display = "{title}"`: the model's `Display`.
    pub(crate) display: Attr<String>,
    /// Set by the derive on the join models it generates.
    pub(crate) auto_created: Attr<()>,
    /// `clean`: validation calls the model's own `clean(&self)`.
    pub(crate) clean: Attr<()>,
}

impl Container {
    pub(crate) fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Self {
        let scope = "model";
        let mut c = Container {
            table: Attr::none(scope, "table"),
            app_label: Attr::none(scope, "app_label"),
            ordering: Attr::none(scope, "ordering"),
            indexes: Attr::none(scope, "indexes"),
            full_text: Attr::none(scope, "full_text"),
            unique_together: Attr::none(scope, "unique_together"),
            constraints: Attr::none(scope, "constraints"),
            verbose_name: Attr::none(scope, "verbose_name"),
            verbose_name_plural: Attr::none(scope, "verbose_name_plural"),
            display: Attr::none(scope, "display"),
            auto_created: Attr::none(scope, "auto_created"),
            clean: Attr::none(scope, "clean"),
        };
        for attr in input.attrs.iter().filter(|a| a.path().is_ident(MODEL)) {
            let result = attr.parse_nested_meta(|meta| {
                let name = path_name(&meta);
                match name.as_str() {
                    "table" => parse_into(cx, &meta, &mut c.table, string),
                    "app_label" => parse_into(cx, &meta, &mut c.app_label, string),
                    "verbose_name" => parse_into(cx, &meta, &mut c.verbose_name, string),
                    "verbose_name_plural" => {
                        parse_into(cx, &meta, &mut c.verbose_name_plural, string)
                    }
                    "ordering" => parse_into(cx, &meta, &mut c.ordering, string_list),
                    "display" => parse_into(cx, &meta, &mut c.display, string),
                    "indexes" => parse_into(cx, &meta, &mut c.indexes, index_lists),
                    "full_text" => parse_into(cx, &meta, &mut c.full_text, string_list),
                    "unique_together" => parse_into(cx, &meta, &mut c.unique_together, lists),
                    "constraints" => parse_into(
                        cx,
                        &meta,
                        &mut c.constraints,
                        crate::constraint_attr::constraints,
                    ),
                    "auto_created" => parse_into(cx, &meta, &mut c.auto_created, flag),
                    "clean" => parse_into(cx, &meta, &mut c.clean, flag),
                    _ => unknown(cx, &meta, MODEL, &name, MODEL_ATTRS),
                }
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        c
    }
}

impl Container {
    /// `#[form(...)]` of a `#[derive(Form)]` struct: only `clean`, read
    /// into the slot a model's `#[model(clean)]` fills. The model's other
    /// attributes stay empty.
    pub(crate) fn from_form_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Self {
        let mut c = Container::from_ast(cx, input);
        for attr in input.attrs.iter().filter(|a| a.path().is_ident(FORM)) {
            let result = attr.parse_nested_meta(|meta| {
                let name = path_name(&meta);
                match name.as_str() {
                    "clean" => parse_into(cx, &meta, &mut c.clean, flag),
                    _ => unknown(cx, &meta, FORM, &name, &["clean"]),
                }
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
    /// `file`: the column holds an uploaded file's name.
    pub(crate) file: Attr<()>,
    /// `image`: the same, for an image (checked to be one).
    pub(crate) image: Attr<()>,
    pub(crate) unique: Attr<()>,
    pub(crate) index: Attr<()>,
    pub(crate) default: Attr<DefaultLit>,
    pub(crate) auto_now: Attr<()>,
    pub(crate) auto_now_add: Attr<()>,
    pub(crate) on_delete: Attr<String>,
    pub(crate) related_name: Attr<String>,
    /// `through = Membership`: the join model of a many-to-many field.
    pub(crate) through: Attr<syn::Type>,
    /// `validators = [no_spam, min_words(3)]`: functions of the value.
    pub(crate) validators: Attr<Vec<syn::Expr>>,
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
            file: Attr::none(scope, "file"),
            image: Attr::none(scope, "image"),
            unique: Attr::none(scope, "unique"),
            index: Attr::none(scope, "index"),
            default: Attr::none(scope, "default"),
            auto_now: Attr::none(scope, "auto_now"),
            auto_now_add: Attr::none(scope, "auto_now_add"),
            on_delete: Attr::none(scope, "on_delete"),
            related_name: Attr::none(scope, "related_name"),
            through: Attr::none(scope, "through"),
            validators: Attr::none(scope, "validators"),
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
                let name = path_name(&meta);
                match name.as_str() {
                    "primary_key" => parse_into(cx, &meta, &mut f.primary_key, flag),
                    "text" => parse_into(cx, &meta, &mut f.text, flag),
                    "slug" => parse_into(cx, &meta, &mut f.slug, flag),
                    "email" => parse_into(cx, &meta, &mut f.email, flag),
                    "url" => parse_into(cx, &meta, &mut f.url, flag),
                    "file" => parse_into(cx, &meta, &mut f.file, flag),
                    "image" => parse_into(cx, &meta, &mut f.image, flag),
                    "unique" => parse_into(cx, &meta, &mut f.unique, flag),
                    "index" => parse_into(cx, &meta, &mut f.index, flag),
                    "auto_now" => parse_into(cx, &meta, &mut f.auto_now, flag),
                    "auto_now_add" => parse_into(cx, &meta, &mut f.auto_now_add, flag),
                    "blank" => parse_into(cx, &meta, &mut f.blank, flag),
                    "max_length" => parse_into(cx, &meta, &mut f.max_length, int),
                    "max_digits" => parse_into(cx, &meta, &mut f.max_digits, int),
                    "decimal_places" => parse_into(cx, &meta, &mut f.decimal_places, int),
                    "default" => parse_into(cx, &meta, &mut f.default, default_lit),
                    "on_delete" => {
                        // Always set, even when the rule is misspelled, so the
                        // ForeignKey is not also reported as lacking a rule.
                        let (rule, value_span) = on_delete(cx, &meta)?;
                        f.on_delete.set_at(cx, meta.path.span(), value_span, rule);
                        Ok(())
                    }
                    "related_name" => parse_into(cx, &meta, &mut f.related_name, string),
                    "through" => parse_into(cx, &meta, &mut f.through, model_type),
                    "validators" => parse_into(cx, &meta, &mut f.validators, expressions),
                    "choices" => parse_into(cx, &meta, &mut f.choices, choices),
                    "verbose_name" => parse_into(cx, &meta, &mut f.verbose_name, string),
                    "help_text" => parse_into(cx, &meta, &mut f.help_text, string),
                    "db_column" => parse_into(cx, &meta, &mut f.db_column, string),
                    "editable" => parse_into(cx, &meta, &mut f.editable, boolean),
                    _ => unknown(cx, &meta, FIELD, &name, FIELD_ATTRS),
                }
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        f
    }
}

/// The attributes of one `Choices` variant.
pub(crate) struct Variant {
    pub(crate) value: Attr<String>,
    pub(crate) label: Attr<String>,
}

impl Variant {
    pub(crate) fn from_ast(cx: &Ctxt, variant: &syn::Variant) -> Self {
        let scope = "choice";
        let mut v = Variant {
            value: Attr::none(scope, "value"),
            label: Attr::none(scope, "label"),
        };
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident(CHOICE)) {
            let result = attr.parse_nested_meta(|meta| {
                let name = path_name(&meta);
                match name.as_str() {
                    "value" => parse_into(cx, &meta, &mut v.value, string),
                    "label" => parse_into(cx, &meta, &mut v.label, string),
                    _ => unknown(cx, &meta, CHOICE, &name, CHOICE_ATTRS),
                }
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        v
    }
}

/// Parses the value of `meta` into `slot`; a value that does not parse is
/// reported and skipped.
pub(crate) fn parse_into<T>(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    slot: &mut Attr<T>,
    parse: impl FnOnce(&ParseNestedMeta) -> syn::Result<(T, Span)>,
) -> syn::Result<()> {
    match parse(meta) {
        Ok((value, value_span)) => slot.set_at(cx, meta.path.span(), value_span, value),
        Err(err) => {
            cx.syn_error(err);
            skip_rest(meta)?;
        }
    }
    Ok(())
}

/// Reports an unknown attribute and skips its value.
pub(crate) fn unknown(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    scope: &str,
    name: &str,
    known: &[&str],
) -> syn::Result<()> {
    // Django's names that are written another way here.
    let instead = match (scope, name) {
        ("field", "null") => "\nhelp: a column that may be NULL is an `Option<T>` field",
        ("field", "db_index") => "\nhelp: an index is `#[field(index)]`",
        ("field", "to") => "\nhelp: the target is the type, as in `ForeignKey<Author>`",
        _ => "",
    };
    cx.error_at(
        meta.path.span(),
        format!(
            "unknown {scope} attribute `{name}`{instead}\nhelp: expected one of: {}",
            known.join(", ")
        ),
    );
    skip_rest(meta)
}

/// Skips to the `,` that ends this item, or to the end of the list.
fn skip_rest(meta: &ParseNestedMeta) -> syn::Result<()> {
    meta.input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

pub(crate) fn path_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

/// The expression after `name =`; `usage` is the error when there is none.
pub(crate) fn value_expr(meta: &ParseNestedMeta, usage: &str) -> syn::Result<syn::Expr> {
    if !meta.input.peek(syn::Token![=]) {
        return Err(syn::Error::new(
            meta.path.span(),
            format!("expected {usage}"),
        ));
    }
    meta.value()?.parse()
}

pub(crate) fn flag(meta: &ParseNestedMeta) -> syn::Result<((), Span)> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        let name = path_name(meta);
        return Err(syn::Error::new(
            meta.path.span(),
            format!(
                "`{name}` takes no value\nhelp: write `{name}` alone, as in `#[field({name})]`"
            ),
        ));
    }
    Ok(((), meta.path.span()))
}

pub(crate) fn string(meta: &ParseNestedMeta) -> syn::Result<(String, Span)> {
    let usage = format!("`{} = \"...\"`", path_name(meta));
    let expr = value_expr(meta, &usage)?;
    match &expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok((s.value(), s.span())),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a string: {usage}"),
        )),
    }
}

fn int(meta: &ParseNestedMeta) -> syn::Result<(u32, Span)> {
    let usage = format!("`{} = <number>`", path_name(meta));
    let expr = value_expr(meta, &usage)?;
    let number = match &expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u32>().ok().map(|n| (n, i.span())),
        _ => None,
    };
    number
        .ok_or_else(|| syn::Error::new_spanned(&expr, format!("expected a whole number: {usage}")))
}

fn boolean(meta: &ParseNestedMeta) -> syn::Result<(bool, Span)> {
    let name = path_name(meta);
    let usage = format!("`{name} = true` or `{name} = false`");
    let expr = value_expr(meta, &usage)?;
    match &expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(b),
            ..
        }) => Ok((b.value, b.span())),
        other => Err(syn::Error::new_spanned(other, format!("expected {usage}"))),
    }
}

/// `validators = [no_spam, min_words(3)]`: a list of expressions, each a
/// function of the field's value or one that returns such a function.
fn expressions(meta: &ParseNestedMeta) -> syn::Result<(Vec<syn::Expr>, Span)> {
    let usage = "`validators = [no_spam, min_words(3)]`";
    let expr = value_expr(meta, usage)?;
    let syn::Expr::Array(array) = &expr else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!("expected a list of validator functions: {usage}"),
        ));
    };
    if let Some(text) = array.elems.iter().find(|e| {
        matches!(
            e,
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            })
        )
    }) {
        return Err(syn::Error::new_spanned(
            text,
            format!("a validator is a function, not a string: {usage}"),
        ));
    }
    Ok((array.elems.iter().cloned().collect(), array.span()))
}

/// `through = Membership`: a model's type, written as a path.
fn model_type(meta: &ParseNestedMeta) -> syn::Result<(syn::Type, Span)> {
    let usage = "`through = Membership` (the join model's type)";
    let expr = value_expr(meta, usage)?;
    match &expr {
        syn::Expr::Path(path) if path.qself.is_none() => Ok((
            syn::Type::Path(syn::TypePath {
                qself: None,
                path: path.path.clone(),
            }),
            path.span(),
        )),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected {usage}, not a string or an expression"),
        )),
    }
}

/// `on_delete = Rule`. Reports what is wrong itself and always yields a
/// rule name, so that a misspelled rule is the only error on the field.
fn on_delete(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<(String, Span)> {
    let help = format!("help: expected one of: {}", ON_DELETE.join(", "));
    let expr = match value_expr(meta, "`on_delete = Cascade`") {
        Ok(expr) => expr,
        Err(err) => {
            cx.syn_error(syn::Error::new(err.span(), format!("{err}\n{help}")));
            skip_rest(meta)?;
            return Ok((String::new(), meta.path.span()));
        }
    };
    let span = expr.span();
    let written = quote::quote!(#expr).to_string().replace(' ', "");
    let rule = match &expr {
        syn::Expr::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => {
            cx.error_spanned_by(
                &expr,
                format!(
                    "the on_delete rule is a name, not a string\nhelp: write `on_delete = {}`",
                    s.value()
                ),
            );
            return Ok((s.value(), span));
        }
        _ => String::new(),
    };
    if !ON_DELETE.contains(&rule.as_str()) {
        cx.error_spanned_by(&expr, format!("unknown on_delete rule `{written}`\n{help}"));
    }
    Ok((rule, span))
}

fn default_lit(meta: &ParseNestedMeta) -> syn::Result<(DefaultLit, Span)> {
    let help =
        "help: write a literal, as in `default = false`, `default = 0` or `default = \"draft\"`";
    let expr = value_expr(meta, &format!("`default = <literal>`\n{help}"))?;
    let not_literal =
        || syn::Error::new_spanned(&expr, format!("expected a literal default\n{help}"));
    let (negative, lit) = match &expr {
        syn::Expr::Lit(lit) => (false, &lit.lit),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            syn::Expr::Lit(lit) => (true, &lit.lit),
            _ => return Err(not_literal()),
        },
        _ => return Err(not_literal()),
    };
    let sign = if negative { -1 } else { 1 };
    let value = match lit {
        syn::Lit::Bool(b) if !negative => DefaultLit::Bool(b.value),
        syn::Lit::Int(i) => match i.base10_parse::<i64>() {
            Ok(v) => DefaultLit::Int(sign * v),
            Err(_) => {
                return Err(syn::Error::new_spanned(
                    &expr,
                    "this default does not fit in 64 bits",
                ))
            }
        },
        syn::Lit::Float(f) => DefaultLit::Float(sign as f64 * f.base10_parse::<f64>()?),
        syn::Lit::Str(s) if !negative => DefaultLit::Str(s.value()),
        _ => return Err(not_literal()),
    };
    Ok((value, lit.span()))
}

fn lit_str(expr: &syn::Expr, usage: &str) -> syn::Result<Spanned<String>> {
    crate::items::quoted(expr, "a field name", usage)
}

/// `ordering = ["a", "-b"]`.
fn string_list(meta: &ParseNestedMeta) -> syn::Result<(Vec<Spanned<String>>, Span)> {
    let name = path_name(meta);
    let usage = format!("`{name} = [\"field\", \"-field\"]`");
    let expr = value_expr(meta, &usage)?;
    let syn::Expr::Array(array) = &expr else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!("expected a list of field names: {usage}"),
        ));
    };
    let names = array
        .elems
        .iter()
        .map(|e| lit_str(e, &usage))
        .collect::<syn::Result<_>>()?;
    Ok((names, meta.path.span()))
}

/// `unique_together(["a"], ["b", "c"])` or `unique_together = [["a"], ["b"]]`.
fn lists(meta: &ParseNestedMeta) -> syn::Result<(Vec<Vec<Spanned<String>>>, Span)> {
    let name = path_name(meta);
    let usage = format!("`{name}([\"a\"], [\"b\", \"c\"])`");
    let lists = list_items(meta, &usage)?
        .iter()
        .map(|item| field_list(item, &usage))
        .collect::<syn::Result<_>>()?;
    Ok((lists, meta.path.span()))
}

/// `indexes(["a"], ["-b", "c"], recent = ["-d"])` or the same in
/// `indexes = [...]`: `name = [...]` names the index.
fn index_lists(meta: &ParseNestedMeta) -> syn::Result<(Vec<IndexDecl>, Span)> {
    let usage = "`indexes([\"a\"], [\"-b\", \"c\"], index_name = [\"-d\"], index_name(fields = [\"e\"], condition = \"f=true\"))`";
    let indexes = list_items(meta, usage)?
        .iter()
        .map(|item| match item {
            syn::Expr::Assign(assign) => Ok(IndexDecl {
                name: Some(index_name(&assign.left, usage)?),
                fields: field_list(&assign.right, usage)?,
                condition: None,
            }),
            syn::Expr::Call(_) => crate::constraint_attr::index_call(item, usage),
            other => Ok(IndexDecl {
                name: None,
                fields: field_list(other, usage)?,
                condition: None,
            }),
        })
        .collect::<syn::Result<_>>()?;
    Ok((indexes, meta.path.span()))
}

/// The name before `=` in `indexes(name = [...])`: an identifier or a
/// string.
fn index_name(expr: &syn::Expr, usage: &str) -> syn::Result<Spanned<String>> {
    let (value, span) = match expr {
        syn::Expr::Path(path) if path.path.get_ident().is_some() => {
            let ident = path.path.get_ident().map(ToString::to_string);
            (ident.unwrap_or_default(), path.span())
        }
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => (s.value(), s.span()),
        other => {
            return Err(syn::Error::new_spanned(
                other,
                format!("expected an index name: {usage}"),
            ))
        }
    };
    if value.is_empty() {
        return Err(syn::Error::new(
            span,
            format!("expected an index name: {usage}"),
        ));
    }
    Ok(Spanned {
        value,
        span,
        value_span: span,
    })
}

/// `["a", "-b"]`: field names in quotes.
fn field_list(item: &syn::Expr, usage: &str) -> syn::Result<Vec<Spanned<String>>> {
    crate::items::quoted_list(item, "lists of field names", usage)
}

/// `choices = [("draft", "Draft"), ("pub", "Published")]`.
fn choices(meta: &ParseNestedMeta) -> syn::Result<(Vec<(String, String)>, Span)> {
    let usage = "`choices = [(\"value\", \"Label\"), ...]`";
    let expr = value_expr(meta, usage)?;
    let syn::Expr::Array(array) = &expr else {
        return Err(syn::Error::new_spanned(
            &expr,
            format!("expected a list of pairs: {usage}"),
        ));
    };
    let pair_str = |e: &syn::Expr| match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(s.value()),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a string: {usage}"),
        )),
    };
    let pairs = array
        .elems
        .iter()
        .map(|e| match e {
            syn::Expr::Tuple(t) if t.elems.len() == 2 => {
                Ok((pair_str(&t.elems[0])?, pair_str(&t.elems[1])?))
            }
            other => Err(syn::Error::new_spanned(
                other,
                format!("expected a (\"value\", \"Label\") pair: {usage}"),
            )),
        })
        .collect::<syn::Result<_>>()?;
    Ok((pairs, meta.path.span()))
}
