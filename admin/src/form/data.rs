//! A submitted form as the admin's handlers take it: the shared
//! [`orm_core::forms::FormData`], read from the request's body.

use std::ops::Deref;

use axum::extract::{FromRequest, Request};

use crate::error::AdminError;
use crate::form_body::form_of;

/// The fields of a submitted urlencoded form.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormData(orm_core::forms::FormData);

impl FormData {
    /// Decodes a body (see [`orm_core::forms::FormData::parse`]).
    #[cfg(test)]
    pub(crate) fn parse(body: &[u8]) -> FormData {
        FormData(orm_core::forms::FormData::parse(body))
    }
}

impl Deref for FormData {
    type Target = orm_core::forms::FormData;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AdminError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AdminError> {
        form_of(request, state).await.map(FormData)
    }
}
