//! Rendering HCL test configurations: `{{name}}` placeholders in inline strings or in files under
//! `tests/testdata/`, filled in with per-test values such as the mock's URL and the account id.

use std::path::PathBuf;

/// Replaces each `{{name}}` in `template` with its value. Panics when a placeholder has no value
/// or a value has no placeholder, since either means the test is not running the configuration
/// its author meant. `{{` never occurs in real HCL (`${...}` and `%{...}` are its templates), so
/// the two syntaxes cannot collide.
pub fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut used = vec![false; vars.len()];
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .unwrap_or_else(|| panic!("unclosed `{{{{` in template:\n{template}"));
        let name = after[..end].trim();
        let index = vars
            .iter()
            .position(|(key, _)| *key == name)
            .unwrap_or_else(|| panic!("no value for `{{{{{name}}}}}` in template:\n{template}"));
        used[index] = true;
        out.push_str(vars[index].1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    if let Some(unused) = vars.iter().zip(&used).find(|(_, used)| !**used) {
        let common = ["account_id", "zone_id", "base_url", "api_token"];
        if !common.contains(&unused.0 .0) {
            panic!(
                "`{}` is given but the template never uses it:\n{template}",
                unused.0 .0
            );
        }
    }
    out
}

/// The contents of `tests/testdata/<name>`.
pub fn testdata(name: &str) -> String {
    let path = testdata_dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

pub fn testdata_dir() -> PathBuf {
    super::terraform::repository_root()
        .join("tests")
        .join("testdata")
}

/// `value` as an HCL quoted string literal, escaping what HCL would otherwise interpret
/// (quotes, backslashes, newlines and the `${` / `%{` template introducers).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_hcl_templates_left_alone() {
        let rendered = render(
            r#"name = "{{name}}" # ${var.x} {{ account_id }}"#,
            &[("name", "a"), ("account_id", "123")],
        );
        assert_eq!(rendered, r#"name = "a" # ${var.x} 123"#);
    }

    #[test]
    #[should_panic(expected = "no value for `{{missing}}`")]
    fn a_placeholder_without_a_value_panics() {
        render("{{missing}}", &[]);
    }

    #[test]
    #[should_panic(expected = "never uses it")]
    fn a_value_without_a_placeholder_panics() {
        render("nothing here", &[("name", "a")]);
    }

    #[test]
    fn common_values_may_go_unused() {
        assert_eq!(render("x", &[("account_id", "1"), ("base_url", "u")]), "x");
    }

    #[test]
    fn quoting_escapes_what_hcl_would_interpret() {
        assert_eq!(quote("plain"), r#""plain""#);
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("${x} %{y} $z"), r#""$${x} %%{y} $z""#);
        assert_eq!(quote("line\nnext"), r#""line\nnext""#);
    }
}
