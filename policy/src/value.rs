//! The input as a Rego document, built without going through JSON text.

use regorus::Value;
use serde::Deserialize;

use crate::eval::EvalError;
use crate::input::PolicyInput;

/// `input` for regorus.
pub(crate) fn input_value(input: &PolicyInput) -> Result<Value, EvalError> {
    let json = serde_json::to_value(input).map_err(|e| EvalError::Input {
        message: e.to_string(),
    })?;
    Value::deserialize(json).map_err(|e| EvalError::Input {
        message: e.to_string(),
    })
}
