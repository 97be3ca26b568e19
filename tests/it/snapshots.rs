//! Output people read, pinned by insta snapshots so that a change to it shows
//! in review: the register's diagnostics, `run`'s closing table and
//! `verify`'s report on a tampered archive. Volatile parts (times, hashes,
//! durations, temp paths, ports) are filtered to fixed placeholders.
//! Update with `INSTA_UPDATE=always cargo test --test it -- snapshots` and
//! review the `.snap` diff.

use crate::harness::{fixture, register, Env};

/// Filters for what differs between runs.
fn settings(env: &Env) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_snapshot_path("snapshots");
    let dir = regex_escape(&env.dir.path().to_string_lossy());
    s.add_filter(&dir, "[TMP]");
    s.add_filter(r"\b[0-9a-f]{64}\b", "[SHA256]");
    s.add_filter(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
        "[TIME]",
    );
    s.add_filter(r"\b\d{4}-H[12]\b", "[PERIOD]");
    s.add_filter(r"\b\d+(\.\d+)? ?(s|ms)\b", "[DURATION]");
    s.add_filter(r"\d+(\.\d+)? (KiB|MiB|GiB|B)\b", "[SIZE]");
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    // The closing table's seconds column.
    s.add_filter(r"(?m)^(\S+ +\S+ +\d+ +)\d+\.\d", "${1}[SECS]");
    // Said only when the tests run as root (CI does; a developer may not).
    s.add_filter(
        r"(?m)^.*sandbox was off because ogonblick ran as root.*\n",
        "",
    );
    s.add_filter(r"localhost:\d+", "localhost:[PORT]");
    s
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn register_diagnostics() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        "[organisation]\nname = \"K\"\narchive_creator = \"KS\"\norganisation_number = \"212000-9995\"\n\n\
         [[account]]\nid = \"Fel Id\"\nplatform = \"myspace\"\nname = \"K\"\nurl = \"ftp://example.se/\"\n\
         unit = \"U\"\nboard = \"KS\"\npurpose = \"P\"\naudience = \"A\"\nresponsible = { name = \"R\" }\n\
         opened = 2030-01-01\nclosed = 2020-01-01\n\n\
         [[account]]\nid = \"fb\"\nplatform = \"facebook\"\nname = \"K\"\nurl = \"https://www.facebook.com/k\"\n\
         unit = \"U\"\nboard = \"KS\"\npurpose = \"P\"\naudience = \"A\"\nresponsible = { name = \"R\" }\n\
         opened = 2014-03-01\n",
    );
    let r = env.run(&["accounts", "check"]);
    r.expect(2);
    settings(&env).bind(|| insta::assert_snapshot!("register_diagnostics", r.stderr));
}

#[test]
fn closing_table_and_verify_of_a_tampered_archive() {
    let env = Env::new();
    env.write("accounts.toml", &register(&[fixture("blogg-skolan")]));
    let run = env.run(&["run", "--period", "2025-H1"]);
    run.expect(0);
    // One raw file of the sealed record changed behind the archive's back.
    let tile = env.path("arkiv/2025-H1/blogg-skolan/capture/01-start/tile-001.png");
    let mut mode = std::fs::metadata(&tile).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    mode.set_readonly(false);
    std::fs::set_permissions(&tile, mode).unwrap();
    let mut bytes = std::fs::read(&tile).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    std::fs::write(&tile, bytes).unwrap();
    let verify = env.run(&["verify", "arkiv"]);
    verify.expect(1);
    settings(&env).bind(|| {
        insta::assert_snapshot!("closing_table", run.stdout);
        insta::assert_snapshot!("verify_tampered", verify.stdout);
    });
}
