//! The Terraform-side model of the resource: one struct per object in the schema (see
//! [`tf_object!`](crate::tf_object)).

use crate::framework::{Diagnostic, Value};
pub use crate::resources::kit::model::{Attr, ModelValue, SecretString};

crate::tf_object! {
    /// The whole resource.
    pub struct IdentityProviderModel {
        /// UUID.
        "id" => id: String,
        /// Owning account.
        "account_id" => account_id: String,
        /// Owning zone.
        "zone_id" => zone_id: String,
        /// Display name.
        "name" => name: String,
        /// Provider type.
        "type" => kind: String,
        /// Type-specific settings.
        "config" => config: ConfigModel,
        /// SAML certificate set for encryption.
        "saml_certificate_set_id" => saml_certificate_set_id: String,
        /// SCIM settings.
        "scim_config" => scim_config: ScimConfigModel,
        /// Immutable through the API.
        "read_only" => read_only: bool,
        /// Read-only certificate set details.
        "saml_certificate_set" => saml_certificate_set: SamlCertificateSetModel,
    }
}

/// Builds a model struct from one of the API's field lists (see
/// [`identity_provider_config_fields`](crate::identity_provider_config_fields)), with the
/// attributes only Terraform has added at the end. Secrets become [`SecretString`]s.
macro_rules! model_from_fields {
    (@next $header:tt [$($done:tt)*]) => {
        model_from_fields! { @emit $header [$($done)*] }
    };
    (@emit [$(#[$meta:meta])* $name:ident [$($extra:tt)*]] [$($done:tt)*]) => {
        crate::tf_object! {
            $(#[$meta])*
            pub struct $name { $($done)* $($extra)* }
        }
    };
    (@next $header:tt [$($done:tt)*]
        $(#[$doc:meta])* $field:ident : $ty:ty [$(read_only)? secret] $(($default:ident))?,
        $($rest:tt)*
    ) => {
        model_from_fields! { @next $header [$($done)* $(#[$doc])* $field: SecretString,]
            $($rest)* }
    };
    (@next $header:tt [$($done:tt)*]
        $(#[$doc:meta])* $field:ident : $ty:ty [header_attributes] $(($default:ident))?,
        $($rest:tt)*
    ) => {
        model_from_fields! { @next $header
            [$($done)* $(#[$doc])* $field: Vec<HeaderAttributeModel>,]
            $($rest)* }
    };
    (@next $header:tt [$($done:tt)*]
        $(#[$doc:meta])* $field:ident : $ty:ty [$($kind:ident)*] $(($default:ident))?,
        $($rest:tt)*
    ) => {
        model_from_fields! { @next $header [$($done)* $(#[$doc])* $field: $ty,] $($rest)* }
    };
}

crate::identity_provider_scim_fields!(model_from_fields! {
    @next [/// `scim_config`.
    ScimConfigModel []] []
});

crate::identity_provider_config_fields!(model_from_fields! {
    @next
    [
        /// `config`.
        ConfigModel [
            /// OAuth client secret, write-only: only ever in a configuration, null in plan and
            /// state.
            client_secret_wo: SecretString,
            /// Version label whose change sends `client_secret_wo`.
            client_secret_wo_version: String,
        ]
    ]
    []
});

crate::tf_object! {
    /// One element of `config.header_attributes`.
    pub struct HeaderAttributeModel {
        /// SAML attribute.
        "attribute_name" => attribute_name: String,
        /// Request header.
        "header_name" => header_name: String,
    }
}

crate::tf_object! {
    /// `saml_certificate_set` (computed).
    pub struct SamlCertificateSetModel {
        /// Creation time.
        "created_at" => created_at: String,
        /// Certificate in use.
        "current_certificate" => current_certificate: SamlCertificateModel,
        /// Previous certificate as JSON.
        "previous_certificate" => previous_certificate: String,
        /// Set ID.
        "uid" => uid: String,
        /// Last change.
        "updated_at" => updated_at: String,
    }
}

crate::tf_object! {
    /// `saml_certificate_set.current_certificate`.
    pub struct SamlCertificateModel {
        /// In use.
        "is_current" => is_current: bool,
        /// Expiry.
        "not_after" => not_after: String,
        /// PEM.
        "public_certificate" => public_certificate: String,
        /// Certificate ID.
        "uid" => uid: String,
    }
}

impl IdentityProviderModel {
    /// Decodes a whole resource value (plan, state or config).
    pub fn from_value(value: &Value) -> Result<Self, Diagnostic> {
        crate::resources::kit::model::decode_object(value)
    }

    /// Encodes the whole resource value.
    pub fn to_value(&self) -> Value {
        ModelValue::encode(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::AttributeKind;
    use crate::framework::{Attribute, AttributePath};
    use crate::resources::zero_trust_access_identity_provider::schema::resource_schema;

    /// Every attribute of the schema is a field of the model and vice versa, at every depth.
    fn assert_same_keys(value: &Value, attributes: &[Attribute], path: &str) {
        let entries = value
            .as_entries()
            .unwrap_or_else(|| panic!("{path} is not an object"));
        let mut schema_names: Vec<&str> = attributes.iter().map(|a| a.name.as_str()).collect();
        let mut model_names: Vec<&str> = entries.keys().map(String::as_str).collect();
        schema_names.sort_unstable();
        model_names.sort_unstable();
        assert_eq!(schema_names, model_names, "at {path}");
        for attribute in attributes {
            if let AttributeKind::Nested { .. } = attribute.kind {
                let inner = &entries[&attribute.name];
                let sample = match inner {
                    Value::List(items) => &items[0],
                    other => other,
                };
                assert_same_keys(
                    sample,
                    attribute.nested_attributes(),
                    &format!("{path}.{}", attribute.name),
                );
            }
        }
    }

    fn full_model() -> IdentityProviderModel {
        IdentityProviderModel {
            config: Attr::Known(ConfigModel {
                header_attributes: Attr::Known(vec![HeaderAttributeModel::default()]),
                client_secret: Attr::Known(SecretString::new("hunter2-client-secret")),
                ..ConfigModel::default()
            }),
            scim_config: Attr::Known(ScimConfigModel {
                secret: Attr::Known(SecretString::new("scim-secret-value")),
                ..ScimConfigModel::default()
            }),
            saml_certificate_set: Attr::Known(SamlCertificateSetModel {
                current_certificate: Attr::Known(SamlCertificateModel::default()),
                ..SamlCertificateSetModel::default()
            }),
            ..IdentityProviderModel::default()
        }
    }

    #[test]
    fn model_and_schema_have_the_same_attributes() {
        assert_same_keys(
            &full_model().to_value(),
            &resource_schema().block.attributes,
            "",
        );
    }

    #[test]
    fn round_trips_through_values() {
        let mut model = full_model();
        model.name = Attr::Known("Login".into());
        model.kind = Attr::Unknown;
        if let Attr::Known(config) = &mut model.config {
            config.claims = Attr::Known(vec!["email".into(), "groups".into()]);
            config.pkce_enabled = Attr::Known(false);
        }
        let value = model.to_value();
        assert!(value.attr("type").is_unknown());
        assert_eq!(IdentityProviderModel::from_value(&value).unwrap(), model);
    }

    #[test]
    fn wrong_shapes_are_reported_with_their_path() {
        let mut value = full_model().to_value();
        value.set_at(
            &AttributePath::attribute("config").attr("client_id"),
            Value::Bool(true),
        );
        let err = IdentityProviderModel::from_value(&value).unwrap_err();
        assert_eq!(
            err.attribute,
            Some(AttributePath::attribute("config").attr("client_id"))
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let text = format!("{:?}", full_model());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("scim-secret-value"), "{text}");
        assert!(text.contains("[redacted]"));
    }
}
