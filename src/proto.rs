//! Generated gRPC code for tfplugin6 and go-plugin's services; nothing outside `protocol` and
//! `server` should name these types.
#![allow(
    missing_docs,
    unreachable_pub,
    dead_code,
    clippy::all,
    clippy::pedantic
)]

pub(crate) mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

pub(crate) mod plugin {
    tonic::include_proto!("plugin");
}
