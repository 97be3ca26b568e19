//! `ogonblick demo`: the whole pipeline on the bundled fixture accounts. Starts
//! the fixture site on 127.0.0.1, writes a register pointing at it, runs the
//! half-year that last ended as the scheduled job would on its boundary,
//! publishes the förteckning, delivers the period, verifies the archive and
//! the bag, and says where to look. Its records carry only the warnings a
//! real run would: one account is flagged on purpose, and Chromium's sandbox
//! (off as root) is said once at the top instead of in every record.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::pipeline::CaptureArgs;
use crate::{deliver, run, CmdResult, Exit};

/// Marks a directory as the demo's own, so a second demo may replace it.
const MARKER: &str = ".ogonblick-demo";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to put the register, the archive, the delivery and the förteckning.
    #[arg(long, value_name = "DIR", default_value = "demo-out")]
    pub out: PathBuf,
    /// Accounts captured at once.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    #[command(flatten)]
    pub capture: CaptureArgs,
}

pub fn main(args: Args) -> CmdResult {
    prepare_out(&args.out)?;
    // The half-year that last ended, captured as on its boundary: the
    // scheduled job runs then, so its records are not late. The capture
    // times in them are the real ones.
    let period = registry::Period::last_ended(registry::period::today_stockholm());
    let boundary = period.boundary_end();
    let sandboxed = capture::keeps_sandbox();
    let flagged = fixture_server::FLAGGED_DEMO_ACCOUNT;
    say_what_happens(&period, boundary, sandboxed, &flagged);
    let server =
        fixture_server::FixtureServer::start().context("starting the fixture site on 127.0.0.1")?;
    eprintln!("fixture site on {}", server.base_url());

    let register = args.out.join("accounts.toml");
    std::fs::write(&register, demo_register(&server))
        .with_context(|| format!("writing {}", register.display()))?;
    let (reg, _) = registry::load(&register)?;
    let forteckning = args.out.join("forteckning.html");
    crate::accounts::write_published(&reg, &forteckning, registry::period::today_stockholm())?;

    let archive = args.out.join("arkiv");
    let run_args = run::Args {
        register: register.clone(),
        archive: archive.clone(),
        period: "auto".to_string(),
        only: Vec::new(),
        jobs: args.jobs,
        retries: 1,
        passive_months: registry::policy::PASSIVE_MONTHS,
        json: false,
        preflight_days: 0,
        capture: args.capture.clone(),
        today: Some(boundary),
        sandbox_said: !sandboxed,
    };
    let report = run::execute(&run_args)?;
    run::print_table(&report);

    let bag = args.out.join(format!("leverans-{}", report.period));
    let delivered = deliver::execute(&deliver::Args {
        period: report.period.clone(),
        out: bag.clone(),
        format: deliver::Format::Bagit,
        archive: archive.clone(),
    })?;
    let sip = deliver::execute(&deliver::Args {
        period: report.period.clone(),
        out: args.out.join(format!("leverans-{}-eark", report.period)),
        format: deliver::Format::Eark,
        archive: archive.clone(),
    })?;

    let verified = verify_outputs(&archive, &bag, &sip.path)?;
    println!();
    println!("Where to look:");
    println!("  register (förteckning)   {}", register.display());
    println!("  published förteckning    {}", forteckning.display());
    println!("  archive and journal      {}", archive.display());
    for row in report.rows.iter().filter(|r| r.status != "failed") {
        println!(
            "  ögonblicksbild           {}",
            archive.join(&row.record_id).join("snapshot.pdf").display()
        );
    }
    println!(
        "  delivery (BagIt, {} records) {}",
        delivered.records,
        bag.display()
    );
    println!(
        "  check it yourself: (cd {} && sha256sum -c manifest-sha256.txt); bagit.py --validate {}",
        bag.display(),
        bag.display()
    );
    println!(
        "  delivery (E-ARK SIP, {} records) {}",
        sip.records,
        sip.path.display()
    );
    let as_meant = as_meant(&report, flagged.id);
    if !as_meant {
        println!("The demo did not go as meant: see the table above.");
    }
    let fine = as_meant && verified;
    Ok(if fine { Exit::Ok } else { Exit::Attention })
}

/// What the demo is about to do, said before it does it.
fn say_what_happens(
    period: &registry::Period,
    boundary: chrono::NaiveDate,
    sandboxed: bool,
    flagged: &fixture_server::FixtureAccount,
) {
    println!(
        "Demo: the half-year {period} is captured as the scheduled job would on its boundary, {boundary}, \
         so its records are not late (the capture times in them are today's)."
    );
    if !sandboxed {
        println!(
            "Demo: running as root, so Chromium's sandbox is off for this demo and the records do not repeat it. \
             Run it as the service user instead: sudo -u ogonblick ogonblick demo (README.md, \"Running as a service\")."
        );
    }
    println!(
        "Demo: the account {} is flagged on purpose: its feed loses posts while it is scrolled, \
         and its record says how many are missing. Every other record has no warning.",
        flagged.id
    );
    println!();
}

/// Verifies the archive, the bag and the E-ARK package and prints each
/// verdict; true when all three verify.
fn verify_outputs(archive: &Path, bag: &Path, sip: &Path) -> anyhow::Result<bool> {
    let opts = registry::VerifyOptions::default();
    let archive_check = registry::verify(archive, &opts)?;
    let bag_check = registry::verify(bag, &opts)?;
    let sip_check = eark::verify_package(sip, 0)?;
    for (what, r) in [
        ("archive", &archive_check),
        ("delivery", &bag_check),
        ("E-ARK delivery", &sip_check),
    ] {
        println!(
            "verify {what}: {} files OK, {} problems",
            r.ok,
            r.problems.len() as u64 + r.changed + r.missing + r.unexpected
        );
        for p in &r.problems {
            println!("  {p}");
        }
    }
    Ok(archive_check.is_ok() && bag_check.is_ok() && sip_check.is_ok())
}

/// As the demo means it: the one account flagged, every other sealed clean.
fn as_meant(report: &run::Report, flagged: &str) -> bool {
    report.journal_unstamped.is_empty()
        && report.rows.iter().all(|r| {
            !r.unstamped
                && if r.account == flagged {
                    r.status == "flagged"
                } else {
                    r.status == "sealed" && r.warnings.is_empty()
                }
        })
}

/// Empties `out` if an earlier demo made it; refuses to touch anything else.
fn prepare_out(out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        if !out.join(MARKER).exists() {
            let empty = std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty {
                bail!(
                    "{} exists and was not made by `ogonblick demo`; choose another --out",
                    out.display()
                );
            }
        } else {
            // Sealed records are read-only; the previous demo's must be made writable to be removed.
            registry::archive::make_writable(out);
            std::fs::remove_dir_all(out)
                .with_context(|| format!("removing the previous demo in {}", out.display()))?;
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    std::fs::write(
        out.join(MARKER),
        "made by ogonblick demo; removed by the next one\n",
    )?;
    Ok(())
}

/// A register of the fixture accounts, pointing at the running server.
fn demo_register(server: &fixture_server::FixtureServer) -> String {
    let mut out = String::from(
        "# Example register written by `ogonblick demo`; the accounts live on the fixture site.\n\
         [organisation]\n\
         name = \"Exempelby kommun\"\n\
         archive_creator = \"Kommunstyrelsen\"\n\
         organisation_number = \"212000-9994\"\n\
         website = \"https://www.exempelby.se\"\n\
         contact = { name = \"Kommunikationsavdelningen\", email = \"kommunikation@exempelby.se\" }\n",
    );
    for a in fixture_server::accounts()
        .iter()
        .chain([&fixture_server::FLAGGED_DEMO_ACCOUNT])
    {
        let extra: Vec<String> = a
            .extra_paths
            .iter()
            .map(|p| format!("\"{}\"", server.url(p)))
            .collect();
        let _ = write!(
            out,
            "\n[[account]]\n\
             id = \"{id}\"\n\
             platform = \"{platform}\"\n\
             name = \"{name}\"\n\
             url = \"{url}\"\n\
             extra_pages = [{extra}]\n\
             unit = \"Kommunledningsförvaltningen\"\n\
             board = \"Kommunstyrelsen\"\n\
             purpose = \"{purpose}\"\n\
             audience = \"Invånare och besökare\"\n\
             responsible = {{ name = \"Anna Andersson\", email = \"anna.andersson@exempelby.se\" }}\n\
             deputy = {{ name = \"Bo Berg\", email = \"bo.berg@exempelby.se\" }}\n\
             administrators = [\"Anna Andersson\", \"Bo Berg\"]\n\
             opened = 2019-03-01\n\
             retention = \"bevaras\"\n",
            id = a.id,
            platform = a.platform,
            name = a.name,
            url = server.url(a.path),
            extra = extra.join(", "),
            purpose = if a.id == fixture_server::FLAGGED_DEMO_ACCOUNT.id {
                "Exempel i demonstrationen: så ser en flaggad ögonblicksbild ut"
            } else {
                "Information och dialog med invånare"
            },
        );
    }
    out
}
