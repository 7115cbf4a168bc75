//! The budget the client keeps for itself when the API does not report one: a sliding window of
//! send times, shared by every provider process using the same credentials and API root through
//! a small locked file, because `terraform plan` and `terraform apply` are separate processes
//! that spend the same budget.
//!
//! The file never holds credentials: its name is a hash of them and of the API root, and its
//! content is one send time (Unix milliseconds) per line. When the file cannot be read, parsed
//! or written, the window lives on in this process only.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::RateLimit;

/// First line of a window file; anything else is treated as corrupt.
const MAGIC: &str = "cloudflare-rate-window v1";

/// How much longer than the budget's window a send is counted. The API counts a request when
/// it arrives, and network delays vary: without this, a request held up on its way could land
/// in the same window as later ones that the client counted in the next.
const DELAY_MARGIN_MILLIS: u64 = 1_000;

/// The persisted (or, failing that, in-process) sliding window.
#[derive(Debug)]
pub(crate) struct Window {
    budget: RateLimit,
    file: Option<PathBuf>,
    /// This process's own sends, the whole truth once the file has failed.
    own: Mutex<Vec<u64>>,
    file_failed: AtomicBool,
}

impl Window {
    /// A window over `budget`, stored in `dir` under a name derived from `base_url` and
    /// `secrets`; `dir: None` keeps it in this process.
    pub(crate) fn new(
        budget: RateLimit,
        dir: Option<&Path>,
        base_url: &str,
        secrets: &[&str],
    ) -> Window {
        Window {
            budget,
            file: dir.map(|dir| dir.join(file_name(base_url, secrets))),
            own: Mutex::new(Vec::new()),
            file_failed: AtomicBool::new(false),
        }
    }

    /// Records a send now when the window has room (or unconditionally when `check` is false)
    /// and returns `Ok`; otherwise returns how long until it will have room.
    pub(crate) fn admit(&self, check: bool) -> Result<(), Duration> {
        let now = unix_millis(SystemTime::now());
        let mut own = self.own.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(path) = self
            .file
            .as_deref()
            .filter(|_| !self.file_failed.load(Ordering::Relaxed))
        {
            match admit_in_file(path, &self.budget, now, check) {
                Ok(verdict) => {
                    if verdict.is_ok() {
                        own.push(now);
                        prune(&mut own, &self.budget, now);
                    }
                    return verdict;
                }
                Err(problem) => {
                    self.file_failed.store(true, Ordering::Relaxed);
                    tracing::debug!(
                        path = %path.display(),
                        problem = %problem,
                        "the shared rate-limit window file is unusable; counting requests in \
                         this process only"
                    );
                }
            }
        }
        admit_entries(&mut own, &self.budget, now, check)
    }

    #[cfg(test)]
    pub(crate) fn path(&self) -> Option<&Path> {
        self.file.as_deref()
    }
}

/// How many of the budget's requests the window lets through: most of it, leaving a tenth for
/// anything else spending the same budget unseen (the dashboard, other tools).
pub(crate) fn usable(budget: &RateLimit) -> usize {
    let requests = budget.requests as usize;
    (requests - requests / 10).max(1)
}

/// The window decision over a sorted list of send times (Unix milliseconds): drops those that
/// left the window, then records `now` if there is room (or `check` is false).
pub(crate) fn admit_entries(
    entries: &mut Vec<u64>,
    budget: &RateLimit,
    now: u64,
    check: bool,
) -> Result<(), Duration> {
    prune(entries, budget, now);
    let usable = usable(budget);
    if check && entries.len() >= usable {
        // Room opens when the entry `usable` places from the end leaves the window.
        let oldest_that_must_go = entries[entries.len() - usable];
        let free_at = oldest_that_must_go.saturating_add(window_millis(budget));
        return Err(Duration::from_millis(free_at.saturating_sub(now).max(1)));
    }
    let at = entries.partition_point(|&t| t <= now);
    entries.insert(at, now);
    Ok(())
}

fn prune(entries: &mut Vec<u64>, budget: &RateLimit, now: u64) {
    let horizon = now.saturating_sub(window_millis(budget));
    entries.retain(|&t| t > horizon);
    entries.sort_unstable();
}

fn window_millis(budget: &RateLimit) -> u64 {
    u64::try_from(budget.per.as_millis())
        .unwrap_or(u64::MAX)
        .saturating_add(DELAY_MARGIN_MILLIS)
}

fn unix_millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// `<hash>.window`, the hash covering the API root and every credential string, so that the
/// name identifies a budget without revealing whose.
fn file_name(base_url: &str, secrets: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(base_url.trim_end_matches('/').as_bytes());
    for secret in secrets {
        hasher.update([0]);
        hasher.update(secret.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.window")
}

/// One locked read-decide-write cycle on the file. The lock is released when the file closes.
fn admit_in_file(
    path: &Path,
    budget: &RateLimit,
    now: u64,
    check: bool,
) -> Result<Result<(), Duration>, String> {
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot open: {e}"))?;
    file.lock().map_err(|e| format!("cannot lock: {e}"))?;
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut entries = parse(&text).ok_or("unrecognised content")?;
    let verdict = admit_entries(&mut entries, budget, now, check);
    write(&mut file, &entries).map_err(|e| format!("cannot write: {e}"))?;
    Ok(verdict)
}

fn parse(text: &str) -> Option<Vec<u64>> {
    let mut lines = text.lines();
    match lines.next() {
        None => return Some(Vec::new()),
        Some(first) if first == MAGIC => {}
        Some(_) => return None,
    }
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.trim().parse().ok())
        .collect()
}

fn write(file: &mut File, entries: &[u64]) -> std::io::Result<()> {
    let mut text = String::with_capacity(MAGIC.len() + 1 + entries.len() * 14);
    text.push_str(MAGIC);
    text.push('\n');
    for entry in entries {
        text.push_str(&entry.to_string());
        text.push('\n');
    }
    file.seek(SeekFrom::Start(0))?;
    file.set_len(0)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(requests: u32, secs: u64) -> RateLimit {
        RateLimit {
            requests,
            per: Duration::from_secs(secs),
        }
    }

    #[test]
    fn bursts_up_to_most_of_the_budget_then_waits_for_the_window_to_slide() {
        let budget = budget(20, 10);
        assert_eq!(usable(&budget), 18);
        let mut entries = Vec::new();
        for i in 0..18 {
            assert_eq!(
                admit_entries(&mut entries, &budget, 1_000 + i, true),
                Ok(())
            );
        }
        // The oldest send leaves after the window plus the delay margin.
        assert_eq!(
            admit_entries(&mut entries, &budget, 2_000, true),
            Err(Duration::from_millis(10_000))
        );
        // Unchecked sends (the first request of a process) are still recorded.
        assert_eq!(admit_entries(&mut entries, &budget, 2_000, false), Ok(()));
        assert_eq!(entries.len(), 19);
        assert_eq!(
            admit_entries(&mut entries, &budget, 2_000, true),
            Err(Duration::from_millis(10_001))
        );
        // Once the oldest have left the window, there is room again.
        assert!(admit_entries(&mut entries, &budget, 11_002, true).is_err());
        assert_eq!(admit_entries(&mut entries, &budget, 12_002, true), Ok(()));
        assert_eq!(
            usable(&RateLimit {
                requests: 1,
                per: Duration::from_secs(1)
            }),
            1
        );
    }

    #[test]
    fn processes_sharing_the_file_share_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let budget = budget(10, 60);
        let secrets = ["token-one-0123456789012345678901234567890"];
        let plan = Window::new(
            budget.clone(),
            Some(dir.path()),
            "https://api.example/v4",
            &secrets,
        );
        let apply = Window::new(
            budget.clone(),
            Some(dir.path()),
            "https://api.example/v4/",
            &secrets,
        );
        assert_eq!(plan.path(), apply.path());
        for _ in 0..6 {
            plan.admit(true).unwrap();
        }
        for _ in 0..3 {
            apply.admit(true).unwrap();
        }
        assert!(apply.admit(true).is_err(), "9 of 10 are spent across both");
        assert!(plan.admit(true).is_err());

        let other = Window::new(
            budget,
            Some(dir.path()),
            "https://api.example/v4",
            &["another-token"],
        );
        assert_ne!(other.path(), plan.path());
        other.admit(true).unwrap();

        let name = plan
            .path()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(!name.contains("token"), "{name}");
        let text = std::fs::read_to_string(plan.path().unwrap()).unwrap();
        assert!(text.starts_with(MAGIC), "{text}");
        assert!(!text.contains("token"), "{text}");
        assert_eq!(text.lines().count(), 10);
    }

    #[test]
    fn a_corrupt_or_unwritable_file_falls_back_to_this_process() {
        let dir = tempfile::tempdir().unwrap();
        let budget = budget(10, 60);
        let window = Window::new(budget.clone(), Some(dir.path()), "https://a", &["k"]);
        std::fs::write(window.path().unwrap(), "not a window\n1\n").unwrap();
        for _ in 0..9 {
            window.admit(true).unwrap();
        }
        assert!(window.admit(true).is_err());
        assert_eq!(
            std::fs::read_to_string(window.path().unwrap()).unwrap(),
            "not a window\n1\n",
            "a file it cannot read is left alone"
        );

        // A directory that cannot be created (its parent is a file).
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, "").unwrap();
        let unwritable = Window::new(budget, Some(&blocker.join("sub")), "https://a", &["k"]);
        for _ in 0..9 {
            unwritable.admit(true).unwrap();
        }
        assert!(unwritable.admit(true).is_err());
    }
}
