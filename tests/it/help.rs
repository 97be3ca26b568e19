//! `--help` of every command: snapshots (insta) so that a change of help text
//! shows in review, and the rules every help keeps: each argument has a help
//! line, the same option has the same value name everywhere, `--pdfa` lists its
//! flavours, the top-level help gives the exit codes and examples.
//!
//! After changing a command's arguments, refresh the snapshots with
//! `INSTA_UPDATE=always cargo test -p cli --test it -- help` (or `cargo insta
//! review`) and read the diff in tests/it/snapshots/.

use std::collections::BTreeMap;

use crate::harness::Env;

/// Every command path, found by walking the "Commands:" sections of the help.
fn commands(env: &Env) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    let mut i = 0;
    while i < out.len() {
        let path = out[i].clone();
        for sub in subcommands(&help(env, &path)) {
            let mut p = path.clone();
            p.push(sub);
            out.push(p);
        }
        i += 1;
    }
    out
}

fn help(env: &Env, path: &[String]) -> String {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let r = env.run(&args);
    r.expect(0);
    r.stdout
}

fn subcommands(help: &str) -> Vec<String> {
    let Some(start) = help.find("\nCommands:\n") else {
        return Vec::new();
    };
    help[start + 11..]
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// `(flag or argument, value name, description)` of each entry of the
/// "Arguments:" and "Options:" sections.
fn entries(help: &str) -> Vec<(String, Option<String>, String)> {
    let mut out: Vec<(String, Option<String>, String)> = Vec::new();
    let mut in_section = false;
    for line in help.lines() {
        if line == "Arguments:" || line == "Options:" {
            in_section = true;
            continue;
        }
        if !line.starts_with(' ') {
            in_section = false;
            continue;
        }
        if !in_section {
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent <= 6
            && (trimmed.starts_with('-') || trimmed.starts_with('<') || trimmed.starts_with('['))
        {
            // "  -h, --help  Print help" / "  --archive <DIR>  The archive." / "  <URL>  The page."
            let (head, desc) = match trimmed.find("  ") {
                Some(i) => (&trimmed[..i], trimmed[i..].trim()),
                None => (trimmed, ""),
            };
            let flag = head
                .split([',', ' '])
                .map(str::trim)
                .find(|w| w.starts_with("--") || w.starts_with('<') || w.starts_with('['))
                .unwrap_or(head)
                .to_string();
            let value = head
                .split_whitespace()
                .find(|w| w.starts_with('<') && !flag.starts_with('<'))
                .map(|w| w.trim_end_matches("...").to_string());
            out.push((flag, value, desc.to_string()));
        } else if let Some(last) = out.last_mut() {
            last.2.push(' ');
            last.2.push_str(trimmed);
        }
    }
    out
}

/// What a description says once clap's own notes are taken off.
fn own_words(desc: &str) -> String {
    let mut s = desc.to_string();
    for note in ["[default:", "[possible values:", "[env:", "[aliases:"] {
        while let Some(i) = s.find(note) {
            let end = s[i..].find(']').map_or(s.len(), |j| i + j + 1);
            s.replace_range(i..end, "");
        }
    }
    s.trim().to_string()
}

#[test]
fn every_help_is_complete_consistent_and_snapshotted() {
    let env = Env::new();
    let mut value_names: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let commands = commands(&env);
    assert!(commands.len() > 10, "found only {commands:?}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    for path in &commands {
        let text = help(&env, path);
        let name = if path.is_empty() {
            "ogonblick".to_string()
        } else {
            format!("ogonblick {}", path.join(" "))
        };
        for (flag, value, desc) in entries(&text) {
            assert!(
                !own_words(&desc).is_empty(),
                "`{name} --help`: {flag} has no help line"
            );
            if let Some(v) = value {
                value_names
                    .entry(flag.clone())
                    .or_default()
                    .entry(v)
                    .or_default()
                    .push(name.clone());
            }
            if flag == "--pdfa" || flag == "--flavour" {
                for f in ["1b", "2b", "2u", "3b"] {
                    assert!(
                        desc.contains(f),
                        "`{name} --help`: {flag} does not list {f}: {desc}"
                    );
                }
            }
        }
        settings.bind(|| {
            insta::assert_snapshot!(name.replace(' ', "-"), text);
        });
    }
    // The same option takes the same kind of value everywhere (--out names a
    // directory or a file, depending on the command, and says which).
    for (flag, names) in &value_names {
        if flag == "--out" {
            assert!(
                names.keys().all(|v| v == "<DIR>" || v == "<FILE>"),
                "--out takes {names:?}"
            );
            continue;
        }
        assert_eq!(
            names.len(),
            1,
            "{flag} has different value names: {names:?}"
        );
    }
    for (flag, want) in [
        ("--archive", "<DIR>"),
        ("--register", "<FILE>"),
        ("--period", "<PERIOD>"),
    ] {
        if let Some(names) = value_names.get(flag) {
            assert!(
                names.contains_key(want),
                "{flag} should take {want}: {names:?}"
            );
        }
    }

    let top = help(&env, &[]);
    assert!(
        top.contains("Exit codes:") && top.contains("  2  could not run"),
        "{top}"
    );
    assert_eq!(
        top.matches("\n  ogonblick ").count(),
        3,
        "three examples:\n{top}"
    );
}

#[test]
fn the_help_checks_see_a_missing_help_line() {
    let help = "Usage: x\n\nOptions:\n      --archive <DIR>  [default: arkiv]\n      --json  Print JSON.\n  -h, --help  Print help\n";
    let e = entries(help);
    assert_eq!(e.len(), 3, "{e:?}");
    assert_eq!(e[0].0, "--archive");
    assert_eq!(e[0].1.as_deref(), Some("<DIR>"));
    assert!(own_words(&e[0].2).is_empty());
    assert_eq!(own_words(&e[1].2), "Print JSON.");
}
