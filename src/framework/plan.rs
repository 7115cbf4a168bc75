//! Generic planning rules applied to every resource before its own `modify_plan`.
//!
//! They copy terraform-plugin-framework's behaviour, which Terraform core's plan checks are
//! written around:
//! 1. a null proposed state plans a destroy;
//! 2. defaults fill attributes the configuration leaves null;
//! 3. computed attributes the configuration leaves null become unknown ("known after apply") —
//!    always on create, and on update only when something differs from the prior state, so an
//!    unchanged resource plans no diff;
//! 4. attributes asking for it take their prior value back instead of that unknown;
//! 5. attributes that force replacement are reported when their value changes;
//! 6. write-only attributes are always planned null.

use super::path::{AttributePath, PathStep};
use super::schema::{Attribute, AttributeKind, BlockNesting, Nesting, Schema, StateForUnknown};
use super::schema::{Block, NestedBlock};
use super::value::Value;

/// The framework's plan for one resource instance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlannedChange {
    /// The planned state; null for a destroy.
    pub planned_state: Value,
    /// Attributes whose change replaces the object.
    pub requires_replace: Vec<AttributePath>,
}

/// Plans a change from the prior state, Terraform's proposed new state and the configuration.
/// A null `prior` means create; a null `proposed` means destroy.
pub fn plan_resource_change(
    schema: &Schema,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> PlannedChange {
    if proposed.is_null() {
        return PlannedChange::default();
    }
    let fields = Fields::of(&schema.block);
    let mut planned = proposed.clone();
    apply_defaults(fields, &mut planned, config);
    let creating = prior.is_null();
    // Marking only when something changed keeps an untouched resource diff-free even when the
    // API rewrites computed values between applies.
    if creating || !planned.semantically_equal(prior) {
        mark_computed_unknown(fields, &mut planned, config);
    }
    let mut requires_replace = Vec::new();
    if !creating {
        apply_state_for_unknown(fields, &mut planned, prior, config);
        collect_requires_replace(
            fields,
            prior,
            &planned,
            &AttributePath::root(),
            &mut requires_replace,
        );
    }
    null_write_only_in(fields, &mut planned);
    PlannedChange {
        planned_state: planned,
        requires_replace,
    }
}

/// `value` with every write-only attribute set to null, as plans and state must hold them.
pub fn null_write_only(schema: &Schema, value: &Value) -> Value {
    let mut value = value.clone();
    null_write_only_in(Fields::of(&schema.block), &mut value);
    value
}

/// The configuration a state implies, for Terraform's `-generate-config-out`: what only the
/// provider sets (computed-only attributes), write-only values (never in state) and deprecated
/// attributes become null, since configuration may not (or should not) set them.
pub fn config_from_state(schema: &Schema, state: &Value) -> Value {
    let mut value = state.clone();
    config_from_state_in(Fields::of(&schema.block), &mut value);
    value
}

/// Paths of write-only attributes the configuration sets (unknown counts as set).
pub fn configured_write_only_paths(schema: &Schema, config: &Value) -> Vec<AttributePath> {
    let mut paths = Vec::new();
    write_only_paths_in(
        Fields::of(&schema.block),
        config,
        &AttributePath::root(),
        &mut paths,
    );
    paths
}

/// Paths of every unknown inside `value` (set elements are named by position).
pub fn unknown_paths(value: &Value) -> Vec<AttributePath> {
    let mut paths = Vec::new();
    let mut steps = Vec::new();
    collect_unknown(value, &mut steps, &mut paths);
    paths
}

/// A copy of `value` with every unknown replaced by null, so that a partial state can be saved.
pub fn unknowns_as_null(value: &Value) -> Value {
    match value {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.iter().map(unknowns_as_null).collect()),
        Value::Set(items) => Value::Set(items.iter().map(unknowns_as_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(unknowns_as_null).collect()),
        Value::Map(entries) | Value::Object(entries) => {
            let nulled = entries
                .iter()
                .map(|(k, v)| (k.clone(), unknowns_as_null(v)))
                .collect();
            if matches!(value, Value::Map(_)) {
                Value::Map(nulled)
            } else {
                Value::Object(nulled)
            }
        }
        Value::Dynamic(ty, inner) => Value::Dynamic(ty.clone(), Box::new(unknowns_as_null(inner))),
        other => other.clone(),
    }
}

fn collect_unknown(value: &Value, steps: &mut Vec<PathStep>, out: &mut Vec<AttributePath>) {
    let mut descend = |step: PathStep, child: &Value, steps: &mut Vec<PathStep>| {
        steps.push(step);
        collect_unknown(child, steps, out);
        steps.pop();
    };
    match value {
        Value::Unknown(_) => out.push(AttributePath::from_steps(steps.clone())),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                descend(PathStep::ElementKeyInt(i as i64), item, steps);
            }
        }
        Value::Map(entries) => {
            for (key, item) in entries {
                descend(PathStep::ElementKeyString(key.clone()), item, steps);
            }
        }
        Value::Object(entries) => {
            for (name, item) in entries {
                descend(PathStep::Attribute(name.clone()), item, steps);
            }
        }
        Value::Dynamic(_, inner) => collect_unknown(inner, steps, out),
        _ => {}
    }
}

/// The attributes and nested blocks of one object level of a schema.
#[derive(Clone, Copy)]
struct Fields<'a> {
    attributes: &'a [Attribute],
    blocks: &'a [NestedBlock],
}

impl<'a> Fields<'a> {
    fn of(block: &'a Block) -> Self {
        Self {
            attributes: &block.attributes,
            blocks: &block.blocks,
        }
    }

    fn nested(attributes: &'a [Attribute]) -> Self {
        Self {
            attributes,
            blocks: &[],
        }
    }

    /// Every nested object level below this one: `(name, nesting, fields)`.
    fn children(&self) -> Vec<(&'a str, Nesting, Fields<'a>)> {
        let mut children = Vec::new();
        for attribute in self.attributes {
            if let AttributeKind::Nested {
                nesting,
                attributes,
            } = &attribute.kind
            {
                children.push((
                    attribute.name.as_str(),
                    *nesting,
                    Fields::nested(attributes),
                ));
            }
        }
        for block in self.blocks {
            let nesting = match block.nesting {
                BlockNesting::Single | BlockNesting::Group => Nesting::Single,
                BlockNesting::List => Nesting::List,
                BlockNesting::Set => Nesting::Set,
                BlockNesting::Map => Nesting::Map,
            };
            children.push((block.type_name.as_str(), nesting, Fields::of(&block.block)));
        }
        children
    }
}

/// The null every missing counterpart is read as.
static NULL: Value = Value::Null;

fn attr_mut<'a>(object: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    match object {
        Value::Object(entries) => entries.get_mut(name),
        _ => None,
    }
}

/// Calls `visit` for each known object inside a nested value, with the matching element of each
/// counterpart (configuration, prior state). Set elements have no stable identity: the
/// configuration is matched by position only when the counts agree, the prior not at all.
fn for_each_element(
    nesting: Nesting,
    planned: &mut Value,
    counterparts: [&Value; 2],
    visit: &mut dyn FnMut(&mut Value, [&Value; 2], PathStep),
) {
    match (nesting, planned) {
        (Nesting::Single, object @ Value::Object(_)) => {
            visit(object, counterparts, PathStep::Attribute(String::new()));
        }
        (Nesting::List, Value::List(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                let others = counterparts.map(|v| list_element(v, i));
                visit(item, others, PathStep::ElementKeyInt(i as i64));
            }
        }
        (Nesting::Set, Value::Set(items)) => {
            let count = items.len();
            for (i, item) in items.iter_mut().enumerate() {
                let config = match counterparts[0] {
                    Value::Set(others) if others.len() == count => &others[i],
                    _ => &NULL,
                };
                visit(item, [config, &NULL], PathStep::ElementKeyInt(i as i64));
            }
        }
        (Nesting::Map, Value::Map(entries)) => {
            for (key, item) in entries.iter_mut() {
                let others = counterparts.map(|v| map_element(v, key));
                visit(item, others, PathStep::ElementKeyString(key.clone()));
            }
        }
        _ => {}
    }
}

fn list_element(value: &Value, index: usize) -> &Value {
    match value {
        Value::List(items) => items.get(index).unwrap_or(&NULL),
        _ => &NULL,
    }
}

fn map_element<'a>(value: &'a Value, key: &str) -> &'a Value {
    match value {
        Value::Map(entries) => entries.get(key).unwrap_or(&NULL),
        _ => &NULL,
    }
}

/// Calls `visit` with every attribute of `planned`, nested levels included, its slot and its
/// counterpart in `config`.
fn for_each_attribute(
    fields: Fields<'_>,
    planned: &mut Value,
    config: &Value,
    visit: &mut dyn FnMut(&Attribute, &mut Value, &Value),
) {
    for attribute in fields.attributes {
        if let Some(slot) = attr_mut(planned, &attribute.name) {
            visit(attribute, slot, config.attr(&attribute.name));
        }
    }
    for (name, nesting, child) in fields.children() {
        let config_child = config.attr(name);
        if let Some(slot) = attr_mut(planned, name) {
            for_each_element(
                nesting,
                slot,
                [config_child, &NULL],
                &mut |item, [c, _], _| {
                    for_each_attribute(child, item, c, visit);
                },
            );
        }
    }
}

/// The path of one element reached by `for_each_element` below the nested attribute at `path`.
fn element_path(path: &AttributePath, step: PathStep) -> AttributePath {
    match step {
        PathStep::Attribute(_) => path.clone(),
        PathStep::ElementKeyInt(i) => path.clone().index(i),
        PathStep::ElementKeyString(k) => path.clone().key(k),
    }
}

fn apply_defaults(fields: Fields<'_>, planned: &mut Value, config: &Value) {
    for_each_attribute(
        fields,
        planned,
        config,
        &mut |attribute, slot, configured| {
            if let (Some(default), true) = (&attribute.default, configured.is_null()) {
                *slot = default.clone();
            }
        },
    );
}

fn mark_computed_unknown(fields: Fields<'_>, planned: &mut Value, config: &Value) {
    for_each_attribute(
        fields,
        planned,
        config,
        &mut |attribute, slot, configured| {
            let marks = attribute.mode.is_computed()
                && attribute.default.is_none()
                && !attribute.write_only
                && configured.is_null();
            if marks {
                *slot = Value::unknown();
            }
        },
    );
}

fn apply_state_for_unknown(fields: Fields<'_>, planned: &mut Value, prior: &Value, config: &Value) {
    for attribute in fields.attributes {
        let prior_value = prior.attr(&attribute.name);
        let keep = match attribute.state_for_unknown {
            StateForUnknown::Never => false,
            StateForUnknown::Always => true,
            StateForUnknown::NonNull => !prior_value.is_null(),
        };
        if !keep || config.attr(&attribute.name).is_unknown() {
            continue;
        }
        if let Some(slot) = attr_mut(planned, &attribute.name) {
            if slot.is_unknown() {
                *slot = prior_value.clone();
            }
        }
    }
    for (name, nesting, child) in fields.children() {
        let counterparts = [config.attr(name), prior.attr(name)];
        if let Some(slot) = attr_mut(planned, name) {
            for_each_element(nesting, slot, counterparts, &mut |item, [c, p], _| {
                // An element with no prior counterpart is being created: nothing to keep.
                if !p.is_null() {
                    apply_state_for_unknown(child, item, p, c);
                }
            });
        }
    }
}

fn has_requires_replace(fields: Fields<'_>) -> bool {
    fields.attributes.iter().any(|a| a.requires_replace)
        || fields
            .children()
            .into_iter()
            .any(|(_, _, child)| has_requires_replace(child))
}

fn collect_requires_replace(
    fields: Fields<'_>,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<AttributePath>,
) {
    for attribute in fields.attributes {
        let changed = !prior
            .attr(&attribute.name)
            .semantically_equal(planned.attr(&attribute.name));
        if attribute.requires_replace && changed {
            out.push(path.clone().attr(&attribute.name));
        }
    }
    for (name, nesting, child) in fields.children() {
        let attribute_path = path.clone().attr(name);
        if out.contains(&attribute_path) {
            continue;
        }
        let (prior_child, planned_child) = (prior.attr(name), planned.attr(name));
        if nesting == Nesting::Set {
            // Paths cannot point into sets, so a change inside one is reported on the set.
            if has_requires_replace(child) && !prior_child.semantically_equal(planned_child) {
                out.push(attribute_path);
            }
            continue;
        }
        let mut planned_copy = planned_child.clone();
        for_each_element(
            nesting,
            &mut planned_copy,
            [prior_child, &NULL],
            &mut |item, [p, _], step| {
                collect_requires_replace(child, p, item, &element_path(&attribute_path, step), out);
            },
        );
    }
}

fn null_write_only_in(fields: Fields<'_>, value: &mut Value) {
    for_each_attribute(fields, value, &NULL, &mut |attribute, slot, _| {
        if attribute.write_only {
            *slot = Value::Null;
        }
    });
}

fn config_from_state_in(fields: Fields<'_>, value: &mut Value) {
    for_each_attribute(fields, value, &NULL, &mut |attribute, slot, _| {
        let configurable = attribute.mode.is_configurable()
            && !attribute.write_only
            && attribute.deprecation_message.is_empty();
        if !configurable {
            *slot = Value::Null;
        }
    });
}

fn write_only_paths_in(
    fields: Fields<'_>,
    config: &Value,
    path: &AttributePath,
    out: &mut Vec<AttributePath>,
) {
    for attribute in fields.attributes.iter().filter(|a| a.write_only) {
        if !config.attr(&attribute.name).is_null() {
            out.push(path.clone().attr(&attribute.name));
        }
    }
    for (name, nesting, child) in fields.children() {
        let attribute_path = path.clone().attr(name);
        let mut copy = config.attr(name).clone();
        for_each_element(nesting, &mut copy, [&NULL, &NULL], &mut |item, _, step| {
            write_only_paths_in(child, item, &element_path(&attribute_path, step), out);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Mode;

    fn schema() -> Schema {
        Schema {
            version: 0,
            block: Block {
                attributes: vec![
                    Attribute::string("id")
                        .computed()
                        .state_for_unknown(StateForUnknown::Always),
                    Attribute::string("name").required().requires_replace(),
                    Attribute::string("description"),
                    Attribute::string("mode")
                        .optional_computed()
                        .default_value("auto"),
                    Attribute::string("updated_at").computed(),
                    Attribute::string("etag")
                        .computed()
                        .state_for_unknown(StateForUnknown::NonNull),
                    Attribute::string("region")
                        .optional_computed()
                        .state_for_unknown(StateForUnknown::Always),
                    Attribute::string("secret").sensitive().write_only(),
                    Attribute::nested(
                        "config",
                        Nesting::Single,
                        vec![
                            Attribute::string("client_id"),
                            Attribute::string("redirect_url").computed(),
                            Attribute::string("prompt")
                                .optional_computed()
                                .default_value("login"),
                            Attribute::string("client_secret").write_only(),
                        ],
                    )
                    .mode(Mode::OptionalComputed),
                    Attribute::nested(
                        "rules",
                        Nesting::List,
                        vec![
                            Attribute::string("value").required().requires_replace(),
                            Attribute::string("rule_id").computed(),
                        ],
                    ),
                    Attribute::nested(
                        "tags",
                        Nesting::Set,
                        vec![Attribute::string("key").required().requires_replace()],
                    ),
                ],
                ..Block::default()
            },
        }
    }

    /// An object of the test schema: every attribute null except those given.
    fn object(values: &[(&str, Value)]) -> Value {
        let object = Value::object(
            [
                "id",
                "name",
                "description",
                "mode",
                "updated_at",
                "etag",
                "region",
                "secret",
                "config",
                "rules",
                "tags",
            ]
            .map(|n| (n, Value::Null)),
        );
        with(object, values)
    }

    /// `base` with the attributes in `changes` set.
    fn with(base: Value, changes: &[(&str, Value)]) -> Value {
        let mut value = base;
        for (name, v) in changes {
            value
                .as_entries_mut()
                .unwrap()
                .insert((*name).to_owned(), v.clone());
        }
        value
    }

    fn config_object(client_id: Value, prompt: Value, redirect: Value) -> Value {
        Value::object([
            ("client_id", client_id),
            ("redirect_url", redirect),
            ("prompt", prompt),
            ("client_secret", Value::Null),
        ])
    }

    fn rule(value: &str, rule_id: Value) -> Value {
        Value::object([("value", Value::from(value)), ("rule_id", rule_id)])
    }

    /// The state an earlier apply left.
    fn prior() -> Value {
        object(&[
            ("id", "id-1".into()),
            ("name", "login".into()),
            ("mode", "auto".into()),
            ("updated_at", "t1".into()),
            ("etag", "e1".into()),
            ("region", "eu".into()),
            (
                "config",
                config_object("cid".into(), "login".into(), "https://r".into()),
            ),
            ("rules", Value::List(vec![rule("a", "r1".into())])),
        ])
    }

    /// The plan for creating `config()` with `mode` set: what the API decides is unknown.
    fn created(mode: &str) -> Value {
        object(&[
            ("id", Value::unknown()),
            ("name", "login".into()),
            ("mode", mode.into()),
            ("updated_at", Value::unknown()),
            ("etag", Value::unknown()),
            ("region", Value::unknown()),
            (
                "config",
                config_object("cid".into(), "login".into(), Value::unknown()),
            ),
            ("rules", Value::List(vec![rule("a", Value::unknown())])),
        ])
    }

    /// Configuration matching `prior`.
    fn config() -> Value {
        object(&[
            ("name", "login".into()),
            (
                "config",
                config_object("cid".into(), Value::Null, Value::Null),
            ),
            ("rules", Value::List(vec![rule("a", Value::Null)])),
        ])
    }

    struct Case {
        name: &'static str,
        prior: Value,
        proposed: Value,
        config: Value,
        planned: Value,
        requires_replace: Vec<AttributePath>,
    }

    #[test]
    fn planning_rules() {
        let unknown = Value::unknown;
        // The prior state after a change: what the API computes is unknown again.
        let updated = |changes: &[(&str, Value)]| {
            let recomputed = with(
                prior(),
                &[
                    ("updated_at", unknown()),
                    (
                        "config",
                        config_object("cid".into(), "login".into(), unknown()),
                    ),
                    ("rules", Value::List(vec![rule("a", unknown())])),
                ],
            );
            with(recomputed, changes)
        };
        let cases =
            vec![
            Case {
                name: "a null proposed state plans a destroy",
                prior: prior(),
                proposed: Value::Null,
                config: Value::Null,
                planned: Value::Null,
                requires_replace: vec![],
            },
            Case {
                name: "create: computed nulls become unknown, defaults fill in, write-only is null",
                prior: Value::Null,
                proposed: with(config(), &[("secret", "s3cr3t".into())]),
                config: with(config(), &[("secret", "s3cr3t".into())]),
                planned: created("auto"),
                requires_replace: vec![],
            },
            Case {
                name: "create: an optional+computed nested attribute left out is wholly unknown",
                prior: Value::Null,
                proposed: with(config(), &[("config", Value::Null)]),
                config: with(config(), &[("config", Value::Null)]),
                planned: with(created("auto"), &[("config", unknown())]),
                requires_replace: vec![],
            },
            Case {
                name: "update without changes plans exactly the prior state",
                prior: prior(),
                proposed: prior(),
                config: config(),
                planned: prior(),
                requires_replace: vec![],
            },
            Case {
                name: "update with a change: unknowns, except where prior state is kept",
                prior: prior(),
                proposed: with(prior(), &[("description", "new".into())]),
                config: with(config(), &[("description", "new".into())]),
                planned: updated(&[
                        ("description", "new".into()),
                ]),
                requires_replace: vec![],
            },
            Case {
                name: "NonNull keeps nothing when the prior value is null",
                prior: with(prior(), &[("etag", Value::Null)]),
                proposed: with(prior(), &[("etag", Value::Null), ("description", "x".into())]),
                config: with(config(), &[("description", "x".into())]),
                planned: updated(&[
                        ("description", "x".into()),
                        ("etag", unknown()),
                ]),
                requires_replace: vec![],
            },
            Case {
                name: "an unknown in configuration is never replaced by prior state",
                prior: prior(),
                proposed: with(prior(), &[("region", unknown())]),
                config: with(config(), &[("region", unknown())]),
                planned: updated(&[
                        ("region", unknown()),
                ]),
                requires_replace: vec![],
            },
            Case {
                name: "a changed requires_replace attribute is reported, nested ones by path",
                prior: prior(),
                proposed: with(
                    prior(),
                    &[
                        ("name", "other".into()),
                        ("rules", Value::List(vec![rule("b", "r1".into())])),
                    ],
                ),
                config: with(
                    config(),
                    &[
                        ("name", "other".into()),
                        ("rules", Value::List(vec![rule("b", Value::Null)])),
                    ],
                ),
                planned: updated(&[
                        ("name", "other".into()),
                        ("rules", Value::List(vec![rule("b", unknown())])),
                ]),
                requires_replace: vec![
                    AttributePath::attribute("name"),
                    AttributePath::attribute("rules").index(0).attr("value"),
                ],
            },
            Case {
                name: "a change inside a set is reported on the set",
                prior: with(
                    prior(),
                    &[("tags", Value::Set(vec![Value::object([("key", "a".into())])]))],
                ),
                proposed: with(
                    prior(),
                    &[("tags", Value::Set(vec![Value::object([("key", "b".into())])]))],
                ),
                config: with(
                    config(),
                    &[("tags", Value::Set(vec![Value::object([("key", "b".into())])]))],
                ),
                planned: updated(&[
                        ("tags", Value::Set(vec![Value::object([("key", "b".into())])])),
                ]),
                requires_replace: vec![AttributePath::attribute("tags")],
            },
            Case {
                name: "an explicit value wins over the default",
                prior: Value::Null,
                proposed: with(config(), &[("mode", "manual".into())]),
                config: with(config(), &[("mode", "manual".into())]),
                planned: created("manual"),
                requires_replace: vec![],
            },
        ];
        for case in cases {
            let plan = plan_resource_change(&schema(), &case.prior, &case.proposed, &case.config);
            assert_eq!(plan.planned_state, case.planned, "{}", case.name);
            assert_eq!(
                plan.requires_replace, case.requires_replace,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn write_only_helpers() {
        let value = object(&[
            ("secret", "s".into()),
            (
                "config",
                Value::object([
                    ("client_id", Value::Null),
                    ("redirect_url", Value::Null),
                    ("prompt", Value::Null),
                    ("client_secret", Value::unknown()),
                ]),
            ),
        ]);
        assert_eq!(
            configured_write_only_paths(&schema(), &value),
            vec![
                AttributePath::attribute("secret"),
                AttributePath::attribute("config").attr("client_secret"),
            ]
        );
        let cleaned = null_write_only(&schema(), &value);
        assert!(cleaned.attr("secret").is_null());
        assert!(cleaned.attr("config").attr("client_secret").is_null());
        assert!(configured_write_only_paths(&schema(), &cleaned).is_empty());
    }

    #[test]
    fn unknown_paths_name_every_unknown() {
        let value = object(&[
            ("id", Value::unknown()),
            ("rules", Value::List(vec![rule("a", Value::unknown())])),
        ]);
        assert_eq!(
            unknown_paths(&value),
            vec![
                AttributePath::attribute("id"),
                AttributePath::attribute("rules").index(0).attr("rule_id"),
            ]
        );
        assert!(unknown_paths(&prior()).is_empty());
    }
}
