//! Framework schemas → tfplugin6 `Schema` messages.

use crate::framework::schema::{AttributeKind, Mode};
use crate::framework::{Attribute, Block, BlockNesting, NestedBlock, Nesting, Schema};
use crate::proto::tfplugin6 as proto;
use proto::schema::{nested_block, object};

/// The schema message Terraform expects in `GetProviderSchema`.
pub(crate) fn to_proto(schema: &Schema) -> proto::Schema {
    proto::Schema {
        version: schema.version,
        block: Some(block_to_proto(&schema.block, schema.version)),
    }
}

/// The description and its kind: Markdown when a Markdown form was given.
fn description(plain: &str, markdown: &str) -> (String, i32) {
    if markdown.is_empty() {
        (plain.to_owned(), proto::StringKind::Plain as i32)
    } else {
        (markdown.to_owned(), proto::StringKind::Markdown as i32)
    }
}

fn block_to_proto(block: &Block, version: i64) -> proto::schema::Block {
    let (description, description_kind) =
        description(&block.description, &block.markdown_description);
    proto::schema::Block {
        version,
        attributes: block.attributes.iter().map(attribute_to_proto).collect(),
        block_types: block.blocks.iter().map(nested_block_to_proto).collect(),
        description,
        description_kind,
        deprecated: !block.deprecation_message.is_empty(),
        deprecation_message: block.deprecation_message.clone(),
    }
}

fn nested_block_to_proto(nested: &NestedBlock) -> proto::schema::NestedBlock {
    let nesting = match nested.nesting {
        BlockNesting::Single => nested_block::NestingMode::Single,
        BlockNesting::Group => nested_block::NestingMode::Group,
        BlockNesting::List => nested_block::NestingMode::List,
        BlockNesting::Set => nested_block::NestingMode::Set,
        BlockNesting::Map => nested_block::NestingMode::Map,
    };
    proto::schema::NestedBlock {
        type_name: nested.type_name.clone(),
        block: Some(block_to_proto(&nested.block, 0)),
        nesting: nesting as i32,
        min_items: nested.min_items,
        max_items: nested.max_items,
    }
}

fn attribute_to_proto(attribute: &Attribute) -> proto::schema::Attribute {
    let (description, description_kind) =
        description(&attribute.description, &attribute.markdown_description);
    // A nested attribute is described by `nested_type` and leaves `type` empty.
    let (ty, nested_type) = match &attribute.kind {
        AttributeKind::Type(ty) => (ty.to_json().to_string().into_bytes(), None),
        AttributeKind::Nested {
            nesting,
            attributes,
        } => {
            let nesting = match nesting {
                Nesting::Single => object::NestingMode::Single,
                Nesting::List => object::NestingMode::List,
                Nesting::Set => object::NestingMode::Set,
                Nesting::Map => object::NestingMode::Map,
            };
            #[allow(deprecated)]
            let object = proto::schema::Object {
                attributes: attributes.iter().map(attribute_to_proto).collect(),
                nesting: nesting as i32,
                min_items: 0,
                max_items: 0,
            };
            (Vec::new(), Some(object))
        }
    };
    proto::schema::Attribute {
        name: attribute.name.clone(),
        r#type: ty,
        nested_type,
        description,
        required: attribute.mode == Mode::Required,
        optional: matches!(attribute.mode, Mode::Optional | Mode::OptionalComputed),
        computed: attribute.mode.is_computed(),
        sensitive: attribute.sensitive,
        description_kind,
        deprecated: !attribute.deprecation_message.is_empty(),
        write_only: attribute.write_only,
        deprecation_message: attribute.deprecation_message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Type;

    #[test]
    fn converts_attributes_nesting_and_flags() {
        let schema = Schema {
            version: 3,
            block: Block {
                attributes: vec![
                    Attribute::string("id").computed(),
                    Attribute::string("name")
                        .required()
                        .description("The `name`."),
                    Attribute::typed("tags", Type::map(Type::String)).optional_computed(),
                    Attribute::string("token")
                        .sensitive()
                        .write_only()
                        .deprecated("Use `token_wo`."),
                    Attribute::nested(
                        "config",
                        Nesting::List,
                        vec![Attribute::bool("enabled").required()],
                    ),
                ],
                blocks: vec![NestedBlock {
                    type_name: "timeouts".into(),
                    nesting: BlockNesting::Single,
                    block: Block {
                        attributes: vec![Attribute::string("create")],
                        ..Block::default()
                    },
                    min_items: 0,
                    max_items: 1,
                }],
                description: "plain".into(),
                markdown_description: String::new(),
                deprecation_message: String::new(),
            },
        };
        let converted = to_proto(&schema);
        assert_eq!(converted.version, 3);
        let block = converted.block.unwrap();
        assert_eq!(block.version, 3);
        assert_eq!(block.description, "plain");
        assert_eq!(block.description_kind, proto::StringKind::Plain as i32);
        let attr = |name: &str| block.attributes.iter().find(|a| a.name == name).unwrap();

        let id = attr("id");
        assert!(id.computed && !id.optional && !id.required);
        assert_eq!(id.r#type, b"\"string\"");

        let name = attr("name");
        assert!(name.required && !name.computed);
        assert_eq!(name.description, "The `name`.");
        assert_eq!(name.description_kind, proto::StringKind::Markdown as i32);

        let tags = attr("tags");
        assert!(tags.optional && tags.computed);
        assert_eq!(tags.r#type, br#"["map","string"]"#);

        let token = attr("token");
        assert!(token.sensitive && token.write_only && token.deprecated);
        assert_eq!(token.deprecation_message, "Use `token_wo`.");

        let config = attr("config");
        assert!(config.r#type.is_empty());
        let nested = config.nested_type.as_ref().unwrap();
        assert_eq!(nested.nesting, object::NestingMode::List as i32);
        assert_eq!(nested.attributes[0].name, "enabled");
        assert!(nested.attributes[0].required);
        assert_eq!(nested.attributes[0].r#type, b"\"bool\"");

        let timeouts = &block.block_types[0];
        assert_eq!(timeouts.type_name, "timeouts");
        assert_eq!(timeouts.nesting, nested_block::NestingMode::Single as i32);
        assert_eq!(timeouts.max_items, 1);
        assert_eq!(
            timeouts.block.as_ref().unwrap().attributes[0].name,
            "create"
        );
    }
}
