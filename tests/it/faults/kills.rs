//! Kills at named points and at timed moments of a run, a delivery and a journal append: the archive is whole after each.

#[allow(unused_imports)]
use super::*;

/// The run-time points, each with the visit to die at. `@2` hits the second
/// account's seal (or the second journal line), after one record is sealed.
pub(super) const RUN_POINTS: &[&str] = &[
    "capture.staged@1",
    "seal.begin@1",
    "seal.mid_write@1",
    "seal.before_rename@1",
    "seal.after_rename@1",
    "journal.before_append@1",
    "journal.mid_append@1",
    "journal.after_append@1",
    "seal.before_rename@2",
    "seal.after_rename@2",
    "journal.mid_append@2",
    // Two accounts captured at once, each in its own browser.
    "seal.after_rename@2 --jobs 2",
    "journal.mid_append@2 --jobs 2",
];

/// One killed run per point, each in its own period of one archive, then a
/// rerun; the archive must be whole after each.
pub(super) fn kill_at_points(points: &[&str], accounts: &[&str], first_year: i32) -> usize {
    let env = Env::new();
    let accs: Vec<_> = accounts.iter().map(|a| fixture(a)).collect();
    env.write("accounts.toml", &register(&accs));
    let mut survived = 0;
    let mut orphans = 0;
    for (i, point) in points.iter().enumerate() {
        let period = nth_period(first_year, i);
        let tmp = env.path(&format!("tmp-{i}"));
        std::fs::create_dir_all(&tmp).unwrap();
        let (fault, jobs) = point.split_once(" --jobs ").unwrap_or((point, "1"));
        let mut cmd = env.cmd(&["run", "--period", &period, "--retries", "0", "--jobs", jobs]);
        cmd.env("OGONBLICK_FAULT", fault).env("TMPDIR", &tmp);
        let (code, _, stderr) = run_bounded(cmd, Duration::from_secs(120));
        assert_eq!(
            code, None,
            "{point}: the run was not killed (the fault point was never reached)\n{stderr}"
        );
        assert!(
            stderr.contains("OGONBLICK_FAULT: killing myself"),
            "{stderr}"
        );
        orphans += reap_orphans(&tmp);
        // Straight after the kill: every record is complete or absent.
        for dir in record_dirs(&env.path("arkiv"), &period) {
            assert_complete(&dir);
        }
        let r = env.run(&["run", "--period", &period, "--retries", "0"]);
        assert_eq!(
            r.code, 0,
            "{point}: the rerun failed\n{}\n{}",
            r.stdout, r.stderr
        );
        let recs = record_dirs(&env.path("arkiv"), &period);
        assert_eq!(recs.len(), accounts.len(), "{point}: {recs:?}");
        recs.iter().for_each(|d| assert_complete(d));
        assert_no_temporaries(&env.path("arkiv"));
        assert_whole_lines(&env.path("arkiv/journal.jsonl"));
        assert_sealed_once(&env);
        let v = env.run(&["verify", "arkiv"]);
        assert_eq!(v.code, 0, "{point}: verify after the rerun:\n{}", v.stdout);
        survived += 1;
    }
    eprintln!("survived {survived} kills at named points; {orphans} Chromium browsers outlived their killed run");
    assert_eq!(orphans, 0, "Chromium outlived a killed ogonblick");
    survived
}

#[test]
pub(super) fn kill_9_at_named_points_of_the_first_seal() {
    assert_eq!(kill_at_points(&RUN_POINTS[..6], &["blogg-skolan"], 2019), 6);
}

#[test]
pub(super) fn kill_9_at_named_points_of_the_journal_and_the_second_seal() {
    assert_eq!(
        kill_at_points(&RUN_POINTS[6..], &["blogg-skolan", "x-kommun"], 2023),
        RUN_POINTS.len() - 6
    );
}

#[test]
pub(super) fn kill_9_at_timed_moments_of_a_run() {
    let env = Env::new();
    env.write("accounts.toml", &register(&[fixture("blogg-skolan")]));
    // An undisturbed run of the same register sets the time scale.
    let started = Instant::now();
    env.run(&["run", "--period", "2019-H1", "--retries", "0"])
        .expect(0);
    let full = started.elapsed();
    let kills = 6;
    let mut survived = 0;
    let mut orphans = 0;
    for k in 0..kills {
        let period = nth_period(2019, k + 1);
        let tmp = env.path(&format!("tmp-{k}"));
        std::fs::create_dir_all(&tmp).unwrap();
        let at = full.mul_f64((k as f64 + 0.5) / kills as f64);
        let mut child = env
            .cmd(&["run", "--period", &period, "--retries", "0"])
            .env("TMPDIR", &tmp)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL, wherever it is
        let _ = child.wait();
        orphans += reap_orphans(&tmp);
        for dir in record_dirs(&env.path("arkiv"), &period) {
            assert_complete(&dir);
        }
        let r = env.run(&["run", "--period", &period, "--retries", "0"]);
        assert_eq!(
            r.code, 0,
            "kill at {at:?}: rerun\n{}\n{}",
            r.stdout, r.stderr
        );
        assert_eq!(record_dirs(&env.path("arkiv"), &period).len(), 1);
        assert_no_temporaries(&env.path("arkiv"));
        assert_sealed_once(&env);
        let v = env.run(&["verify", "arkiv"]);
        assert_eq!(v.code, 0, "kill at {at:?}: verify\n{}", v.stdout);
        survived += 1;
    }
    eprintln!("survived {survived} timed kills (run of {full:?}); {orphans} Chromium browsers outlived their killed run");
    assert_eq!(orphans, 0, "Chromium outlived a killed ogonblick");
}

#[test]
pub(super) fn kill_9_during_a_delivery_and_a_journal_append_of_dnr() {
    let env = Env::new();
    env.write("accounts.toml", &register(&[fixture("blogg-skolan")]));
    env.run(&["run", "--period", "2024-H1"]).expect(0);

    // dnr: half a journal line, then death.
    let mut cmd = env.cmd(&["dnr", "2024-H1/blogg-skolan", "KS 2024/1"]);
    cmd.env("OGONBLICK_FAULT", "journal.mid_append");
    let (code, _, _) = run_bounded(cmd, Duration::from_secs(30));
    assert_eq!(code, None, "dnr was not killed");
    let torn = std::fs::read(env.path("arkiv/journal.jsonl")).unwrap();
    assert!(!torn.ends_with(b"\n"), "the fault wrote no half line");
    let r = env.run(&["dnr", "2024-H1/blogg-skolan", "KS 2024/1"]);
    r.expect(0);
    assert!(
        r.stderr.contains("torn"),
        "recovery is reported: {}",
        r.stderr
    );
    assert_whole_lines(&env.path("arkiv/journal.jsonl"));
    env.run(&["verify", "arkiv"]).expect(0);

    for (i, point) in [
        "deliver.mid_copy",
        "deliver.before_rename",
        "deliver.after_rename",
    ]
    .iter()
    .enumerate()
    {
        let out = format!("leverans-{i}");
        let mut cmd = env.cmd(&["deliver", "--period", "2024-H1", "--out", &out]);
        cmd.env("OGONBLICK_FAULT", point);
        let (code, _, stderr) = run_bounded(cmd, Duration::from_secs(60));
        assert_eq!(code, None, "{point}: deliver was not killed\n{stderr}");
        let r = env.run(&["deliver", "--period", "2024-H1", "--out", &out]);
        if *point == "deliver.after_rename" {
            // The bag is complete; it is never written over.
            r.expect(2);
            assert!(r.stderr.contains("exists"), "{}", r.stderr);
        } else {
            r.expect(0);
        }
        let (valid, text) = bagit_validate(&env.path(&out));
        assert!(valid, "{point}: {text}");
        env.run(&["verify", &out]).expect(0);
        assert_no_temporaries(env.dir.path());
        env.run(&["verify", "arkiv"]).expect(0);

        // The same kill in an E-ARK delivery: no half package, and the next
        // run writes it whole (or, killed after the rename, refuses to write
        // it again).
        let out = format!("e-arkiv-{i}");
        let args = [
            "deliver", "--period", "2024-H1", "--format", "eark", "--out", &out,
        ];
        let mut cmd = env.cmd(&args);
        cmd.env("OGONBLICK_FAULT", point);
        let (code, _, stderr) = run_bounded(cmd, Duration::from_secs(60));
        assert_eq!(code, None, "{point}: eark deliver was not killed\n{stderr}");
        let r = env.run(&args);
        r.expect(if *point == "deliver.after_rename" {
            2
        } else {
            0
        });
        let packages: Vec<_> = std::fs::read_dir(env.path(&out))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(packages.len(), 1, "{point}: {packages:?}");
        env.run(&["verify", packages[0].to_str().unwrap()])
            .expect(0);
        assert_no_temporaries(env.dir.path());
    }

    // One-page capture: killed with its staging directory full, then again.
    let url = server().url("/blogg/");
    for point in ["capture.staged", "seal.before_rename"] {
        let tmp = env.path("tmp-capture");
        std::fs::create_dir_all(&tmp).unwrap();
        let mut cmd = env.cmd(&["capture", &url, "--out", "enskild"]);
        cmd.env("OGONBLICK_FAULT", point).env("TMPDIR", &tmp);
        let (code, _, stderr) = run_bounded(cmd, Duration::from_secs(120));
        assert_eq!(code, None, "{point}: capture was not killed\n{stderr}");
        reap_orphans(&tmp);
        assert!(
            !env.path("enskild").exists(),
            "{point}: a half record has the record's name"
        );
    }
    env.run(&["capture", &url, "--out", "enskild"]).expect(0);
    assert_complete(&env.path("enskild"));
    let _ = std::fs::remove_dir_all(env.path("tmp-capture"));
    assert_no_temporaries(env.dir.path());
}
