//! Generic views, Django's class-based views as values a handler runs:
//! [`ListView`] and [`DetailView`] work out what a page shows;
//! [`FormView`], [`CreateView`], [`UpdateView`] and [`DeleteView`] take a
//! request's [`Submitted`] form and say what to do: show the form (empty,
//! or again with its messages and every value as typed) or go on, the
//! object saved or deleted. The handler renders its own template and
//! chooses where to go next.
//!
//! ```no_run
//! use axum::response::{Html, IntoResponse, Redirect, Response};
//! use orm::accounts::LoginRequired;
//! use orm::forms::{as_html, ModelForm};
//! use orm::prelude::*;
//! use orm::views::{CreateView, Edited, Submitted};
//!
//! #[derive(Model, Debug, Clone)]
//! pub struct Note {
//!     pub id: i64,
//!     #[field(max_length = 100)]
//!     pub title: String,
//!     #[field(on_delete = Cascade)]
//!     pub owner: ForeignKey<orm::auth::User>,
//! }
//!
//! async fn new_note(
//!     LoginRequired(me): LoginRequired,
//!     db: axum::extract::State<Db>,
//!     submitted: Submitted,
//! ) -> Result<Response, orm::Error> {
//!     let form = ModelForm::<Note>::fields(&["title"])?;
//!     let start = Note { id: 0, title: String::new(), owner: ForeignKey::new(me.user.id) };
//!     match CreateView::new(form).initial(start).run(&db, submitted).await? {
//!         Edited::Show(form) => Ok(Html(format!(
//!             "<form method=post>{}<button>Save</button></form>",
//!             as_html(&form)
//!         ))
//!         .into_response()),
//!         Edited::Done(note) => Ok(Redirect::to(&format!("/notes/{}/", note.id)).into_response()),
//!     }
//! }
//! ```

use admin::form_body::form_of;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};
use orm_core::deletion::{collect, DeletionPlan};
use orm_core::forms::{BoundForm, Form, FormData, ModelForm};
use orm_core::query::QuerySpec;
use orm_core::{Db, Error, FieldType, Model, ModelOps, Result};

pub use orm_core::views::*;

/// A request as an editing view reads it: `None` for a page asked for
/// (GET, HEAD), the submitted form for a POST (urlencoded, or multipart
/// with its files).
#[derive(Debug, Clone)]
pub struct Submitted(pub Option<FormData>);

/// Why a request's body could not be read.
#[derive(Debug)]
pub struct SubmissionRejected;

impl IntoResponse for SubmissionRejected {
    fn into_response(self) -> Response {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The submitted form is too large, or could not be read.",
        )
            .into_response()
    }
}

impl<S: Send + Sync> FromRequest<S> for Submitted {
    type Rejection = SubmissionRejected;

    async fn from_request(
        request: Request,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        if matches!(*request.method(), Method::GET | Method::HEAD) {
            return Ok(Submitted(None));
        }
        // Read already by the CSRF layer, files and all.
        form_of(request, state)
            .await
            .map(|form| Submitted(Some(form)))
            .map_err(|_| SubmissionRejected)
    }
}

/// What an editing view found: show the form, or the work is done.
#[derive(Debug)]
pub enum Edited<T, F = T> {
    /// Show this form: empty, or as submitted with its messages.
    Show(BoundForm<F>),
    /// The form was valid: the cleaned form, or the saved object.
    Done(T),
}

/// A form of its own on a page (Django's `FormView`): the empty form, or
/// the submitted one, valid or with its messages.
#[derive(Debug, Clone, Copy, Default)]
pub struct FormView;

impl FormView {
    /// `F`'s form for `submitted`.
    pub fn run<F: Form>(submitted: &Submitted) -> Edited<F> {
        match &submitted.0 {
            None => Edited::Show(F::empty()),
            Some(data) => match F::bind(data).into_valid() {
                Ok(valid) => Edited::Done(valid),
                Err(form) => Edited::Show(form),
            },
        }
    }
}

/// Adding an object through a [`ModelForm`] (Django's `CreateView`).
#[derive(Debug)]
pub struct CreateView<M> {
    form: ModelForm<M>,
    initial: Option<M>,
}

impl<M: Model + Clone + Send + 'static> CreateView<M> {
    /// The view of `form`.
    pub fn new(form: ModelForm<M>) -> Self {
        CreateView {
            form,
            initial: None,
        }
    }

    /// The new object before the form is applied: the values of the
    /// fields the form does not show (the author, the parent), and the
    /// inputs' first values.
    pub fn initial(mut self, object: M) -> Self {
        self.initial = Some(object);
        self
    }

    /// Shows the form, or saves the new object. Nothing is saved unless
    /// every check passes (and a value another row holds, refused by the
    /// database, comes back as a message beside its field).
    pub async fn run(&self, db: &Db, submitted: Submitted) -> Result<Edited<M>> {
        let form = self.form.clone();
        let initial = self.initial.clone();
        db.run(move |conn| edit(conn, &form, initial.as_ref(), &submitted))
            .await
    }
}

/// A model form's page: shown over `object` (empty without one), or
/// bound to the submitted form and saved when valid.
fn edit<M: Model>(
    conn: &mut orm_core::AnyConnection,
    form: &ModelForm<M>,
    object: Option<&M>,
    submitted: &Submitted,
) -> Result<Edited<M>> {
    let Some(data) = &submitted.0 else {
        return Ok(Edited::Show(match object {
            Some(object) => form.initial(conn, object)?,
            None => form.empty(conn)?,
        }));
    };
    Ok(match form.bind(conn, object, data)?.save(conn)? {
        Ok(saved) => Edited::Done(saved),
        Err(form) => Edited::Show(form),
    })
}

/// Changing an object through a [`ModelForm`] (Django's `UpdateView`).
#[derive(Debug)]
pub struct UpdateView<M> {
    form: ModelForm<M>,
}

impl<M: Model + Clone + Send + 'static> UpdateView<M> {
    /// The view of `form`.
    pub fn new(form: ModelForm<M>) -> Self {
        UpdateView { form }
    }

    /// Shows `object`'s form, or saves the changes to it.
    pub async fn run(&self, db: &Db, object: M, submitted: Submitted) -> Result<Edited<M>> {
        let form = self.form.clone();
        db.run(move |conn| edit(conn, &form, Some(&object), &submitted))
            .await
    }
}

/// What a [`DeleteView`] found.
#[derive(Debug)]
pub enum Deleted<M> {
    /// Ask first: the object, and what deleting it would also delete or
    /// is kept from deleting (`blockers` not empty: it cannot be deleted).
    Confirm {
        /// The object.
        object: M,
        /// Every row the delete touches.
        plan: DeletionPlan,
    },
    /// It was deleted: how many rows went in all.
    Done(usize),
    /// Protected rows point at it: nothing was deleted.
    Protected(Vec<String>),
}

/// Deleting an object after a confirmation page (Django's `DeleteView`):
/// a GET shows what would go, a POST deletes it with every `on_delete`
/// rule, in one transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeleteView;

impl DeleteView {
    /// The confirmation, or the delete.
    pub async fn run<M: Model + Clone + Send + 'static>(
        db: &Db,
        object: M,
        submitted: Submitted,
    ) -> Result<Deleted<M>> {
        db.run(move |conn| {
            if submitted.0.is_none() {
                let spec = QuerySpec::for_pk(M::schema(), object.pk().to_value());
                let plan = collect(conn, ModelOps::of::<M>(), &spec)?;
                return Ok(Deleted::Confirm {
                    object: object.clone(),
                    plan,
                });
            }
            match object.delete(conn) {
                Ok(count) => Ok(Deleted::Done(count)),
                Err(Error::Protected { blockers, .. }) => Ok(Deleted::Protected(blockers)),
                Err(other) => Err(other),
            }
        })
        .await
    }
}
