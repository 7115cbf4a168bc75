//! Operations on framework values that resources share.

use crate::framework::Value;

/// `planned` with each unknown taken from `response`: what the plan promised stays as planned,
/// and what was "known after apply" becomes what the API answered. Lists the plan knows only
/// in part are merged element by element.
pub fn merge_known(planned: &Value, response: &Value) -> Value {
    match planned {
        Value::Unknown(_) => response.clone(),
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(name, value)| (name.clone(), merge_known(value, response.attr(name))))
                .collect(),
        ),
        Value::List(items) if !planned.is_wholly_known() => {
            let answered = response.as_elements().unwrap_or(&[]);
            Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| merge_known(item, answered.get(i).unwrap_or(&Value::Null)))
                    .collect(),
            )
        }
        known => known.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknowns_take_the_answer_and_known_values_stay_as_planned() {
        let planned = Value::object([
            ("id", Value::unknown()),
            ("name", Value::from("planned")),
            (
                "tags",
                Value::List(vec![Value::from("a"), Value::unknown()]),
            ),
            ("nested", Value::object([("x", Value::unknown())])),
        ]);
        let response = Value::object([
            ("id", Value::from("answered")),
            ("name", Value::from("rewritten")),
            (
                "tags",
                Value::List(vec![Value::from("A"), Value::from("b")]),
            ),
            ("nested", Value::object([("x", Value::from("y"))])),
        ]);
        let merged = merge_known(&planned, &response);
        assert_eq!(
            merged,
            Value::object([
                ("id", Value::from("answered")),
                ("name", Value::from("planned")),
                (
                    "tags",
                    Value::List(vec![Value::from("a"), Value::from("b")])
                ),
                ("nested", Value::object([("x", Value::from("y"))])),
            ])
        );
    }
}
