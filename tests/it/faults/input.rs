//! Bad input: fuzzed registers, manifests, bags and PDFs never panic or hang; paths that escape are refused.

#[allow(unused_imports)]
use super::*;

/// xorshift64*: the same cases on every run, so a failure reproduces.
pub(super) struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Mutates `input`: flips, deletions, duplications, cuts and hostile tokens.
pub(super) fn mutate(rng: &mut Rng, input: &[u8], tokens: &[&[u8]]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(6) {
            0 if !b.is_empty() => {
                let i = at.min(b.len() - 1);
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let end = (at + rng.below(64)).min(b.len());
                b.drain(at..end);
            }
            2 => {
                let end = (at + rng.below(128)).min(b.len());
                let piece = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
            3 => b.truncate(at),
            4 => {
                let t = tokens[rng.below(tokens.len())];
                b.splice(at..at, t.iter().copied());
            }
            _ => {
                let n = rng.below(16);
                let noise: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                b.splice(at..at, noise);
            }
        }
    }
    b
}

/// Runs the binary on bad input: it must end in time, with 0, 1 or 2, and
/// say something when it refuses.
#[track_caller]
pub(super) fn check_bad_input(env: &Env, args: &[&str], case: &str) -> i32 {
    let (code, stdout, stderr) = run_bounded(env.cmd(args), Duration::from_secs(30));
    let code =
        code.unwrap_or_else(|| panic!("{case}: killed by a signal (stack overflow?)\n{stderr}"));
    assert!(
        matches!(code, 0..=2),
        "{case}: exit {code} (a panic is 101)\n{stdout}\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{case}: {stderr}");
    if code == 2 {
        assert!(
            stderr.contains("error:"),
            "{case}: exit 2 without a message"
        );
    }
    code
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
pub(super) fn fuzzed_registers_manifests_bags_and_pdfs_never_panic_or_hang() {
    let env = Env::new();
    let mut rng = Rng(0x0960_b11c_2026);
    let mut counts = BTreeMap::new();

    // The register parser, through `accounts check`.
    let good = register(&[fixture("facebook-kommun"), fixture("x-kommun")]);
    let toml_tokens: &[&[u8]] = &[
        b"\n[[account]]\n",
        b"\"\"\"",
        b"=",
        b"[",
        b"]",
        b"{",
        b"}",
        b"\\u0000",
        b"\n[organisation]\n",
        b"url = \"file:///etc/passwd\"\n",
        b"opened = 9999-99-99\n",
        b"\xff\xfe",
        b"id = \"../../x\"\n",
        b"#",
        b"'''",
        b"\t",
        b"1e400",
    ];
    for i in 0..200 {
        let text = mutate(&mut rng, good.as_bytes(), toml_tokens);
        std::fs::write(env.path("accounts.toml"), &text).unwrap();
        let code = check_bad_input(&env, &["accounts", "check"], &format!("register case {i}"));
        *counts.entry(("register", code)).or_insert(0) += 1;
    }

    // verify on record directories with mutated manifests.
    let rec = env.path("rec");
    std::fs::create_dir_all(rec.join("capture")).unwrap();
    std::fs::write(rec.join("capture/a.txt"), "hej\n").unwrap();
    std::fs::write(rec.join("record.json"), "{}\n").unwrap();
    std::fs::write(rec.join("snapshot.pdf"), "%PDF-1.4\n%%EOF\n").unwrap();
    let sha = |b: &[u8]| -> String {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(b))
    };
    let manifest = format!(
        "{}  capture/a.txt\n{}  record.json\n{}  snapshot.pdf\n",
        sha(b"hej\n"),
        sha(b"{}\n"),
        sha(b"%PDF-1.4\n%%EOF\n")
    );
    let path_tokens: &[&[u8]] = &[
        b"../",
        b"/etc/passwd",
        b"  ",
        b"*",
        b"\n",
        b"\r\n",
        b"\\",
        b"C:",
        b"%2e%2e/",
        b"\x00",
        b"//",
        b"./",
        b"capture/../../x",
    ];
    for i in 0..120 {
        let text = mutate(&mut rng, manifest.as_bytes(), path_tokens);
        let mpath = rec.join("manifest-sha256.txt");
        let _ = std::fs::remove_file(&mpath);
        std::fs::write(&mpath, &text).unwrap();
        let code = check_bad_input(&env, &["verify", "rec"], &format!("manifest case {i}"));
        *counts.entry(("manifest", code)).or_insert(0) += 1;
    }

    // verify on bags made by bagit.py, then mutated tag files and manifests.
    let src = env.path("bagsrc");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.txt"), "ögonblick\n").unwrap();
    std::fs::write(src.join("b.txt"), "bild\n").unwrap();
    let made = test_support::output(
        Command::new("python3")
            .args(["-m", "bagit", "--sha256"])
            .arg(&src),
    )
    .expect("python3 -m bagit (pip install bagit)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    env.run(&["verify", "bagsrc"]).expect(0);
    let names = [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
    ];
    let originals: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(src.join(n)).unwrap())
        .collect();
    for i in 0..120 {
        let k = rng.below(names.len());
        let text = mutate(&mut rng, &originals[k], path_tokens);
        std::fs::write(src.join(names[k]), &text).unwrap();
        let code = check_bad_input(
            &env,
            &["verify", "bagsrc"],
            &format!("bag case {i} ({})", names[k]),
        );
        *counts.entry(("bag", code)).or_insert(0) += 1;
        std::fs::write(src.join(names[k]), &originals[k]).unwrap();
    }

    // pdfa check and verify on mutated PDFs made by Ghostscript.
    let pdf = env.path("gs.pdf");
    let made = test_support::output(
        Command::new("gs")
            .args(["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-o"])
            .arg(&pdf)
            .args([
                "-c",
                "/Helvetica findfont 24 scalefont setfont 72 720 moveto (Hej) show showpage",
            ]),
    )
    .expect("gs (apt-get install ghostscript)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let original = std::fs::read(&pdf).unwrap();
    let pdf_tokens: &[&[u8]] = &[
        b" obj ",
        b"endobj",
        b"stream\n",
        b"endstream",
        b" 0 R ",
        b"<<",
        b">>",
        b"[",
        b"]",
        b"/Length 99999999999",
        b"xref\n0 999999999\n",
        b"trailer",
        b"startxref\n-1\n",
        b"(\\",
        b"/Filter /FlateDecode",
    ];
    for i in 0..150 {
        let bytes = mutate(&mut rng, &original, pdf_tokens);
        std::fs::write(env.path("m.pdf"), &bytes).unwrap();
        let code = check_bad_input(&env, &["pdfa", "check", "m.pdf"], &format!("pdf case {i}"));
        *counts.entry(("pdfa check", code)).or_insert(0) += 1;
        if i % 5 == 0 {
            let code = check_bad_input(&env, &["verify", "m.pdf"], &format!("verify pdf case {i}"));
            *counts.entry(("verify pdf", code)).or_insert(0) += 1;
        }
    }
    // Deep nesting is where recursive parsers overflow their stack.
    for (i, open) in [&b"["[..], b"<<", b"<</A "].iter().enumerate() {
        let mut bytes = b"%PDF-1.4\n1 0 obj\n".to_vec();
        for _ in 0..100_000 {
            bytes.extend_from_slice(open);
        }
        bytes.extend_from_slice(b"\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n");
        std::fs::write(env.path("deep.pdf"), &bytes).unwrap();
        let code = check_bad_input(
            &env,
            &["pdfa", "check", "deep.pdf"],
            &format!("deep pdf {i}"),
        );
        assert_ne!(code, 0);
        let code = check_bad_input(
            &env,
            &["verify", "deep.pdf"],
            &format!("verify deep pdf {i}"),
        );
        assert_ne!(code, 0);
    }
    let total: usize = counts.values().sum();
    eprintln!("fuzz: {total} cases, exit codes {counts:?}");
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
pub(super) fn manifest_paths_that_escape_the_bag_or_record_are_refused_never_followed() {
    let env = Env::new();
    let sha = |b: &[u8]| -> String {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(b))
    };
    // A file outside, listed with its true hash: following the path would verify.
    let outside = env.path("hemlig.txt");
    std::fs::write(&outside, "utanför\n").unwrap();
    let h = sha(b"utanf\xc3\xb6r\n");
    let abs = outside.to_str().unwrap().to_string();

    // Record directories.
    let cases = [
        ("dotdot", format!("{h}  ../hemlig.txt\n")),
        ("dotdot-inner", format!("{h}  capture/../../hemlig.txt\n")),
        ("absolute", format!("{h}  {abs}\n")),
        ("symlink", format!("{h}  capture/lank.txt\n")),
        ("symlinked-dir", format!("{h}  ut/hemlig.txt\n")),
    ];
    for (name, line) in &cases {
        let rec = env.path(&format!("rec-{name}"));
        std::fs::create_dir_all(rec.join("capture")).unwrap();
        std::fs::write(rec.join("record.json"), "{}\n").unwrap();
        let mut manifest = format!("{}  record.json\n", sha(b"{}\n"));
        manifest += line;
        std::fs::write(rec.join("manifest-sha256.txt"), manifest).unwrap();
        if *name == "symlink" {
            std::os::unix::fs::symlink(&outside, rec.join("capture/lank.txt")).unwrap();
        }
        if *name == "symlinked-dir" {
            std::os::unix::fs::symlink(env.dir.path(), rec.join("ut")).unwrap();
        }
        let r = env.run(&["verify", &format!("rec-{name}")]);
        r.expect(1);
        assert!(
            r.stdout.contains("refused") || r.stdout.contains("MISSING"),
            "{name}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains("OK:"), "{name}: {}", r.stdout);
    }

    // BagIt bags.
    let src = env.path("bag");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.txt"), "a\n").unwrap();
    let made = test_support::output(
        Command::new("python3")
            .args(["-m", "bagit", "--sha256"])
            .arg(&src),
    )
    .expect("python3 -m bagit");
    assert!(made.status.success());
    let manifest = std::fs::read_to_string(src.join("manifest-sha256.txt")).unwrap();
    let tagmanifest = std::fs::read_to_string(src.join("tagmanifest-sha256.txt")).unwrap();
    for (name, extra) in [
        ("dotdot", format!("{h}  data/../../hemlig.txt\n")),
        ("absolute", format!("{h}  {abs}\n")),
        ("symlink", format!("{h}  data/lank.txt\n")),
    ] {
        let bag = env.path(&format!("bag-{name}"));
        let _ = test_support::status(Command::new("cp").arg("-a").arg(&src).arg(&bag));
        let m = format!("{manifest}{extra}");
        std::fs::write(bag.join("manifest-sha256.txt"), &m).unwrap();
        // Keep the tag manifest honest so only the escape is wrong.
        let tm: String = tagmanifest
            .lines()
            .map(|l| {
                if l.ends_with(" manifest-sha256.txt") {
                    format!("{}  manifest-sha256.txt\n", sha(m.as_bytes()))
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(bag.join("tagmanifest-sha256.txt"), tm).unwrap();
        if name == "symlink" {
            std::os::unix::fs::symlink(&outside, bag.join("data/lank.txt")).unwrap();
        }
        let r = env.run(&["verify", &format!("bag-{name}")]);
        r.expect(1);
        assert!(!r.stdout.contains("OK:"), "{name}: {}", r.stdout);
    }

    // An archive whose record directory is a symlink to a record elsewhere.
    let elsewhere = env.path("annan");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let arkiv = env.path("arkiv");
    std::fs::create_dir_all(arkiv.join("2024-H1")).unwrap();
    std::fs::write(arkiv.join("journal.jsonl"), "").unwrap();
    let rec = elsewhere.join("x");
    std::fs::create_dir_all(&rec).unwrap();
    std::fs::write(rec.join("record.json"), "{}\n").unwrap();
    std::fs::write(
        rec.join("manifest-sha256.txt"),
        format!("{}  record.json\n", sha(b"{}\n")),
    )
    .unwrap();
    std::os::unix::fs::symlink(&rec, arkiv.join("2024-H1/x")).unwrap();
    let r = env.run(&["verify", "arkiv"]);
    r.expect(1);
    assert!(
        r.stdout.contains("UNEXPECTED") && r.stdout.contains("2024-H1/x"),
        "{}",
        r.stdout
    );
    // Opening the archive (dnr) must not adopt it as a sealed record.
    env.run(&["dnr", "2024-H1/x", "KS 1"]).expect(2);
    assert!(
        !std::fs::read_to_string(arkiv.join("journal.jsonl"))
            .unwrap()
            .contains("record.sealed"),
        "a symlinked record was journaled as sealed"
    );
}
