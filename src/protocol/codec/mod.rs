//! Wire encodings of Terraform values: cty's msgpack (what `DynamicValue.msgpack` carries) and
//! cty's JSON (what stored state and `DynamicValue.json` carry). Both are driven by the type the
//! schema implies, because neither encoding says which type it holds.

pub mod json;
pub mod msgpack;

#[cfg(test)]
mod fuzz_tests;

use crate::framework::{AttributePath, PathStep};
use std::fmt;

/// A value that could not be decoded or encoded. The message names what was wrong and the path
/// names where; neither ever contains the value itself, which may be a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    /// Where in the value the problem is; the root for problems with the whole input.
    pub path: AttributePath,
    /// What is wrong.
    pub message: String,
}

impl CodecError {
    pub(crate) fn new(path: &[PathStep], message: impl Into<String>) -> Self {
        Self {
            path: AttributePath::from_steps(path.to_vec()),
            message: message.into(),
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CodecError {}
