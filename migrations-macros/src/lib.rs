//! `embed_migrations!`, re-exported by `orm-migrations`: compiles an app's
//! migration files into the binary.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// Embeds an app's migration files in the binary, like
/// `diesel_migrations::embed_migrations!`, and evaluates to a
/// `orm_migrations::MigrationSource` for `orm_migrations::loader::load`.
///
/// `embed_migrations!("blog")` reads the folder `migrations/` next to the
/// calling crate's `Cargo.toml`; `embed_migrations!("blog", "src/blog/migrations")`
/// names another folder (relative to the same `Cargo.toml`). The first
/// argument is the app label.
///
/// ```ignore
/// use orm_migrations::{embed_migrations, loader, MigrationSource};
///
/// const BLOG: MigrationSource = embed_migrations!("blog", "src/blog/migrations");
/// const SHOP: MigrationSource = embed_migrations!("shop", "src/shop/migrations");
///
/// let migrations = loader::load(&[BLOG, SHOP])?;
/// ```
///
/// # How it works
///
/// The macro lists the folder when the crate is compiled, checks every
/// `*.toml` file name (`NNNN_name`; names starting with `.` or `_` are
/// skipped) and expands to
///
/// ```ignore
/// orm_migrations::MigrationSource::embedded_from("blog", "/abs/path/src/blog/migrations", &[
///     ("0001_initial", include_str!("/abs/path/src/blog/migrations/0001_initial.toml")),
///     ("0002_article_summary", include_str!("/abs/path/src/blog/migrations/0002_article_summary.toml")),
/// ])
/// ```
///
/// so there is no list to maintain, and because each file goes through
/// `include_str!`, cargo rebuilds the crate when one of them changes or is
/// removed.
///
/// Cargo cannot watch a folder for *new* files from a macro. So that a
/// binary built before `makemigrations` added a file never silently misses
/// it, the source remembers the folder: when the program runs where that
/// folder exists (on the machine that built it), `load` fails with an error
/// naming the files the binary lacks. To have cargo rebuild by itself
/// instead, add to the crate's `build.rs`:
///
/// ```ignore
/// println!("cargo:rerun-if-changed=src/blog/migrations");
/// ```
///
/// A missing folder, an unreadable file or a badly named file is a compile
/// error naming it.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as Args);
    match expand(&args) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

/// `"app_label"` and an optional `"folder"`.
struct Args {
    app_label: LitStr,
    dir: Option<LitStr>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let app_label: LitStr = input.parse()?;
        let mut dir = None;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            dir = Some(input.parse()?);
            input.parse::<Option<Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error(
                "expected embed_migrations!(\"app_label\") or embed_migrations!(\"app_label\", \"path/to/migrations\")",
            ));
        }
        Ok(Args { app_label, dir })
    }
}

fn expand(args: &Args) -> syn::Result<TokenStream2> {
    let app_label = args.app_label.value();
    if app_label.is_empty()
        || !app_label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(syn::Error::new(
            args.app_label.span(),
            "the app label must be letters, digits and `_`, e.g. \"blog\"",
        ));
    }
    let span = args
        .dir
        .as_ref()
        .map_or(args.app_label.span(), LitStr::span);
    let manifest = std::env::var("CARGO_MANIFEST_DIR").map_err(|_| {
        syn::Error::new(
            Span::call_site(),
            "CARGO_MANIFEST_DIR is not set: build with cargo",
        )
    })?;
    let relative = args
        .dir
        .as_ref()
        .map_or_else(|| "migrations".to_owned(), LitStr::value);
    let dir = Path::new(&manifest).join(relative);
    let files = migration_files(&dir).map_err(|message| syn::Error::new(span, message))?;

    let dir = utf8(&dir).map_err(|message| syn::Error::new(span, message))?;
    let names = files.iter().map(|(name, _)| name);
    let paths = files.iter().map(|(_, path)| path);
    let krate = crate_path();
    Ok(quote! {
        #krate::MigrationSource::embedded_from(
            #app_label,
            #dir,
            &[#((#names, ::core::include_str!(#paths))),*],
        )
    })
}

/// The `(name, path)` of each migration file in `dir`, sorted by name.
fn migration_files(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the migrations folder {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path: PathBuf = entry
            .map_err(|e| format!("cannot read the migrations folder {}: {e}", dir.display()))?
            .path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".toml"))
        else {
            continue;
        };
        if name.is_empty() || name.starts_with('.') || name.starts_with('_') || !path.is_file() {
            continue;
        }
        if !is_valid_name(name) {
            return Err(format!(
                "{}: invalid migration name `{name}`: expected NNNN_name (digits, `_`, then \
                 letters, digits and `_`), e.g. 0002_article_summary",
                path.display()
            ));
        }
        files.push((name.to_owned(), utf8(&path)?));
    }
    files.sort();
    Ok(files)
}

/// The path as UTF-8, which `include_str!` needs.
fn utf8(path: &Path) -> Result<String, String> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))
}

/// `NNNN_name`: four or more digits, `_`, one or more letters, digits, `_`.
fn is_valid_name(name: &str) -> bool {
    let Some((digits, rest)) = name.split_once('_') else {
        return false;
    };
    digits.len() >= 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u32>().is_ok()
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The path of orm-migrations as the calling crate names it.
fn crate_path() -> TokenStream2 {
    use proc_macro_crate::{crate_name, FoundCrate};
    // The crate itself, or through the `orm` facade when a project
    // depends on that alone.
    match (crate_name("orm-migrations"), crate_name("orm")) {
        (Ok(FoundCrate::Name(name)), _) => {
            let ident = format_ident!("{}", name);
            quote!(::#ident)
        }
        (Err(_), Ok(FoundCrate::Name(facade))) => {
            let facade = format_ident!("{}", facade);
            quote!(::#facade::__reexports::orm_migrations)
        }
        _ => quote!(::orm_migrations),
    }
}
