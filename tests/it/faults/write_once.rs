//! Write-once: no command modifies or replaces a sealed record.

#[allow(unused_imports)]
use super::*;

/// (inode, mtime, size, mode, content) of every file under `dir`.
pub(super) fn fingerprint(dir: &Path) -> BTreeMap<PathBuf, (u64, i64, u64, u32, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() || e.file_type().is_dir())
        .map(|e| {
            let m = e.metadata().unwrap();
            let content = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (
                e.path().to_path_buf(),
                (
                    m.ino(),
                    m.mtime_nsec() + m.mtime() * 1_000_000_000,
                    m.size(),
                    m.mode(),
                    content,
                ),
            )
        })
        .collect()
}

#[test]
pub(super) fn no_command_modifies_or_replaces_a_sealed_record() {
    let env = Env::new();
    env.write("accounts.toml", &register(&[fixture("blogg-skolan")]));
    env.run(&["run", "--period", "2024-H1"]).expect(0);
    let rec = env.path("arkiv/2024-H1/blogg-skolan");
    let before = fingerprint(&rec);
    for (p, (_, _, _, mode, _)) in &before {
        let want = if p.is_dir() { 0o555 } else { 0o444 };
        assert_eq!(mode & 0o777, want, "{} is writable", p.display());
    }
    let url = server().url("/blogg/");
    let id = "2024-H1/blogg-skolan";
    let rec_s = rec.to_str().unwrap().to_string();
    let steps: Vec<(Vec<&str>, i32)> = vec![
        (vec!["run", "--period", "2024-H1"], 0),
        (
            vec![
                "run",
                "--period",
                "2024-H1",
                "--only",
                "blogg-skolan",
                "--jobs",
                "2",
            ],
            0,
        ),
        (vec!["capture", &url, "--out", &rec_s], 2),
        (
            vec![
                "evidence",
                &url,
                "--account",
                "blogg-skolan",
                "--reason",
                "Bevis",
            ],
            0,
        ),
        (vec!["dnr", id, "KS 2024/9"], 0),
        (vec!["dnr", id, "KS 2024/10"], 0),
        (vec!["deliver", "--period", "2024-H1", "--out", "lev"], 0),
        (vec!["verify", "arkiv"], 0),
        (vec!["verify", &rec_s], 0),
        (vec!["verify", "arkiv/2024-H1/blogg-skolan/snapshot.pdf"], 0),
        (
            vec!["pdfa", "check", "arkiv/2024-H1/blogg-skolan/snapshot.pdf"],
            0,
        ),
        (vec!["close", "blogg-skolan"], 0),
    ];
    for (args, want) in &steps {
        let r = env.run(args);
        assert_eq!(r.code, *want, "{args:?}\n{}\n{}", r.stdout, r.stderr);
        assert_eq!(
            fingerprint(&rec),
            before,
            "`ogonblick {}` changed the sealed record",
            args.join(" ")
        );
    }
    // A run while another holds the archive: refused, nothing written.
    let lock = std::fs::File::open(env.path("arkiv/.lock")).unwrap();
    lock.lock().unwrap();
    let r = env.run(&["run", "--period", "2024-H1"]);
    r.expect(2);
    assert!(r.stderr.contains("in use"), "{}", r.stderr);
    drop(lock);
    assert_sealed_once(&env);
    assert_eq!(
        env.events("record.sealed").len(),
        3,
        "halvår + evidence + final"
    );
    env.run(&["verify", "arkiv"]).expect(0);
    eprintln!(
        "write-once: {} commands left the record untouched",
        steps.len() + 1
    );
}
