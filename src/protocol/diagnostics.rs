//! Diagnostics and attribute paths between the framework and tfplugin6.

use crate::framework::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
use crate::proto::tfplugin6 as proto;
use proto::attribute_path::step::Selector;

/// Every diagnostic, in order.
pub(crate) fn to_proto(diagnostics: &Diagnostics) -> Vec<proto::Diagnostic> {
    diagnostics.iter().map(diagnostic_to_proto).collect()
}

fn diagnostic_to_proto(diagnostic: &Diagnostic) -> proto::Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => proto::diagnostic::Severity::Error,
        Severity::Warning => proto::diagnostic::Severity::Warning,
    };
    proto::Diagnostic {
        severity: severity as i32,
        summary: diagnostic.summary.clone(),
        detail: diagnostic.detail.clone(),
        // A root path anchors nothing; Terraform then reports the diagnostic on the block.
        attribute: diagnostic
            .attribute
            .as_ref()
            .filter(|path| !path.is_root())
            .map(path_to_proto),
    }
}

/// An attribute path as tfplugin6 steps.
pub(crate) fn path_to_proto(path: &AttributePath) -> proto::AttributePath {
    proto::AttributePath {
        steps: path
            .steps()
            .iter()
            .map(|step| proto::attribute_path::Step {
                selector: Some(match step {
                    PathStep::Attribute(name) => Selector::AttributeName(name.clone()),
                    PathStep::ElementKeyString(key) => Selector::ElementKeyString(key.clone()),
                    PathStep::ElementKeyInt(index) => Selector::ElementKeyInt(*index),
                }),
            })
            .collect(),
    }
}

/// A tfplugin6 path as framework steps; steps without a selector are skipped.
#[cfg(test)]
pub(crate) fn path_from_proto(path: &proto::AttributePath) -> AttributePath {
    AttributePath::from_steps(
        path.steps
            .iter()
            .filter_map(|step| {
                Some(match step.selector.as_ref()? {
                    Selector::AttributeName(name) => PathStep::Attribute(name.clone()),
                    Selector::ElementKeyString(key) => PathStep::ElementKeyString(key.clone()),
                    Selector::ElementKeyInt(index) => PathStep::ElementKeyInt(*index),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_severities_convert() {
        let path = AttributePath::attribute("config").attr("claims").index(2);
        let tags = AttributePath::attribute("tags").key("env");
        for p in [&path, &tags] {
            assert_eq!(&path_from_proto(&path_to_proto(p)), p);
        }
        let mut diagnostics = Diagnostics::new();
        diagnostics.attribute_error(path.clone(), "Bad Claim", "Use another claim.");
        diagnostics.warning("Heads Up", "");
        diagnostics.attribute_warning(AttributePath::root(), "Rooted", "");
        let converted = to_proto(&diagnostics);
        assert_eq!(converted.len(), 3);
        assert_eq!(
            converted[0].severity,
            proto::diagnostic::Severity::Error as i32
        );
        assert_eq!(converted[0].summary, "Bad Claim");
        assert_eq!(converted[0].detail, "Use another claim.");
        assert_eq!(converted[0].attribute, Some(path_to_proto(&path)));
        assert_eq!(
            converted[1].severity,
            proto::diagnostic::Severity::Warning as i32
        );
        assert_eq!(converted[1].attribute, None);
        assert_eq!(converted[2].attribute, None);
    }
}
