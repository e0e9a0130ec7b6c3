//! What every attribute parser shares: values with the place they were
//! written, and the items of a list attribute.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser as _;
use syn::punctuated::Punctuated;

/// A value and where it was written: `span` is the attribute's name,
/// `value_span` the value after `=` (the name again for flags).
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
    pub(crate) value_span: Span,
}

/// The items of `attr(a, b)` or `attr = [a, b]`.
pub(crate) fn list_items(meta: &ParseNestedMeta, usage: &str) -> syn::Result<Vec<syn::Expr>> {
    let not_lists = |tokens: &dyn quote::ToTokens| {
        syn::Error::new_spanned(tokens, format!("expected lists of field names: {usage}"))
    };
    if meta.input.peek(syn::Token![=]) {
        match meta.value()?.parse::<syn::Expr>()? {
            syn::Expr::Array(outer) => Ok(outer.elems.into_iter().collect()),
            other => Err(not_lists(&other)),
        }
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let tokens: proc_macro2::TokenStream = content.parse()?;
        Ok(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated
            .parse2(tokens)?
            .into_iter()
            .collect())
    } else {
        Err(not_lists(&meta.path))
    }
}

/// A string literal, with where it was written; the error names `what`
/// was expected (`"a field name"`).
pub(crate) fn quoted(expr: &syn::Expr, what: &str, usage: &str) -> syn::Result<Spanned<String>> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(Spanned {
            value: s.value(),
            span: s.span(),
            value_span: s.span(),
        }),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected {what} in quotes: {usage}"),
        )),
    }
}

/// `["a", "b"]`: string literals in brackets; the error names `what` the
/// list was expected to be (`"lists of field names"`).
pub(crate) fn quoted_list(
    expr: &syn::Expr,
    what: &str,
    usage: &str,
) -> syn::Result<Vec<Spanned<String>>> {
    match expr {
        syn::Expr::Array(list) => list
            .elems
            .iter()
            .map(|e| quoted(e, "a field name", usage))
            .collect(),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected {what}: {usage}"),
        )),
    }
}
