//! Finding, launching and watching one Chromium process.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use std::time::Duration;

use headless_chrome::{Browser, LaunchOptions};

use crate::error::Error;
use crate::options::Options;

/// Names tried on PATH, in order.
const PATH_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Find the Chromium binary: `explicit` (`--chrome`), then `$CHROME`, then
/// the usual names on PATH. Nothing is ever downloaded.
pub fn find_chrome(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    find_chrome_in(
        explicit,
        std::env::var_os("CHROME").as_deref(),
        std::env::var_os("PATH").as_deref(),
    )
}

fn find_chrome_in(
    explicit: Option<&Path>,
    env_chrome: Option<&OsStr>,
    path_var: Option<&OsStr>,
) -> Result<PathBuf, Error> {
    if let Some(p) = explicit {
        return if is_executable(p) {
            Ok(p.to_path_buf())
        } else {
            Err(Error::BrowserNotFound {
                tried: format!("--chrome {} (not an executable file)", p.display()),
            })
        };
    }
    let mut tried = Vec::new();
    if let Some(c) = env_chrome.filter(|c| !c.is_empty()) {
        let p = PathBuf::from(c);
        // $CHROME may name a binary on PATH rather than a path.
        if is_executable(&p) {
            return Ok(p);
        }
        if let Some(found) = search_path(&p, path_var) {
            return Ok(found);
        }
        tried.push(format!("$CHROME={}", p.display()));
    }
    for name in PATH_NAMES {
        if let Some(found) = search_path(Path::new(name), path_var) {
            return Ok(found);
        }
    }
    tried.push(format!("{} on PATH", PATH_NAMES.join(", ")));
    Err(Error::BrowserNotFound {
        tried: tried.join("; "),
    })
}

fn search_path(name: &Path, path_var: Option<&OsStr>) -> Option<PathBuf> {
    if name.components().count() != 1 {
        return None;
    }
    std::env::split_paths(path_var?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// Whether Chromium keeps its sandbox in this process: not as root, where
/// it refuses one and every [`Session`] runs with it off.
pub fn keeps_sandbox() -> bool {
    !is_root()
}

/// ogonblick runs as root (the owner of `/proc/self` is the effective user).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A launcher for `chrome` that asks the kernel to kill the browser when the
/// thread that started it dies (`setpriv --pdeathsig KILL`, util-linux).
/// Without it a `kill -9` of ogonblick, or an OOM kill, leaves a headless
/// Chromium running for ever under cron. `None` (launch directly) when
/// setpriv is missing or the script cannot be written.
fn die_with_parent(chrome: &Path, dir: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = search_path(Path::new("setpriv"), std::env::var_os("PATH").as_deref())?;
    let quote = |p: &Path| Some(format!("'{}'", p.to_str()?.replace('\'', r"'\''")));
    let script = dir.join("chromium-dies-with-ogonblick");
    let text = format!(
        "#!/bin/sh\nexec {} --pdeathsig KILL -- {} \"$@\"\n",
        quote(&setpriv)?,
        quote(chrome)?
    );
    std::fs::write(&script, text).ok()?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).ok()?;
    Some(script)
}

/// Check that `chrome` runs (`chrome --version`, at most 20 s), for a caller
/// that wants to know before it creates anything; [`Session::launch`] checks
/// again itself.
pub fn check_browser(chrome: &Path) -> Result<(), Error> {
    runs(chrome).map_err(|e| Error::Launch {
        path: chrome.to_path_buf(),
        source: e.into(),
    })
}

/// Longest wait for `chrome --version`.
const VERSION_TIMEOUT: Duration = Duration::from_secs(20);

/// Run `binary --version`, at most [`VERSION_TIMEOUT`], so that a browser
/// that cannot start at all is reported at once: headless_chrome waits 30 s
/// for the DevTools address of a browser that has already exited, and tries
/// eleven times, so without this a broken `--chrome` took five and a half
/// minutes to fail.
fn runs(binary: &Path) -> Result<(), String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("it cannot be run: {e}"))?;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(err) = stderr.as_mut() {
            let _ = err.take(64 * 1024).read_to_string(&mut text);
        }
        text
    });
    let deadline = std::time::Instant::now() + VERSION_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`--version` did not answer within {} s",
                    VERSION_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for `--version` failed: {e}")),
        }
    };
    let text = reader.join().unwrap_or_default();
    if status.success() {
        return Ok(());
    }
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    Err(format!("`--version` failed ({status}): {last}"))
}

/// One running headless Chromium. Captures pages one after the other, each
/// in a fresh tab. The browser and its temporary profile go away on drop.
pub struct Session {
    pub(crate) browser: Browser,
    pub(crate) opts: Options,
    version: String,
    pub(crate) user_agent: String,
    pid: Option<u32>,
    sandboxed: bool,
    // Dropped after `browser` (fields drop in order), so Chromium is gone first.
    _profile: tempfile::TempDir,
    _scratch: Option<tempfile::TempDir>,
}

/// Longest path of a Unix socket (`sun_path`, less its final NUL).
const MAX_SOCKET_PATH: usize = 107;
/// What Chromium adds to its TMPDIR for its profile lock's socket.
const SOCKET_SUFFIX: &str = "/org.chromium.Chromium.XXXXXX/SingletonSocket";

/// Chromium's TMPDIR: `tmp` inside the profile, so that everything it puts
/// there goes with the profile; or, where that path is too long for the
/// socket Chromium makes in it (Chromium stops: "Socket path too long"), a
/// short folder of its own in `/tmp`, also removed when the session ends.
fn scratch_dir(profile: &Path) -> Result<(PathBuf, Option<tempfile::TempDir>), Error> {
    let inside = profile.join("tmp");
    if inside.as_os_str().len() + SOCKET_SUFFIX.len() <= MAX_SOCKET_PATH {
        std::fs::create_dir(&inside).map_err(|source| Error::Io {
            path: inside.clone(),
            source,
        })?;
        return Ok((inside, None));
    }
    let short = tempfile::Builder::new()
        .prefix("ogonblick-")
        .tempdir_in("/tmp")
        .map_err(|source| Error::Io {
            path: PathBuf::from("/tmp"),
            source,
        })?;
    Ok((short.path().to_path_buf(), Some(short)))
}

/// How long a killed browser's processes may take to go before its profile
/// is removed anyway.
const EXIT_GRACE: Duration = Duration::from_secs(5);

impl Drop for Session {
    /// Kill the browser's whole process tree and its crash handlers, and
    /// wait for them, bounded, before the profile goes. headless_chrome kills
    /// only the browser process; the rest lived on for a moment and wrote
    /// into the profile after it was removed (the disk cache index, crash
    /// reports), so a run left `ogonblick-chromium-*` folders in TMPDIR
    /// (2 of 4 sessions of a demo, 362 after one CI run).
    fn drop(&mut self) {
        let Some(pid) = self.pid else { return };
        let tree = browser_processes(pid, self._profile.path());
        for &p in &tree {
            if let Some(p) = i32::try_from(p)
                .ok()
                .and_then(rustix::process::Pid::from_raw)
            {
                let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
            }
        }
        let deadline = std::time::Instant::now() + EXIT_GRACE;
        while tree.iter().any(|&p| is_running(p)) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// `root`, every process descended from it, and every process whose
/// command line names `profile` (its crash handlers are daemons, parent 1,
/// found by the profile they write to): one pass over `/proc`.
fn browser_processes(root: u32, profile: &Path) -> Vec<u32> {
    let needle = profile.as_os_str().as_encoded_bytes();
    // (pid, parent, names the profile)
    let all: Vec<(u32, u32, bool)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let ppid = after_name(&stat).nth(1)?.parse().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            let names = !needle.is_empty() && cmdline.windows(needle.len()).any(|w| w == needle);
            Some((pid, ppid, names))
        })
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(all.iter().filter(|p| p.1 == parent).map(|p| p.0));
        i += 1;
    }
    for &(pid, _, names) in &all {
        if names && !tree.contains(&pid) {
            tree.push(pid);
        }
    }
    tree
}

/// The fields of a `/proc/PID/stat` line after the parenthesised command
/// name (which may hold spaces): state, parent, …
fn after_name(stat: &str) -> std::str::SplitWhitespace<'_> {
    stat.rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
}

/// `pid` exists and is not a zombie.
fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        after_name(&stat)
            .next()
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("version", &self.version)
            .field("pid", &self.pid)
            .finish_non_exhaustive()
    }
}

/// How long one DevTools call may take; it also ends an idle connection, so
/// it must be longer than the slowest screenshot and any pause between pages.
const IDLE_BROWSER_TIMEOUT: Duration = Duration::from_secs(600);

impl Session {
    /// Start Chromium with the project's fixed flags and a fresh profile.
    pub fn launch(opts: &Options) -> Result<Session, Error> {
        let path = find_chrome(opts.chrome.as_deref())?;
        let profile = tempfile::Builder::new()
            .prefix("ogonblick-chromium-")
            .tempdir()
            .map_err(|source| Error::Io {
                path: std::env::temp_dir(),
                source,
            })?;
        let launch_err = |source: Box<dyn std::error::Error + Send + Sync>| Error::Launch {
            path: path.clone(),
            source,
        };
        let args: Vec<&OsStr> = [
            "--disable-component-update",
            "--hide-scrollbars",
            "--mute-audio",
            "--lang=sv-SE",
            "--font-render-hinting=none",
            // A page's JavaScript heap is bounded: a page that allocates
            // without end crashes its own renderer at 1 GB, which the
            // capture notices at once, rather than taking the machine's memory.
            "--js-flags=--max-old-space-size=1024",
            // No crash dumps of a page's renderer anywhere.
            "--disable-breakpad",
            "--disable-crash-reporter",
        ]
        .iter()
        .map(OsStr::new)
        .collect();
        // Through the launcher if it runs (a noexec temporary directory
        // stops it), else the browser itself; if that does not run either,
        // stop here rather than let headless_chrome wait minutes for it.
        let binary = match die_with_parent(&path, profile.path()) {
            Some(script) if runs(&script).is_ok() => script,
            _ => {
                runs(&path).map_err(|e| launch_err(e.into()))?;
                path.clone()
            }
        };
        let (scratch, own_scratch) = scratch_dir(profile.path())?;
        let sandboxed = !is_root();
        let launch = LaunchOptions::default_builder()
            .path(Some(binary))
            .headless(true)
            // Chromium refuses to run sandboxed as root; anyone else keeps
            // the sandbox (user namespaces and seccomp for every renderer).
            .sandbox(sandboxed)
            .enable_gpu(false)
            .user_data_dir(Some(profile.path().to_path_buf()))
            .window_size(Some((opts.viewport_width, opts.viewport_height)))
            .idle_browser_timeout(IDLE_BROWSER_TIMEOUT)
            .args(args)
            // Chromium's own popup blocker stays on: a window opened without
            // a user's gesture, from any frame (a cross-site frame's too,
            // where no script of ours runs), is never opened.
            .ignore_default_args(vec![OsStr::new("--disable-popup-blocking")])
            // Chromium keeps crash-report settings and a dconf cache in HOME
            // whatever its profile, and its shared-memory files and scratch
            // folders (`org.chromium.Chromium.*`) in TMPDIR: it gets the
            // temporary profile as both, so nothing of a capture outlives it.
            .process_envs(Some(
                ["HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"]
                    .into_iter()
                    .map(|k| (k.to_string(), profile.path().to_string_lossy().into_owned()))
                    .chain([("TMPDIR".to_string(), scratch.to_string_lossy().into_owned())])
                    .collect(),
            ))
            .build()
            .map_err(|e| launch_err(e.to_string().into()))?;
        let browser = Browser::new(launch).map_err(|e| launch_err(e.into()))?;
        let version = browser.get_version().map_err(|e| launch_err(e.into()))?;
        let pid = browser.get_process_id();
        Ok(Session {
            browser,
            opts: opts.clone(),
            version: version.product,
            user_agent: version.user_agent,
            pid,
            sandboxed,
            _profile: profile,
            _scratch: own_scratch,
        })
    }

    /// Whether Chromium's renderers run in its sandbox (off only as root).
    pub fn is_sandboxed(&self) -> bool {
        self.sandboxed
    }

    /// `Chrome/131.0.6778.85` or whatever the browser reports.
    pub fn browser_version(&self) -> &str {
        &self.version
    }

    /// The browser's user agent string.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The Chromium process id (for tests that kill it).
    pub fn browser_pid(&self) -> Option<u32> {
        self.pid
    }

    /// The browser process is no longer running.
    pub fn is_browser_gone(&self) -> bool {
        self.pid.is_some_and(|pid| !is_running(pid))
    }

    /// Open a fresh tab for `url`, run `work` in it (the page's work is
    /// bounded by `deadline`), and close the tab whatever came of it.
    pub(crate) fn in_tab<T>(
        &self,
        url: &str,
        deadline: std::time::Instant,
        work: impl FnOnce(&super::Ctx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let tab = self
            .browser
            .new_tab()
            .map_err(|e| self.fail("opening a tab", e))?;
        let result = super::Ctx::new(self, &tab, url, deadline).and_then(|cx| work(&cx));
        // Close without running beforeunload handlers, bounded: a dead
        // browser cannot close tabs and a crashed tab may not answer.
        let (tx, rx) = std::sync::mpsc::channel();
        let closing = std::sync::Arc::clone(&tab);
        std::thread::spawn(move || {
            let _ = tx.send(closing.close(false));
        });
        let _ = rx.recv_timeout(super::FRAME_TIMEOUT);
        drop(tab);
        result.map_err(|e| self.upgrade(e))
    }

    /// Turn a DevTools failure into the right error: a crash if the browser is gone.
    pub(crate) fn fail(
        &self,
        during: &str,
        e: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        let source = e.into();
        if self.is_browser_gone() || source.to_string().contains("connection is closed") {
            Error::BrowserCrashed {
                during: during.to_string(),
                source: Some(source),
            }
        } else {
            Error::Protocol {
                during: during.to_string(),
                source,
            }
        }
    }

    fn upgrade(&self, e: Error) -> Error {
        if e.is_browser_gone() || !self.is_browser_gone() {
            return e;
        }
        Error::BrowserCrashed {
            during: "capturing the page".to_string(),
            source: Some(Box::new(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bogus_explicit_path_is_not_found() {
        let e = find_chrome_in(Some(Path::new("/nonexistent/chromium")), None, None).unwrap_err();
        assert!(matches!(e, Error::BrowserNotFound { .. }));
        assert!(e.to_string().contains("apt-get install chromium"), "{e}");
    }

    #[test]
    fn empty_path_is_not_found() {
        let e = find_chrome_in(None, None, Some(OsStr::new(""))).unwrap_err();
        assert!(e.to_string().contains("apt-get install chromium"), "{e}");
    }
}
