//! Time-bounded fuzzing of the msgpack and JSON value decoders (see `crate::fuzzing`): random
//! bytes, mutations of real encodings of the identity provider's schema type, and hostile shapes
//! (deep nesting, huge announced lengths). Whatever decodes must encode again.

use rand::rngs::StdRng;
use rand::Rng;

use super::{json, msgpack};
use crate::framework::Type;
use crate::fuzzing::{self, value_of, Verdict};

/// The resource's own value type: the shape Terraform sends most.
fn resource_type() -> Type {
    crate::resources::all()
        .first()
        .expect("at least one resource")
        .schema()
        .value_type()
}

/// msgpack: a value whose type is "dynamic" at every level, `levels` deep.
fn deep_dynamic_msgpack(levels: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..levels {
        out.push(0x92);
        rmp::encode::write_bin(&mut out, br#""dynamic""#).unwrap();
    }
    out.push(0xc0);
    out
}

/// msgpack: a list of lists ... `levels` deep under a dynamic type of the same depth.
fn deep_list_msgpack(levels: usize) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(0x92);
    let mut ty = String::from("\"string\"");
    for _ in 0..levels.min(100) {
        ty = format!("[\"list\",{ty}]");
    }
    rmp::encode::write_bin(&mut out, ty.as_bytes()).unwrap();
    out.extend(std::iter::repeat_n(0x91, levels));
    out.push(0xc0);
    out
}

/// An input for `ty`'s decoders: noise, a mutation of a real encoding, or a hostile shape.
fn msgpack_input(rng: &mut StdRng, ty: &Type) -> Vec<u8> {
    match rng.random_range(0..50) {
        0..=14 => fuzzing::bytes(rng, 64),
        15..=44 => {
            let value = value_of(rng, ty, 4);
            let valid = msgpack::encode(&value, ty).unwrap_or_default();
            fuzzing::mutate(rng, &valid)
        }
        45..=46 => deep_dynamic_msgpack(rng.random_range(1..100_000)),
        _ => {
            // Announced lengths far beyond the input.
            let mut out = vec![[0xdd, 0xdf, 0xdb, 0xc6][rng.random_range(0..4)]];
            out.extend_from_slice(&rng.random::<u32>().to_be_bytes());
            out.extend(fuzzing::bytes(rng, 8));
            out
        }
    }
}

fn json_input(rng: &mut StdRng, ty: &Type) -> Vec<u8> {
    match rng.random_range(0..50) {
        0..=9 => fuzzing::bytes(rng, 64),
        10..=14 => fuzzing::text(rng, 64, "{}[]\",:0123456789.eE+-truefalsnl\\u ").into_bytes(),
        15..=48 => {
            let value = value_of(rng, ty, 4);
            // JSON has no unknowns; a value it cannot hold just gives an empty start.
            let valid = json::encode(&value, ty).unwrap_or_default();
            fuzzing::mutate(rng, &valid)
        }
        _ => {
            let levels = rng.random_range(1..100_000);
            let open = if rng.random() { "[" } else { "{\"value\":" };
            format!("{}1", open.repeat(levels)).into_bytes()
        }
    }
}

fn types() -> Vec<Type> {
    vec![
        resource_type(),
        Type::Dynamic,
        Type::list(Type::Dynamic),
        Type::map(Type::set(Type::Number)),
        Type::Tuple(vec![Type::String, Type::Bool, Type::Dynamic]),
    ]
}

#[test]
fn fuzz_msgpack_decoder() {
    let types = types();
    // Sanity of the hostile shapes themselves: each is refused, not decoded.
    assert!(msgpack::decode(&deep_dynamic_msgpack(100_000), &Type::Dynamic).is_err());
    assert!(msgpack::decode(&deep_list_msgpack(100_000), &Type::Dynamic).is_err());
    fuzzing::run("msgpack value decoder", move |rng| {
        let ty = &types[rng.random_range(0..types.len())];
        let input = msgpack_input(rng, ty);
        match msgpack::decode(&input, ty) {
            Ok(value) => {
                let again = msgpack::encode(&value, ty)
                    .unwrap_or_else(|e| panic!("decoded but does not encode: {e}"));
                assert_eq!(msgpack::decode(&again, ty).as_ref(), Ok(&value));
                Verdict::Accepted
            }
            Err(error) => {
                assert!(!error.to_string().is_empty());
                Verdict::Rejected
            }
        }
    });
}

#[test]
fn fuzz_json_decoder() {
    let types = types();
    // Just inside the parser's depth limit, with a type as deep: decoded without running out of
    // stack on the test thread (2 MiB, as on a tokio worker).
    let levels = 250;
    let ty_json = (0..levels).fold("\"string\"".to_owned(), |t, _| format!("[\"list\",{t}]"));
    let deep = format!(
        "{{\"value\":{}\"x\"{},\"type\":{ty_json}}}",
        "[".repeat(levels),
        "]".repeat(levels)
    );
    let _ = json::decode(deep.as_bytes(), &Type::Dynamic);
    fuzzing::run("JSON value decoder", move |rng| {
        let ty = &types[rng.random_range(0..types.len())];
        let input = json_input(rng, ty);
        match json::decode(&input, ty) {
            Ok(value) => {
                // Whatever decodes encodes again, unless it holds what JSON cannot (unknowns).
                if value.is_wholly_known() {
                    json::encode(&value, ty)
                        .unwrap_or_else(|e| panic!("decoded but does not encode: {e}"));
                }
                Verdict::Accepted
            }
            Err(error) => {
                assert!(!error.to_string().is_empty());
                Verdict::Rejected
            }
        }
    });
}
