//! The distribution spec's error codes, as HTTP responses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// One spec error: code, HTTP status, message.
#[derive(Debug)]
pub struct ApiError {
    pub code: &'static str,
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        let status = match code {
            "BLOB_UNKNOWN" | "BLOB_UPLOAD_UNKNOWN" | "MANIFEST_UNKNOWN" | "NAME_UNKNOWN" => {
                StatusCode::NOT_FOUND
            }
            "UNAUTHORIZED" => StatusCode::UNAUTHORIZED,
            "DENIED" => StatusCode::FORBIDDEN,
            "UNSUPPORTED" => StatusCode::METHOD_NOT_ALLOWED,
            "TOOMANYREQUESTS" => StatusCode::TOO_MANY_REQUESTS,
            "SIZE_INVALID" => StatusCode::PAYLOAD_TOO_LARGE,
            "RANGE_INVALID" => StatusCode::RANGE_NOT_SATISFIABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError {
            code,
            status,
            message: message.into(),
        }
    }

    /// The same error with another HTTP status.
    pub fn with_status(mut self, status: StatusCode) -> ApiError {
        self.status = status;
        self
    }

    /// A 500 for what went wrong on the server's side.
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError {
            code: "UNKNOWN",
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"errors": [{"code": self.code, "message": self.message, "detail": null}]});
        (
            self.status,
            [("content-type", "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> ApiError {
        match &e {
            crate::Error::BlobUnknown(_) => ApiError::new("BLOB_UNKNOWN", e.to_string()),
            crate::Error::DigestMismatch { .. } => ApiError::new("DIGEST_INVALID", e.to_string()),
            _ => ApiError {
                code: "UNKNOWN",
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: e.to_string(),
            },
        }
    }
}

pub type ApiResult<T = Response> = std::result::Result<T, ApiError>;
