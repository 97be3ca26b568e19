//! accounts.toml: the good register loads, every malformed one is caught with its line.

use std::path::Path;

use registry::{Diagnostic, Error, Severity};

use crate::common::fixtures;

fn errors(text: &str) -> Vec<Diagnostic> {
    match registry::parse(text, Path::new("accounts.toml")) {
        Ok((_, w)) => panic!("expected errors, got a register with warnings {w:?}"),
        Err(Error::Register { diagnostics, .. }) => diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect(),
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}

#[test]
fn good_register_loads() {
    let (reg, warnings) = registry::load(&fixtures().join("good.toml")).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(reg.organisation.name, "Gislaveds kommun");
    // Told when the scheduled job needs a human; not part of the organisation
    // every record copies.
    assert_eq!(
        reg.archivist.as_ref().and_then(|c| c.email.as_deref()),
        Some("arkiv@example.se")
    );
    assert_eq!(reg.accounts.len(), 3);
    assert_eq!(reg.accounts[2].closed.unwrap().to_string(), "2026-09-30");
    assert_eq!(
        reg.accounts[2].retention,
        model::Retention::GallrasVidInaktualitet
    );
    let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let open: Vec<&str> = reg
        .open_accounts(on)
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(open, ["facebook-kommun", "instagram-bibliotek"]);
}

#[test]
fn policy_warnings_are_not_errors() {
    let (reg, warnings) = registry::load(&fixtures().join("warnings.toml")).unwrap();
    assert_eq!(reg.accounts.len(), 1);
    let fields: Vec<_> = warnings
        .iter()
        .map(|w| (w.severity, w.field.clone().unwrap_or_default()))
        .collect();
    assert!(
        fields.contains(&(Severity::Warning, "deputy".into())),
        "{warnings:?}"
    );
    assert!(
        fields.contains(&(Severity::Warning, "administrators".into())),
        "{warnings:?}"
    );
    assert!(
        fields.contains(&(Severity::Warning, "organisation_number".into())),
        "{warnings:?}"
    );
    let admin = warnings
        .iter()
        .find(|w| w.field.as_deref() == Some("administrators"))
        .unwrap();
    assert_eq!(admin.line, 16, "{admin}");
}

/// Every file in fixtures/registers/bad says on line 1 which line and field must be reported.
#[test]
fn every_malformed_register_is_reported_with_its_line() {
    let dir = fixtures().join("bad");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# expect: line ")
            .unwrap();
        let (line, rest) = expect.split_once(" field ").unwrap();
        let (field, msg) = rest
            .split_once(": ")
            .unwrap_or((rest.trim_end_matches(':'), ""));
        let line: usize = line.parse().unwrap();
        let errs = errors(&text);
        let found = errs.iter().any(|d| {
            d.line == line
                && (field == "-" || d.field.as_deref() == Some(field))
                && d.message.contains(msg)
                && d.to_string().starts_with(&format!("accounts.toml:{line}:"))
        });
        assert!(
            found,
            "{}: expected an error at line {line} field {field} containing {msg:?}, got:\n{}",
            path.display(),
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        n += 1;
    }
    assert!(n >= 20, "only {n} malformed registers");
}

#[test]
fn all_problems_are_reported_not_just_the_first() {
    let text = std::fs::read_to_string(fixtures().join("good.toml")).unwrap();
    let text = text
        .replace(
            "url = \"https://www.facebook.com/gislavedskommun\"",
            "url = \"ftp://x\"\ncolour = 1",
        )
        .replace("platform = \"instagram\"", "platform = \"myspace\"");
    let errs = errors(&text);
    assert!(errs.len() >= 3, "{errs:?}");
    let shown = errs[0].to_string();
    assert!(
        shown.contains("error: account `facebook-kommun` field `url`: "),
        "{shown}"
    );
}

#[test]
fn random_bytes_never_panic() {
    // A small deterministic xorshift; mutations of the good register and pure noise.
    let good = std::fs::read(fixtures().join("good.toml")).unwrap();
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for round in 0..3000 {
        let mut bytes = if round % 3 == 0 {
            (0..(next() % 400))
                .map(|_| next() as u8)
                .collect::<Vec<u8>>()
        } else {
            good.clone()
        };
        for _ in 0..(next() % 8) {
            if bytes.is_empty() {
                break;
            }
            let i = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[i] = next() as u8,
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, b"=[]{}\"'\n#.,:-0"[(next() % 14) as usize]),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match registry::parse(&text, Path::new("fuzz.toml")) {
            Ok(_) => {}
            Err(Error::Register { diagnostics, .. }) => {
                assert!(!diagnostics.is_empty());
                for d in diagnostics {
                    assert!(d.line >= 1 && d.column >= 1);
                }
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
}

#[test]
fn not_utf8_is_an_error_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("accounts.toml");
    std::fs::write(&p, b"[organisation]\nname = \"G\xe4vle\"\n").unwrap();
    match registry::load(&p) {
        Err(Error::Register { diagnostics, .. }) => assert_eq!(diagnostics[0].line, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_same_administrator_twice_counts_once() {
    let text = std::fs::read_to_string(fixtures().join("good.toml"))
        .unwrap()
        .replace(
            "administrators = [\"Anna Andersson\", \"Bo Berg\"]",
            "administrators = [\"Anna Andersson\", \"anna andersson \"]",
        );
    let (_, warnings) = registry::parse(&text, Path::new("accounts.toml")).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.field.as_deref() == Some("administrators")
                && w.account.as_deref() == Some("facebook-kommun")),
        "{warnings:?}"
    );
}

/// An account is passive only when its newest post is surely older than the
/// limit: a date read from the text counts with the last day it can mean.
#[test]
fn a_relative_newest_post_counts_with_its_last_possible_day() {
    use crate::common::{at, sample_record};
    use registry::policy::passive_since;
    // Captured 1 July 2026; six months back is 1 January 2026.
    let mut r = sample_record(
        "2026-H1/facebook-kommun",
        Some("2026-H1"),
        model::RecordKind::Halvar,
    );
    r.pages[0].summary.newest_post = Some("2025-11-30".into());
    assert_eq!(
        passive_since(&r, 6),
        chrono::NaiveDate::from_ymd_opt(2025, 11, 30)
    );
    // "för 6 månader sedan" on the same account: 5½ to 7 months back, maybe after the limit.
    r.pages[0].summary.newest_post_read = Some(model::DateRead {
        text: "för 6 månader sedan".into(),
        from: at("2025-12-01T00:00:00Z"),
        until: at("2026-01-15T00:00:00Z"),
    });
    assert_eq!(passive_since(&r, 6), None);
    // "1 år sedan": surely before it.
    r.pages[0].summary.newest_post_read = Some(model::DateRead {
        text: "1 år sedan".into(),
        from: at("2024-07-01T00:00:00Z"),
        until: at("2025-12-31T23:00:00Z"),
    });
    assert_eq!(
        passive_since(&r, 6),
        chrono::NaiveDate::from_ymd_opt(2025, 12, 31)
    );
}
