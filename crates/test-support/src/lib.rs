//! One bounded runner for every external process the tests start: the
//! validators (PDFBox Preflight, commons-ip, eark-validator, bagit.py), the
//! tools (openssl, qpdf, pdftotext, sha256sum, warcio) and the binary under
//! test. A command runs in a process group of its own; past its time limit
//! the whole group is killed and the test fails saying which command it was
//! and how long it was given. Nothing here sleeps for synchronisation: it
//! polls the exit status until the deadline.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long one external tool may run in a test: 300 s, or
/// `OGONBLICK_TEST_TOOL_SECS`. The slowest (a JVM validator on a busy
/// two-core machine) takes well under a minute.
pub fn tool_limit() -> Duration {
    let secs = std::env::var("OGONBLICK_TEST_TOOL_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    Duration::from_secs(secs)
}

/// Runs `cmd` to its end within [`tool_limit`], collecting stdout and
/// stderr. `Err` only when it cannot be started (the tool is missing).
pub fn output(cmd: &mut Command) -> std::io::Result<Output> {
    output_within(cmd, tool_limit())
}

/// [`output`] with its own limit; past it the command's process group is
/// killed and the test fails naming the command.
pub fn output_within(cmd: &mut Command, limit: Duration) -> std::io::Result<Output> {
    let shown = shown(cmd);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let Some(status) = wait_or_kill(&mut child, limit) else {
        panic!("{shown} ran past its limit of {limit:?} and was killed");
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Runs `cmd` within [`tool_limit`] with its output passed through.
pub fn status(cmd: &mut Command) -> std::io::Result<ExitStatus> {
    let shown = shown(cmd);
    let limit = tool_limit();
    let mut child = cmd.stdin(Stdio::null()).process_group(0).spawn()?;
    match wait_or_kill(&mut child, limit) {
        Some(status) => Ok(status),
        None => panic!("{shown} ran past its limit of {limit:?} and was killed"),
    }
}

/// Waits for a child the test started itself, at most `limit`; past it, kills
/// the child's process group (start it with `process_group(0)` so that is
/// all of it) and the child, and returns `None` for the caller to say what
/// hung.
pub fn wait_or_kill(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    wait_or_kill_watching(child, limit, || {})
}

/// [`wait_or_kill`], calling `meanwhile` at every poll while the child runs
/// (to look at what it does: its processes, its files).
pub fn wait_or_kill_watching(
    child: &mut Child,
    limit: Duration,
    mut meanwhile: impl FnMut(),
) -> Option<ExitStatus> {
    let status = poll_within(limit, || {
        let status = child.try_wait().expect("wait for a child process");
        if status.is_none() {
            meanwhile();
        }
        status
    });
    if status.is_none() {
        let pid = rustix::process::Pid::from_child(child);
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        let _ = child.kill();
        let _ = child.wait();
    }
    status
}

/// The tests' one bounded wait: asks `ready` every 20 ms until it gives a
/// value or `limit` has passed (`None`). For something observable (a
/// process gone, a file there), never a fixed sleep.
pub fn poll_within<T>(limit: Duration, mut ready: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = ready() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        // Polling, bounded by the deadline above.
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads a child's pipe to its end on a thread of its own, so a chatty
/// command never blocks on a full pipe while it is waited for.
pub fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// The command as a person would type it, for the failure message.
fn shown(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_within_its_limit_gives_its_output() {
        let out =
            output(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"])).unwrap();
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.code(), Some(3));
    }

    #[test]
    fn a_wait_ends_with_the_first_answer_or_at_its_limit() {
        let mut asked = 0;
        let got = poll_within(Duration::from_secs(10), || {
            asked += 1;
            (asked == 3).then_some(asked)
        });
        assert_eq!(got, Some(3));
        let started = Instant::now();
        assert_eq!(poll_within(Duration::from_millis(200), || None::<()>), None);
        assert!(started.elapsed() >= Duration::from_millis(200));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_watched_child_is_looked_at_while_it_runs_then_waited_for() {
        let mut child = Command::new("sh")
            .args(["-c", "sleep 0.3; exit 4"])
            .process_group(0)
            .spawn()
            .unwrap();
        let mut looked = 0;
        let status = wait_or_kill_watching(&mut child, Duration::from_secs(30), || looked += 1);
        assert_eq!(status.and_then(|s| s.code()), Some(4));
        assert!(looked > 0, "never looked at the running child");
    }

    #[test]
    fn a_command_past_its_limit_is_killed_with_its_children_and_named() {
        let dir = std::env::temp_dir().join(format!("test-support-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pidfile = dir.join("child.pid");
        let script = format!("sleep 300 & echo $! > {}; wait", pidfile.display());
        let started = Instant::now();
        let failure = std::panic::catch_unwind(|| {
            output_within(
                Command::new("sh").args(["-c", &script]),
                Duration::from_millis(500),
            )
        })
        .expect_err("the command ran past its limit");
        assert!(started.elapsed() < Duration::from_secs(30));
        let message = failure
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(message.starts_with("sh -c sleep 300"), "{message}");
        assert!(message.contains("limit of 500ms"), "{message}");
        // The shell's own child went with it: its process group was killed.
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        let gone = poll_within(Duration::from_secs(10), || {
            let alive = std::path::Path::new(&format!("/proc/{}", pid.trim())).exists()
                && !std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                    .unwrap_or_default()
                    .contains(") Z ");
            (!alive).then_some(())
        });
        assert!(gone.is_some(), "sleep {} outlived its group", pid.trim());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
