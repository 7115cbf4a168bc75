//! The optional state file: loaded at start, rewritten atomically after every mutation.
//!
//! The file holds the stored objects including their secrets (it is what lets a restarted mock
//! keep `client_secret` and SCIM secrets), so it is created readable by its owner only.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state::Store;

/// Version of the file layout, checked on load.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct StateFile {
    format: u32,
    #[serde(flatten)]
    store: Store,
}

/// Reads the state file; `Ok(None)` when it does not exist yet.
pub(crate) fn load(path: &Path) -> io::Result<Option<Store>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let file: StateFile = serde_json::from_slice(&bytes).map_err(|error| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("state file {} is not valid: {error}", path.display()),
        )
    })?;
    if file.format != FORMAT {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "state file {} has format {}, expected {FORMAT}",
                path.display(),
                file.format
            ),
        ));
    }
    Ok(Some(file.store))
}

/// Writes the whole store to a temporary file next to `path`, then renames it over `path`, so a
/// crash never leaves a half-written file behind.
pub(crate) fn save(path: &Path, store: &Store) -> io::Result<()> {
    #[derive(Serialize)]
    struct StateFileRef<'a> {
        format: u32,
        #[serde(flatten)]
        store: &'a Store,
    }
    let bytes = serde_json::to_vec_pretty(&StateFileRef {
        format: FORMAT,
        store,
    })
    .map_err(io::Error::other)?;
    let temp = temp_path(path);
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_else(|| "cloudflare-mock-state".into());
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_loads_as_empty_and_saved_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(load(&path).unwrap().is_none());
        let mut store = Store::default();
        store.take_seq();
        save(&path, &store).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.next_seq, 1);
        assert!(!temp_path(&path).exists());
    }

    #[test]
    fn garbage_is_reported_not_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, b"{not json").unwrap();
        assert_eq!(
            load(&path).err().map(|e| e.kind()),
            Some(io::ErrorKind::InvalidData)
        );
    }
}
