//! Checks of `constraints(...)` and of index conditions: names the model
//! has, each constraint and index named once, conditions that read the
//! model's own fields. What a condition asks of each field (its lookups,
//! its values) is checked when the project starts (`check`) and by
//! `makemigrations`.

use std::collections::HashSet;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::ast::{Container, Field};
use crate::attr::Spanned;
use crate::constraint_attr::ConstraintKind;
use crate::ctxt::Ctxt;

/// The field an index entry reads: `title`, `-title`, `Lower(title)`.
pub(crate) fn entry_field(entry: &str) -> Result<&str, String> {
    let entry = entry.strip_prefix('-').unwrap_or(entry);
    let Some((function, inner)) = entry.split_once('(') else {
        return Ok(entry);
    };
    if !matches!(function, "Lower" | "Upper") {
        return Err(format!(
            "`{function}(...)` cannot be indexed\nhelp: an entry is a field name, `-name`, `Lower(name)` or `Upper(name)`"
        ));
    }
    inner
        .strip_suffix(')')
        .filter(|name| !name.is_empty() && !name.contains(['(', ')']))
        .ok_or_else(|| format!("expected `{function}(field)`, found `{entry}`"))
}

pub(crate) fn check_constraints(cx: &Ctxt, cont: &Container) {
    let mut names: HashSet<String> = cont
        .attrs
        .indexes
        .get()
        .map(|indexes| {
            indexes
                .value
                .iter()
                .filter_map(|index| index.name.as_ref().map(|n| n.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(indexes) = cont.attrs.indexes.get() {
        for condition in indexes.value.iter().filter_map(|i| i.condition.as_ref()) {
            check_condition(cx, cont, "indexes", condition);
        }
    }
    let Some(constraints) = cont.attrs.constraints.get() else {
        return;
    };
    for decl in &constraints.value {
        if !names.insert(decl.name.value.clone()) {
            cx.error_at(
                decl.name.span,
                format!(
                    "duplicate constraint name `{}`\nhelp: give each constraint and index of the model its own name",
                    decl.name.value
                ),
            );
        }
        match &decl.kind {
            ConstraintKind::Check(condition) => check_condition(cx, cont, "constraints", condition),
            ConstraintKind::Unique {
                condition: Some(condition),
                ..
            } => check_condition(cx, cont, "constraints", condition),
            ConstraintKind::Unique { .. } => {}
        }
    }
}

/// Every name in the condition before `=` starts with a field of the
/// model, and so does every `F(name)`.
fn check_condition(cx: &Ctxt, cont: &Container, attr: &str, condition: &Spanned<String>) {
    let tokens: TokenStream = match condition.value.parse() {
        Ok(tokens) => tokens,
        Err(_) => {
            cx.error_at(
                condition.span,
                format!("`{attr}`: the condition `{}` does not parse\nhelp: write lookups joined by `&`, `|` and `~`, e.g. \"price__gte=0 & stock__gte=0\"", condition.value),
            );
            return;
        }
    };
    let mut read = Vec::new();
    names_read(tokens, &mut read);
    if read.is_empty() {
        cx.error_at(
            condition.span,
            format!("`{attr}`: the condition `{}` compares no field\nhelp: write lookups such as \"price__gte=0\"", condition.value),
        );
    }
    for name in read {
        let field = name.split("__").next().unwrap_or_default();
        if !cont.fields.iter().any(|f| f.name() == field) {
            let names: Vec<String> = cont.fields.iter().map(Field::name).collect();
            cx.error_at(
                condition.span,
                format!(
                    "`{attr}`: the condition `{}` names unknown field `{field}`\nhelp: the fields are: {}",
                    condition.value,
                    names.join(", ")
                ),
            );
        }
    }
}

/// The names a condition compares: each identifier followed by `=`, and
/// the one inside `F(...)`.
fn names_read(tokens: TokenStream, out: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match (token, tokens.get(i + 1)) {
            (TokenTree::Ident(ident), Some(TokenTree::Punct(p))) if p.as_char() == '=' => {
                out.push(ident.to_string());
            }
            (TokenTree::Ident(ident), Some(TokenTree::Group(group)))
                if ident == "F" && group.delimiter() == Delimiter::Parenthesis =>
            {
                out.push(group.stream().to_string().trim().to_owned());
            }
            (TokenTree::Group(group), _) if group.delimiter() == Delimiter::Parenthesis => {
                names_read(group.stream(), out);
            }
            _ => {}
        }
    }
}
