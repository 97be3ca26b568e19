//! A full disk: exit 2 naming the path, and the archive still verifies.

#[allow(unused_imports)]
use super::*;

/// A tmpfs of `size` mounted at `dir`, unmounted on drop.
pub(crate) struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    pub(crate) fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = test_support::output(
            Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
                .arg(dir),
        )
        .expect("mount (util-linux)");
        assert!(
            out.status.success(),
            "cannot mount a {size} tmpfs at {} (the disk-full test needs root or CAP_SYS_ADMIN): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs {
            dir: dir.to_path_buf(),
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = test_support::status(Command::new("umount").arg("-l").arg(&self.dir));
    }
}

/// Fills the file system of `dir` leaving about `free` bytes.
pub(crate) fn fill(dir: &Path, free: u64) -> PathBuf {
    let filler = dir.join("fyllnad.bin");
    let avail = avail(dir);
    let size = avail.saturating_sub(free);
    let f = std::fs::File::create(&filler).unwrap();
    let mut w = std::io::BufWriter::new(f);
    let chunk = vec![0x5au8; 64 * 1024];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        if std::io::Write::write_all(&mut w, &chunk[..n]).is_err() {
            break;
        }
        left -= n as u64;
    }
    let _ = std::io::Write::flush(&mut w);
    filler
}

/// Bytes free on the file system of `dir`.
pub(crate) fn avail(dir: &Path) -> u64 {
    let out = test_support::output(Command::new("df").args(["-B1", "--output=avail"]).arg(dir))
        .expect("df (coreutils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .expect("df output")
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
pub(super) fn a_full_disk_is_exit_2_naming_the_path_and_the_archive_still_verifies() {
    let env = Env::new();
    env.write("accounts.toml", &register(&[fixture("blogg-skolan")]));
    let mnt = env.path("disk");
    let _fs = Tmpfs::mount(&mnt, "32m");
    let archive = mnt.join("arkiv");
    let archive_s = archive.to_str().unwrap().to_string();
    let chrome_tmp = env.path("tmp-chrome");
    std::fs::create_dir_all(&chrome_tmp).unwrap();
    let run = |period: &str| {
        let mut cmd = env.cmd(&[
            "run",
            "--period",
            period,
            "--retries",
            "0",
            "--archive",
            &archive_s,
        ]);
        cmd.env("TMPDIR", &chrome_tmp);
        run_bounded(cmd, Duration::from_secs(120))
    };
    // Calibration: what one record of this account costs on this disk.
    env.run(&["dnr", "x/y", "KS 1", "--archive", &archive_s])
        .expect(2); // creates the archive
    let before = avail(&mnt);
    let (code, _, stderr) = run("2019-H1");
    assert_eq!(code, Some(0), "{stderr}");
    let whole = before - avail(&mnt);
    let pdf = std::fs::metadata(archive.join("2019-H1/blogg-skolan/snapshot.pdf"))
        .unwrap()
        .len();
    let raw = whole.saturating_sub(pdf + 16 * 1024);
    // Less room than the record needs, cut at each phase: while the raw
    // files are written, while the PDF is written, while record.json, the
    // manifest and the journal line are written.
    let levels = [
        16 << 10,
        raw / 2,
        raw + pdf / 2,
        whole - 8 * 1024,
        whole - 4 * 1024,
    ];
    let mut full_runs = 0;
    let mut phases = Vec::new();
    for (i, free) in levels.iter().enumerate() {
        let period = nth_period(2019, i + 1);
        let filler = fill(&mnt, *free);
        let (code, stdout, stderr) = run(&period);
        let recs = record_dirs(&archive, &period);
        recs.iter().for_each(|d| assert_complete(d));
        match code {
            Some(2) => {
                full_runs += 1;
                assert!(
                    recs.is_empty(),
                    "free {free}: a record was sealed by a failed run"
                );
                assert!(
                    stderr.contains("No space left on device") && stderr.contains("disk is full"),
                    "free {free}: unclear message:\n{stderr}"
                );
                assert!(
                    stderr.contains(&archive_s),
                    "free {free}: the message names no path in the archive:\n{stderr}"
                );
                let cause = stderr.lines().find(|l| l.contains("cannot ")).unwrap_or("");
                let file = cause.rsplit('/').next().unwrap_or("").to_string();
                eprintln!("free {free} B: exit 2 at {file}");
                phases.push(file);
            }
            Some(0) => assert_eq!(recs.len(), 1),
            other => panic!("free {free}: exit {other:?}\n{stdout}\n{stderr}"),
        }
        assert_no_temporaries(&archive);
        assert_whole_lines(&archive.join("journal.jsonl"));
        let v = env.run(&["verify", &archive_s]);
        assert_eq!(
            v.code, 0,
            "free {free}: verify on a full disk:\n{}",
            v.stdout
        );
        // Room again: the rerun finishes the period.
        std::fs::remove_file(&filler).unwrap();
        let (code, _, stderr) = run(&period);
        assert_eq!(code, Some(0), "free {free}: rerun with room: {stderr}");
        assert_eq!(record_dirs(&archive, &period).len(), 1);
    }
    assert_sealed_once(&env_at(&archive));
    env.run(&["verify", &archive_s]).expect(0);
    assert!(full_runs >= 3, "only {full_runs} runs met a full disk");
    eprintln!(
        "disk full: record {whole} B (PDF {pdf} B); {full_runs} of {} runs stopped with exit 2, at {phases:?}",
        levels.len()
    );

    // A delivery onto the full disk: refused, no partial bag left beside it.
    let filler = fill(&mnt, 64 << 10);
    let lev = mnt.join("leverans");
    let r = env.run(&[
        "deliver",
        "--period",
        "2019-H1",
        "--out",
        lev.to_str().unwrap(),
        "--archive",
        &archive_s,
    ]);
    r.expect(2);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert!(!lev.exists(), "a partial delivery has the bag's name");
    assert_no_temporaries(&mnt);
    std::fs::remove_file(filler).unwrap();

    // A journal append on a full disk: dnr until the disk refuses.
    let filler = fill(&mnt, 0);
    let mut refused = false;
    for n in 0..40 {
        let r = env.run(&[
            "dnr",
            "2019-H1/blogg-skolan",
            &format!("KS 2019/{n}"),
            "--archive",
            &archive_s,
        ]);
        assert_whole_lines(&archive.join("journal.jsonl"));
        if r.code == 2 {
            assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
            refused = true;
            break;
        }
        r.expect(0);
    }
    assert!(refused, "the journal never ran out of room");
    let v = env.run(&["verify", &archive_s]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    std::fs::remove_file(filler).unwrap();
}

/// An `Env` view whose journal is `archive/journal.jsonl`.
pub(super) fn env_at(archive: &Path) -> Env {
    let env = Env::new();
    std::os::unix::fs::symlink(archive, env.path("arkiv")).unwrap();
    env
}
