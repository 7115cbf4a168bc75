//! The hashes Terraform records for a provider package in `.terraform.lock.hcl`.
//!
//! * `zh:` is the SHA-256 of the zip file, as listed in `SHA256SUMS`.
//! * `h1:` is Go's "dirhash Hash1" over the package contents: for every file, the line
//!   `<hex sha256>  <name>\n`, ordered by name; the SHA-256 of those lines, in standard base64
//!   with padding. For a zip every entry counts, directory entries included, which is why the
//!   release zip holds a single file and nothing else.

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Lowercase hex SHA-256 of a byte string.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(sha256_hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hash1 over `(name, content sha256 hex)` pairs; the order they come in does not matter.
pub fn hash1<I>(files: I) -> Result<String>
where
    I: IntoIterator<Item = (String, String)>,
{
    let mut files: Vec<(String, String)> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut summary = Sha256::new();
    for (name, digest) in &files {
        if name.contains('\n') {
            bail!("file name {name:?} contains a newline, which Hash1 cannot represent");
        }
        summary.update(format!("{digest}  {name}\n").as_bytes());
    }
    Ok(format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(summary.finalize())
    ))
}

/// The `h1:` hash of a provider zip, as Terraform computes it for the lock file.
pub fn h1_zip(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut archive =
        zip::ZipArchive::new(file).with_context(|| format!("reading zip {}", path.display()))?;
    let mut files = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        let mut content = Vec::new();
        entry
            .read_to_end(&mut content)
            .with_context(|| format!("reading {} from {}", entry.name(), path.display()))?;
        files.push((entry.name().to_owned(), sha256_hex(&content)));
    }
    hash1(files)
}

/// The `h1:` hash of an unpacked provider directory (symlinks followed), which Terraform
/// computes for filesystem mirrors in the unpacked layout.
pub fn h1_dir(dir: &Path) -> Result<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
            let path = entry?.path();
            let metadata = std::fs::metadata(&path)?;
            if metadata.is_dir() {
                walk(base, &path, out)?;
            } else {
                let relative = path.strip_prefix(base)?;
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((name, sha256_file(&path)?));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    hash1(files)
}

/// `h1:` of a zip file or an unpacked directory, whichever `path` is.
pub fn h1(path: &Path) -> Result<String> {
    if path.is_dir() {
        h1_dir(path)
    } else {
        h1_zip(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn sha256_matches_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hash1_sorts_by_name_and_encodes_with_padding() {
        let a = sha256_hex(b"a");
        let b = sha256_hex(b"b");
        let forward =
            hash1([("x/a".to_owned(), a.clone()), ("x/b".to_owned(), b.clone())]).unwrap();
        let backward =
            hash1([("x/b".to_owned(), b.clone()), ("x/a".to_owned(), a.clone())]).unwrap();
        assert_eq!(forward, backward);
        let expected = {
            let lines = format!("{a}  x/a\n{b}  x/b\n");
            format!(
                "h1:{}",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(lines.as_bytes()))
            )
        };
        assert_eq!(forward, expected);
        assert!(forward.ends_with('='), "32 bytes encode with one pad char");
        assert!(hash1([("bad\nname".to_owned(), a)]).is_err());
    }

    #[test]
    fn zip_and_unpacked_dir_hash_alike_when_the_zip_is_flat() {
        let temp = tempfile::tempdir().unwrap();
        let zip_path = temp.path().join("p.zip");
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        writer
            .start_file(
                "terraform-provider-x_v1.0.0",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
        writer.write_all(b"binary").unwrap();
        writer.finish().unwrap();

        let dir = temp.path().join("unpacked");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("terraform-provider-x_v1.0.0"), b"binary").unwrap();

        assert_eq!(h1_zip(&zip_path).unwrap(), h1_dir(&dir).unwrap());
        assert_eq!(h1(&zip_path).unwrap(), h1(&dir).unwrap());
    }
}
