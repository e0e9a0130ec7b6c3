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
