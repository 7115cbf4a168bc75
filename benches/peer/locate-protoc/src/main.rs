//! Prints the path of the `protoc` shipped by the `protoc-bin-vendored` crate, so the peer's
//! dependencies can compile their protobuf files without a system-wide protoc.

fn main() {
    match protoc_bin_vendored::protoc_bin_path() {
        Ok(path) => println!("{}", path.display()),
        Err(error) => {
            eprintln!("no vendored protoc for this platform: {error}");
            std::process::exit(1);
        }
    }
}
