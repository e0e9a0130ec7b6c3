//! Admin errors and the pages they become: 400, 403, 404, 413, 429, 503 and
//! (for what should not happen) 500, never a panic or a raw message.

use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// Why a request could not be served.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No such model, object or page.
    #[error("{0}")]
    NotFound(String),
    /// The user lacks the permission.
    #[error("You do not have permission to do this.")]
    Forbidden,
    /// A request the admin does not understand.
    #[error("{0}")]
    BadRequest(String),
    /// The CSRF check failed.
    #[error("CSRF verification failed. {0}")]
    Csrf(&'static str),
    /// The body is larger than the admin reads.
    #[error("The request is too large.")]
    PayloadTooLarge,
    /// The database cannot be reached.
    #[error("The database is unavailable.")]
    Unavailable,
    /// A database or session failure.
    #[error("{0}")]
    Internal(String),
}

impl From<orm_core::Error> for AdminError {
    fn from(error: orm_core::Error) -> AdminError {
        match error {
            orm_core::Error::NotFound { model } => AdminError::NotFound(format!(
                "No {} matches the given query.",
                model.to_lowercase()
            )),
            e if e.is_unavailable() => {
                tracing::warn!(error = %e, "database unavailable");
                AdminError::Unavailable
            }
            e => AdminError::Internal(e.to_string()),
        }
    }
}

impl From<tower_sessions::session::Error> for AdminError {
    fn from(error: tower_sessions::session::Error) -> AdminError {
        tracing::warn!(error = %error, "session store failed");
        AdminError::Unavailable
    }
}

impl From<orm_contrib::auth::SessionAccessError> for AdminError {
    fn from(error: orm_contrib::auth::SessionAccessError) -> AdminError {
        match error {
            orm_contrib::auth::SessionAccessError::Session(e) => e.into(),
            orm_contrib::auth::SessionAccessError::Database(e) => e.into(),
        }
    }
}

/// What the error-page middleware renders: put on the response by
/// [`AdminError::into_response`].
#[derive(Clone, Debug)]
pub(crate) struct ErrorPage {
    pub(crate) title: &'static str,
    pub(crate) message: String,
}

impl AdminError {
    fn status(&self) -> StatusCode {
        match self {
            AdminError::NotFound(_) => StatusCode::NOT_FOUND,
            AdminError::Forbidden | AdminError::Csrf(_) => StatusCode::FORBIDDEN,
            AdminError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AdminError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AdminError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AdminError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AdminError::NotFound(_) => "Page not found",
            AdminError::Forbidden => "403 Forbidden",
            AdminError::BadRequest(_) => "Bad request",
            AdminError::Csrf(_) => "403 Forbidden",
            AdminError::PayloadTooLarge => "Request too large",
            AdminError::Unavailable => "Service unavailable",
            AdminError::Internal(_) => "Server error",
        }
    }

    fn public_message(&self) -> String {
        match self {
            AdminError::Unavailable => {
                "The database cannot be reached right now. Nothing was changed. Please try again in a few moments.".to_owned()
            }
            AdminError::Internal(_) => {
                "Something went wrong on our side. It has been logged; nothing was changed.".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        if let AdminError::Internal(detail) = &self {
            tracing::error!(error = %detail, "admin request failed");
        }
        let status = self.status();
        let page = ErrorPage {
            title: self.title(),
            message: self.public_message(),
        };
        let mut response = (status, page.message.clone()).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("5"),
            );
        }
        response.extensions_mut().insert(page);
        response
    }
}
