//! A closed stdout ends no command: `ogonblick status | head -1` exits with
//! the code it would have had, quietly.
//!
//! Rust ignores SIGPIPE, so a write to a pipe whose reader has gone fails,
//! and `println!` panics on that (exit 101). When stdout is a pipe or a
//! socket, the program's fd 1 becomes a pipe of its own, and a thread passes
//! every byte on to the real stdout, dropping them once the reader has gone:
//! every command keeps its own `println!`, runs to its end and exits as
//! docs/commands.md says.

use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// The running relay; [`Relay::finish`] passes on the rest before exit.
pub struct Relay {
    done: mpsc::Receiver<()>,
    /// True while the relay waits for bytes, false while it writes them on.
    reading: Arc<AtomicBool>,
}

/// Starts the relay when stdout is a pipe or a socket (a terminal or a file
/// cannot close under us); `None` leaves stdout as it is.
pub fn start() -> Option<Relay> {
    let kind = std::fs::metadata("/proc/self/fd/1").ok()?.file_type();
    if !(kind.is_fifo() || kind.is_socket()) {
        return None;
    }
    let real: OwnedFd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let (mut reader, writer) = std::io::pipe().ok()?;
    let (tx, done) = mpsc::channel();
    let reading = Arc::new(AtomicBool::new(true));
    let state = Arc::clone(&reading);
    std::thread::Builder::new()
        .name("stdout-relay".into())
        .spawn(move || {
            let mut real = std::fs::File::from(real);
            let mut buf = vec![0u8; 64 * 1024];
            let mut open = true;
            loop {
                state.store(true, Ordering::SeqCst);
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        state.store(false, Ordering::SeqCst);
                        // Once the reader has gone, the rest is dropped.
                        if open && real.write_all(&buf[..n]).is_err() {
                            open = false;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send(());
        })
        .ok()?;
    std::io::stdout().flush().ok()?;
    rustix::stdio::dup2_stdout(&writer).ok()?;
    Some(Relay { done, reading })
}

impl Relay {
    /// Flushes stdout, closes the program's end of the pipe and waits until
    /// the relay has passed everything on: as long as a slow reader (a
    /// pager) takes it, but not longer than ten seconds of nothing to pass
    /// on (a child that kept the pipe open would otherwise hold the exit).
    pub fn finish(self) {
        let _ = std::io::stdout().flush();
        if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
            let _ = rustix::stdio::dup2_stdout(&null);
        }
        let mut idle_since = Instant::now();
        loop {
            match self.done.recv_timeout(Duration::from_millis(200)) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if !self.reading.load(Ordering::SeqCst) {
                        idle_since = Instant::now();
                    } else if idle_since.elapsed() > Duration::from_secs(10) {
                        return;
                    }
                }
            }
        }
    }
}
