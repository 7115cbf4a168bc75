//! Import verification as terraform-plugin-testing does it, in both forms: `terraform import`
//! into a fresh state compared attribute by attribute (ImportStateVerify), and an `import`
//! block whose plan must import exactly the object in state and change nothing
//! (ImportBlockWithID).

use super::flatmap::{diff, flatten};
use super::gate::{check_applicable, Requirement};
use super::plan::PlanSummary;
use super::workdir::Workdir;
use serde_json::Value;

/// Import blocks arrived in Terraform 1.5.
pub const IMPORT_BLOCKS: Requirement = Requirement::new("1.5", "import blocks");

/// What one import verification compares.
#[derive(Debug, Clone)]
pub struct ImportCheck {
    pub address: String,
    pub id: String,
    /// Flat path prefixes the API cannot return, so an import cannot know them
    /// (`config.client_secret`). The import-block plan may update these and nothing else.
    pub ignore: Vec<String>,
    /// Objects (`config`) whose attributes may hold a zero value (`false`, `""`, `[]`) in state
    /// and null after import: the provider treats an optional zero as unset, because the API
    /// answers `false` for flags nobody set, so an import cannot tell the two apart. The
    /// import-block plan still proves Terraform sees no difference.
    pub zero_may_be_null_under: Vec<String>,
    /// Whether to verify with an import block as well. The import-block plan covers the whole
    /// configuration in an empty state, so it does not fit a configuration whose other
    /// resources cannot be planned from nothing next to the imported one.
    pub import_block: bool,
}

impl ImportCheck {
    /// Both checks; the import-block one only where Terraform has import blocks (the test is
    /// then reported as partly not applicable). Returns the values `terraform import` produced.
    pub fn run(&self, work: &Workdir) -> Value {
        let previous = work.resource_values(&self.address);
        let zero_paths = self.zero_paths(&previous);
        let mut ignore: Vec<&str> = self.ignore.iter().map(String::as_str).collect();
        ignore.extend(zero_paths.iter().map(String::as_str));
        let imported = work.import_verify(&self.address, &self.id, &ignore);
        for path in &self.ignore {
            let after = flatten(&imported);
            assert!(
                !after
                    .keys()
                    .any(|key| key == path || key.starts_with(&format!("{path}."))),
                "an import cannot know {path}, yet it produced a value for it"
            );
        }
        for path in &zero_paths {
            let (object, key) = path.split_once('.').expect("zero paths are object.key");
            let before = &previous[object][key];
            let after = &imported[object][key];
            assert!(
                after.is_null() || after == before,
                "{path} is {before} in state but {after} after import"
            );
        }
        if self.import_block && check_applicable(IMPORT_BLOCKS) {
            self.verify_import_block(work, &zero_paths);
        }
        imported
    }

    /// The flat paths under `zero_may_be_null_under` whose value in `values` is a zero.
    fn zero_paths(&self, values: &Value) -> Vec<String> {
        let mut paths = Vec::new();
        for object in &self.zero_may_be_null_under {
            for (key, value) in values[object.as_str()].as_object().into_iter().flatten() {
                let zero = matches!(value, Value::Bool(false))
                    || value.as_str() == Some("")
                    || value.as_array().is_some_and(Vec::is_empty);
                if zero {
                    paths.push(format!("{object}.{key}"));
                }
            }
        }
        paths
    }

    /// ImportBlockWithID: a fresh work dir with the same configuration plus
    /// `import { to = address, id = id }` must plan the import of exactly the object in state;
    /// the plan may update only attributes an import cannot know. Returns the plan.
    pub fn verify_import_block(&self, work: &Workdir, zero_paths: &[String]) -> PlanSummary {
        let address = self.address.as_str();
        let id = self.id.as_str();
        let previous = work.resource_values(address);
        let fresh = work.fresh_sibling();
        fresh.write_file(
            "import.tf",
            &format!(
                "import {{\n  to = {address}\n  id = {}\n}}\n",
                super::quote(id)
            ),
        );
        let plan = fresh.plan();
        let change = plan.change(address);
        let importing = change
            .importing
            .as_ref()
            .unwrap_or_else(|| panic!("expected an import of {address}, got:\n{plan}"));
        assert_eq!(importing["id"], id, "import of {address}: {importing}");
        assert!(
            change.is_noop() || change.is_update(),
            "expected a no-op import operation for {address}, got {:?}:\n{plan}",
            change.actions
        );
        assert!(
            change.unknown_paths().is_empty(),
            "the import plan of {address} has values known only after apply: {:?}\n{plan}",
            change.unknown_paths()
        );
        let before = flatten(&change.before);
        let after = flatten(&change.after);
        let ignore: Vec<&str> = self.ignore.iter().map(String::as_str).collect();
        let differences = diff(&before, &after, &ignore);
        assert!(
            differences.is_empty(),
            "the import plan of {address} changes more than {ignore:?}: {differences:?}\n{plan}"
        );
        if change.is_update() {
            let changes_an_unknowable = self
                .ignore
                .iter()
                .any(|path| before.get(path) != after.get(path));
            assert!(
                changes_an_unknowable,
                "an update was planned for {address} although nothing differs:\n{plan}"
            );
        }
        // The imported object is the one in state, attribute for attribute (but what an
        // import cannot know, and zero values).
        let mut ignore_with_zeros = ignore.clone();
        ignore_with_zeros.extend(zero_paths.iter().map(String::as_str));
        let imported = diff(&flatten(&previous), &before, &ignore_with_zeros);
        assert!(
            imported.is_empty(),
            "ImportBlockWithID: the imported {address} differs from the state it came from: \
             {imported:?}"
        );
        // The fresh state holds nothing else, so the rest of the configuration can only be
        // created; anything else would mean the import touched another object.
        for other in plan
            .resource_changes
            .iter()
            .filter(|c| c.address != address)
        {
            assert!(
                other.is_noop() || other.is_create() && other.importing.is_none(),
                "unexpected change in the import plan:\n{plan}"
            );
        }
        plan
    }
}
