//! Swedish for people: dates, times, numbers, and the capture's own notes put into Swedish.
//!
//! The capture records its notes and the findings behind obstructions as data
//! ([`model::Note`], [`model::Finding`]), with an English line for the log. The
//! cover page is read by an archivist, so each is worded here in Swedish from
//! its fields, by an exhaustive `match`: a note without Swedish wording does
//! not compile, and the English wording never reaches the cover.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Europe::Stockholm;
use model::{Declared, DeclaredRest, DeclaredSource, Finding, Note, WithoutLogin};

/// Feed-item keys worded as posts, for the finding that lists missing ones.
mod items;

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// `28 juni 2026`
pub(crate) fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// `kl. 09.15`, or `kl. 09.15.07` with seconds.
fn clock(t: impl Timelike, seconds: bool) -> String {
    if seconds {
        format!("kl. {:02}.{:02}.{:02}", t.hour(), t.minute(), t.second())
    } else {
        format!("kl. {:02}.{:02}", t.hour(), t.minute())
    }
}

/// Whether Swedish summer time is in force at `t`.
fn summer(t: DateTime<Utc>) -> bool {
    use chrono::Offset;
    t.with_timezone(&Stockholm).offset().fix().local_minus_utc() == 7200
}

/// `1 juli 2026 kl. 10.00.05 (sommartid)`: Swedish time, to the second.
pub(crate) fn moment(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Stockholm);
    format!(
        "{} {} ({})",
        date(local.date_naive()),
        clock(local.time(), true),
        if summer(t) { "sommartid" } else { "normaltid" }
    )
}

/// `1 juli 2026 kl. 08.00.05 UTC`
pub(crate) fn moment_utc(t: DateTime<Utc>) -> String {
    format!("{} {} UTC", date(t.date_naive()), clock(t.time(), true))
}

/// `1 juli 2026 kl. 10.00.05–10.01.40 (sommartid)`, or both moments in full across midnight.
pub(crate) fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (a, b) = (
        start.with_timezone(&Stockholm),
        end.with_timezone(&Stockholm),
    );
    if a.date_naive() == b.date_naive() && summer(start) == summer(end) {
        format!(
            "{} {}–{} ({})",
            date(a.date_naive()),
            clock(a.time(), true),
            clock(b.time(), true).trim_start_matches("kl. "),
            if summer(start) {
                "sommartid"
            } else {
                "normaltid"
            }
        )
    } else {
        format!("{} – {}", moment(start), moment(end))
    }
}

/// The same span in UTC.
pub(crate) fn span_utc(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    if start.date_naive() == end.date_naive() {
        format!(
            "{} {}–{} UTC",
            date(start.date_naive()),
            clock(start.time(), true),
            clock(end.time(), true).trim_start_matches("kl. ")
        )
    } else {
        format!("{} – {}", moment_utc(start), moment_utc(end))
    }
}

/// A post date as the page gave it (ISO 8601 date or date-time), in Swedish:
/// `28 juni 2026`, `28 juni 2026 kl. 09.15` (Swedish time). Anything else is kept as found.
pub(crate) fn post_date(s: &str) -> String {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return date(d);
    }
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(s) {
        let local = t.with_timezone(&Stockholm);
        return format!(
            "{} {}",
            date(local.date_naive()),
            clock(local.time(), false)
        );
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return format!("{} {}", date(t.date()), clock(t.time(), false));
        }
    }
    s.to_string()
}

/// A post date read from the text a reader sees, in Swedish with what is
/// known of it: `7 december 2026 kl. 09.15 (sidan visar ”igår kl. 10:15”)`
/// for a minute, `12 mars 2026 (sidan visar ”12 mars”)` for a day (Swedish
/// time), `någon gång mellan 2 och 12 november 2026 (sidan visar ”för 4
/// veckor sedan”)` for a longer span: never more precise than the page.
pub(crate) fn date_read(d: &model::DateRead) -> String {
    let from = d.from.with_timezone(&Stockholm);
    let last = (d.until - chrono::Duration::milliseconds(1)).with_timezone(&Stockholm);
    let (a, b) = (from.date_naive(), last.date_naive());
    let when = if d.until - d.from <= chrono::Duration::minutes(1) {
        format!("{} {}", date(a), clock(from.time(), false))
    } else if a == b {
        date(a)
    } else if (a.year(), a.month()) == (b.year(), b.month()) {
        format!("någon gång mellan {} och {}", a.day(), date(b))
    } else if a.year() == b.year() {
        format!(
            "någon gång mellan {} {} och {}",
            a.day(),
            MONTHS[a.month0() as usize],
            date(b)
        )
    } else {
        format!("någon gång mellan {} och {}", date(a), date(b))
    };
    format!("{when} (sidan visar ”{}”)", d.text)
}

/// `12 345` with a no-break space between thousands, as Swedish writes numbers.
pub(crate) fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// Pixels: `50 000 px`.
pub(crate) fn px(x: f64) -> String {
    let n = if x.is_finite() && x > 0.0 {
        x.round() as u64
    } else {
        0
    };
    format!("{}\u{a0}px", number(n))
}

/// `1 bild`, `3 bilder`: a count with the noun in singular or plural.
fn count(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", number(u64::from(n)))
    }
}

/// A band of one colour over what the page has there: told by where it is
/// on the page and how tall, not by the tile file and its rows (a reader
/// knows the page).
fn blank_band(y: f64, top: u32, bottom: u32, what: &str) -> String {
    format!(
        "ett band i bilden, {} ned på sidan och {} högt, har en enda färg där sidan har {what}",
        px(y),
        count(bottom.saturating_sub(top), "bildpunkt", "bildpunkter")
    )
}

/// One of the capture's notes in Swedish, from its fields. Every note has
/// its wording here: a new kind of note does not compile without one.
#[allow(clippy::too_many_lines)] // One arm per note: exhaustive on purpose, so a note without Swedish wording does not compile (#25).
pub(crate) fn note(n: &Note) -> String {
    match n {
        Note::LoadEventLate { secs } => format!(
            "Sidan blev inte färdigladdad inom {secs} s (någon resurs laddades aldrig klart); det som hade kommit fångades."
        ),
        Note::ScrollOutOfTime => {
            "Tiden tog slut när sidan rullades igenom; innehåll längre ned kan saknas.".into()
        }
        Note::CommentsStillCollapsed { rounds } => format!(
            "Dolda kommentarer fälldes ut i {rounds} omgångar, sedan inte fler; vissa kommentarer kan fortfarande vara dolda."
        ),
        Note::ImagesNotLoaded { count: n, examples } => {
            let what = count(*n, "bild hade", "bilder hade");
            if examples.is_empty() {
                format!("{what} inte laddats när skärmbilden togs.")
            } else {
                format!(
                    "{what} inte laddats när skärmbilden togs (till exempel {}).",
                    examples.join(", ")
                )
            }
        }
        Note::ImagesStillLoading { count: n } => format!(
            "{} fortfarande på att laddas när deras del av sidan avbildades.",
            count(*n, "bild höll", "bilder höll")
        ),
        Note::TooWide { width, limit } => format!(
            "Sidan är {} bred och fångsten tar med {} av bredden.",
            px(*width),
            px(*limit)
        ),
        Note::EmptyPastWidth { width, limit } => format!(
            "Sidan är uppställd {} bred, men allt som syns på den ligger inom de {} som fångsten tar med; resten av bredden är tom.",
            px(*width),
            px(*limit)
        ),
        Note::TextMoving { parts } => format!(
            "Sidans text flyttade sig medan {} av sidan avbildades; det osynliga textlagret kan ligga några bildpunkter fel där.",
            count(*parts, "del", "delar")
        ),
        Note::FirstScreenStripAgain { height } => format!(
            "Längst ned på första skärmen täcker fasta fält (till exempel en ruta om kakor) {} av sidans text. Första skärmen visas som en läsare ser den, och den remsan visas en gång till direkt under den.",
            px(*height)
        ),
        Note::FixedOverText {
            tile,
            y,
            height,
            lines: 0,
            ..
        } => format!(
            "Ett fast fält på sidan syns en gång till i bild {tile} ({} ned, {} högt); sidan lät det inte döljas där.",
            px(*y),
            px(*height)
        ),
        Note::FixedOverText {
            tile,
            y,
            height,
            lines,
            text,
            ..
        } => format!(
            "Ett fast fält på sidan ligger i bild {tile} över {} av sidans text ({} ned, {} högt), den första: ”{}”. Texten finns i textlagret men syns inte i bilden där.",
            count(*lines, "rad", "rader"),
            px(*y),
            px(*height),
            text
        ),
        Note::NoMhtmlFramesSilent { frames } => format!(
            "Ingen MHTML-kopia av sidan sparades: {} från andra webbplatser svarade inte, och en kopia hade väntat på dem.",
            count(*frames, "ram", "ramar")
        ),
        Note::FramesPastBound { frames, read } => format!(
            "Sidan har {} från andra webbplatser. Texten i de första {} lästes; de övriga syns i bilden, men deras text finns inte i textlagret och går inte att söka i.",
            count(*frames, "ram", "ramar"),
            number(u64::from(*read))
        ),
        Note::NoMhtml { .. } => {
            "Ingen MHTML-kopia av sidan kunde sparas; felet står i arkivhandlingens tekniska uppgifter.".into()
        }
        Note::PostsUnreadable { .. } => {
            "Inläggen på sidan kunde inte läsas ut var för sig; felet står i arkivhandlingens tekniska uppgifter. Bilden och textlagret finns."
                .into()
        }
        Note::FirstScreenTextUnreadable { .. } => {
            "Texten på första skärmen kunde inte läsas; felet står i arkivhandlingens tekniska uppgifter.".into()
        }
        Note::KeptMoving { times } => format!(
            "Sidan bytte till andra dokument under fångsten ({times} gånger); bilden kan visa ett annat dokument än texten."
        ),
        Note::TabRetried { .. } => {
            "Sidans första flik kraschade eller stängdes under fångsten; sidan fångades igen i en ny flik."
                .into()
        }
        Note::SandboxOff => {
            "Chromiums sandlåda var avstängd eftersom ogonblick kördes som root; ogonblick ska köras som tjänsteanvändaren."
                .into()
        }
        Note::ConsentAccepted { label } => format!(
            "Samtyckesdialogen gick inte att avböja, så ogonblick klickade på \"{label}\"."
        ),
        Note::DownloadRefused {
            name,
            url,
            declared_size,
        } => {
            let size = match declared_size {
                Some(bytes) => format!("{} byte enligt sidan", number(*bytes)),
                None => "ingen storlek angiven".to_string(),
            };
            format!("Sidan försökte ladda ned \"{name}\" ({size}) från {url}; nedladdningen stoppades och inget sparades.")
        }
        Note::PopupClosed { url } => {
            format!("Sidan öppnade ett popupfönster ({url}); det stängdes direkt.")
        }
        Note::PopupRefused { url } => {
            format!("Sidan försökte öppna ett popupfönster ({url}); det öppnades aldrig.")
        }
        Note::RequestBlocked { method, url } => format!(
            "Sidan skickade en {method}-begäran till {url}, en adress i arkivdatorns eget nät; den stoppades."
        ),
        Note::LocalRead { url } => {
            format!("Sidan läste från {url}, en adress i arkivdatorns eget nät.")
        }
        Note::WarcBodyOverLimit { url, bytes, limit } => format!(
            "Webbarkivet saknar innehållet i svaret från {url}: det var {} byte, mer än gränsen på {} byte. Begäran och svarets huvud finns med.",
            number(*bytes),
            number(*limit)
        ),
        Note::WarcBodyUnreadable { method, url, .. } => format!(
            "Svaret på {method}-begäran till {url} kunde inte läsas in i webbarkivet."
        ),
        Note::WarcBodiesPending { count } => format!(
            "{} lästes fortfarande in när fångsten slutade och saknas i webbarkivet.",
            if *count == 1 { "1 svar".to_string() } else { format!("{} svar", number(*count)) }
        ),
        Note::WarcRequestsCapped { limit } => format!(
            "Sidan gjorde fler än {} anrop; de senare finns inte i webbarkivet.",
            number(*limit)
        ),
    }
}

/// The evidence for an obstruction in Swedish, from its fields: a clause
/// that follows the obstruction's kind. Every finding has its wording here.
pub(crate) fn finding(f: &Finding) -> String {
    match f {
        Finding::PasswordField => "ett lösenordsfält syns på sidan".to_string(),
        Finding::LoginOverlay { text } => {
            format!("en inloggningsruta ligger över sidan: \"{text}\"")
        }
        Finding::ConsentShown { text } => format!("samtyckesdialogen syns fortfarande: \"{text}\""),
        Finding::ConsentInFrame { text } => format!(
            "samtyckesdialogen syns fortfarande i en ram från en annan webbplats: \"{text}\""
        ),
        Finding::HttpStatus { status } => format!("servern svarade med HTTP-status {status}"),
        Finding::PageSays { text } => format!("sidan säger \"{text}\""),
        Finding::ItemsMissing {
            seen,
            kept,
            missing,
        } => {
            let mut t = format!(
                "{} inlägg syntes när sidan rullades men bara {} finns i ögonblicksbilden",
                number(u64::from(*seen)),
                number(u64::from(*kept))
            );
            if !missing.is_empty() {
                let named = items::examples(&missing.join("; "));
                t.push_str(&format!(" (saknas till exempel: {named})"));
            }
            t
        }
        Finding::WordsMissing { seen, in_record } => format!(
            "sidan visade {} ord när den rullades men textlagret har bara {}; text som syntes på sidan saknas i ögonblicksbilden",
            number(*seen),
            number(*in_record)
        ),
        Finding::OutOfTime {
            budget_secs,
            height,
            full_height,
            ..
        } => format!(
            "tidsbudgeten på {} s för sidan tog slut innan fångsten var klar; bara första skärmen ({} av {}) finns i ögonblicksbilden",
            number(*budget_secs),
            px(*height),
            px(*full_height)
        ),
        Finding::CutAtWidth { width, limit } => format!(
            "sidan är {} bred men fångsten tar med {} av bredden; {} längst ut i sidled saknas i både bilden och textlagret",
            px(*width),
            px(*limit),
            px(width - limit)
        ),
        Finding::FramesSilent { silent, frames } => format!(
            "{} av {} från andra webbplatser svarade inte ({}); deras text saknas i textlagret och bilden visar dem som de senast ritade sig",
            number(silent.len() as u64),
            count(*frames, "ram", "ramar"),
            silent.join(", ")
        ),
        Finding::BlankOverText {
            top, bottom, text, y, ..
        } => blank_band(*y, *top, *bottom, &format!("text (\"{text}\")")),
        Finding::BlankOverPicture {
            top, bottom, src, y, ..
        } => blank_band(*y, *top, *bottom, &format!("en bild ({src})")),
        Finding::Unrecognised { kind, .. } => format!(
            "fångsten rapporterade ett hinder av ett slag som den här versionen av ogonblick inte känner till (\"{kind}\"); detaljerna står i arkivhandlingens tekniska uppgifter"
        ),
        Finding::DeclaredNotHeld {
            what,
            declared,
            held,
            why,
        } => {
            let noun = what.noun_sv();
            let because = match why {
                DeclaredRest::NeedsLogin => {
                    "plattformen visar utan inloggning bara de senaste, och fångsten gjordes utan inloggning"
                }
                DeclaredRest::CaptureLimit => "fångsten stoppades vid en gräns innan listan tog slut",
                DeclaredRest::NewestOnly
                | DeclaredRest::NoneMissing
                | DeclaredRest::OutsidePeriod => "sidan visar bara de senaste",
            };
            format!(
                "kontot anger {} {noun} men arkivhandlingen innehåller {}; {because}. Det är inte känt hur många av de övriga {} som är från perioden",
                number(*declared),
                number(u64::from(*held)),
                number(declared.saturating_sub(u64::from(*held)))
            )
        }
        Finding::ListNeedsLogin { held } => format!(
            "plattformen visar utan inloggning bara de senaste inläggen, och fångsten gjordes utan inloggning. Arkivhandlingen innehåller {}, listan slutade innan periodens början var nådd och sidan anger inte hur många inlägg kontot har, så inlägg från perioden kan saknas",
            count(*held, "inlägg", "inlägg")
        ),
    }
}

/// What the account declares against what the record holds, for the cover:
/// the count as the page shows it and where, that it covers the account's
/// whole history, how many the record holds (of the period, where the
/// dates tell), and why the rest are not there. `platform` names the
/// platform ("Instagram"); `page` is the number of the web page it was read on.
pub(crate) fn declared(
    d: &Declared,
    platform: Option<&str>,
    page: usize,
    since: Option<NaiveDate>,
) -> String {
    let noun = d.what.noun_sv();
    let about = if d.approximate { "ungefär " } else { "" };
    let place = match d.read_from {
        DeclaredSource::ProfileHeader => "i sidhuvudet",
        DeclaredSource::Description => "i sidans beskrivning",
        DeclaredSource::StructuredData => "i sidans maskinläsbara uppgifter",
    };
    let mut t = format!(
        "Kontot anger själv {about}{} {noun} (\"{}\", {place} på webbsida {page}). Antalet gäller hela kontots historia, inte bara perioden.",
        number(d.count),
        d.text
    );
    let Some(held) = d.held else {
        return t;
    };
    let rest = d.count.saturating_sub(u64::from(held));
    t.push_str(&format!(
        " Arkivhandlingen innehåller {} {noun}",
        number(u64::from(held))
    ));
    if let Some(k) = d.held_in_period {
        t.push_str(&format!(
            ", varav {} daterade från periodens början eller senare",
            number(u64::from(k))
        ));
    }
    t.push('.');
    // A rounded count ("1,2 tn") leaves the rest rounded too.
    let others = format!("Övriga {about}{} {noun}", number(rest));
    let unknown = format!(
        " {others} finns inte i arkivhandlingen, och det är inte känt hur många av dem som är från perioden."
    );
    let platform = platform.unwrap_or("plattformen");
    match d.rest {
        None | Some(DeclaredRest::NoneMissing) => {}
        Some(DeclaredRest::OutsidePeriod) => {
            t.push_str(&format!(
                " {others} är äldre än periodens början{}: fångsten följde listan tillbaka förbi den.",
                since.map(|s| format!(" ({})", date(s))).unwrap_or_default()
            ));
        }
        Some(DeclaredRest::NewestOnly) => {
            t.push_str(&format!(
                " Sidan visar bara de senaste {}.{unknown}",
                number(u64::from(held))
            ));
        }
        Some(DeclaredRest::NeedsLogin) => {
            t.push_str(&format!(
                " Utan inloggning visar {platform} bara de senaste {}, och fångsten gjordes utan inloggning.{unknown}",
                number(u64::from(held))
            ));
        }
        Some(DeclaredRest::CaptureLimit) => {
            t.push_str(&format!(
                " Fångsten stoppades vid en gräns innan listan tog slut.{unknown}"
            ));
        }
    }
    t
}

/// A list the platform shows in full only after a login, captured without
/// one, on an account that declares no count, for the cover: what the
/// record holds, and whether the list reached back past the period's start.
/// `page` is the number of the web page the list is on.
pub(crate) fn without_login(
    w: WithoutLogin,
    platform: Option<&str>,
    page: usize,
    since: Option<NaiveDate>,
) -> String {
    let mut t = format!(
        "Utan inloggning visar {} bara de senaste inläggen, och fångsten gjordes utan inloggning. Sidan anger inte hur många inlägg kontot har. Arkivhandlingen innehåller {} från listan på webbsida {page}.",
        platform.unwrap_or("plattformen"),
        count(w.held, "inlägg", "inlägg")
    );
    match since {
        Some(s) if w.past_start => t.push_str(&format!(
            " Listan räcker ändå tillbaka förbi periodens början ({}).",
            date(s)
        )),
        Some(s) => t.push_str(&format!(
            " Listan slutade innan periodens början ({}) var nådd. Det är inte känt hur många inlägg från perioden som saknas.",
            date(s)
        )),
        None => t.push_str(" Det är inte känt hur många fler inlägg kontot har."),
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_rounded_count_leaves_the_rest_rounded() {
        let d = Declared {
            what: model::DeclaredWhat::Videos,
            count: 1200,
            approximate: true,
            text: "1,2 tn videoklipp".into(),
            read_from: DeclaredSource::ProfileHeader,
            login_for_more: false,
            held: Some(30),
            held_in_period: None,
            rest: Some(DeclaredRest::CaptureLimit),
        };
        assert_eq!(
            declared(&d, Some("YouTube"), 2, None),
            "Kontot anger själv ungefär 1\u{a0}200 videoklipp (\"1,2 tn videoklipp\", i sidhuvudet på webbsida 2). \
             Antalet gäller hela kontots historia, inte bara perioden. Arkivhandlingen innehåller 30 videoklipp. \
             Fångsten stoppades vid en gräns innan listan tog slut. Övriga ungefär 1\u{a0}170 videoklipp finns inte i \
             arkivhandlingen, och det är inte känt hur många av dem som är från perioden."
        );
    }

    #[test]
    fn dates_and_times_read_as_swedish() {
        assert_eq!(
            post_date("2026-06-28T09:15:00+02:00"),
            "28 juni 2026 kl. 09.15"
        );
        assert_eq!(post_date("2026-06-28T07:15:00Z"), "28 juni 2026 kl. 09.15");
        assert_eq!(post_date("2026-01-05"), "5 januari 2026");
        assert_eq!(post_date("igår"), "igår");
        let t = Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 5).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 7, 1, 8, 1, 40).unwrap();
        assert_eq!(moment(t), "1 juli 2026 kl. 10.00.05 (sommartid)");
        assert_eq!(
            span(t, later),
            "1 juli 2026 kl. 10.00.05–10.01.40 (sommartid)"
        );
        assert_eq!(span_utc(t, later), "1 juli 2026 kl. 08.00.05–08.01.40 UTC");
        let winter = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(moment(winter), "1 januari 2027 kl. 00.30.00 (normaltid)");
        assert_eq!(number(1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(number(12), "12");
    }

    #[test]
    fn fixed_elements_and_a_cut_width_come_out_in_swedish_with_their_numbers() {
        assert_eq!(
            note(&Note::FirstScreenStripAgain { height: 156.0 }),
            "Längst ned på första skärmen täcker fasta fält (till exempel en ruta om kakor) 156\u{a0}px av sidans text. Första skärmen visas som en läsare ser den, och den remsan visas en gång till direkt under den."
        );
        assert_eq!(
            note(&Note::FixedOverText {
                tile: 2,
                element: "div#sidhuvud".into(),
                y: 1056.0,
                height: 64.0,
                lines: 4,
                text: "Rad 0017".into(),
            }),
            "Ett fast fält på sidan ligger i bild 2 över 4 rader av sidans text (1\u{a0}056\u{a0}px ned, 64\u{a0}px högt), den första: ”Rad 0017”. Texten finns i textlagret men syns inte i bilden där."
        );
        assert_eq!(
            finding(&Finding::CutAtWidth {
                width: 5200.0,
                limit: 4000.0
            }),
            "sidan är 5\u{a0}200\u{a0}px bred men fångsten tar med 4\u{a0}000\u{a0}px av bredden; 1\u{a0}200\u{a0}px längst ut i sidled saknas i både bilden och textlagret"
        );
    }

    #[test]
    fn a_date_read_from_the_page_says_what_is_known_and_no_more() {
        let read =
            |text: &str, from: (i32, u32, u32, u32, u32), until: (i32, u32, u32, u32, u32)| {
                let at = |(y, mo, d, h, mi)| Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap();
                date_read(&model::DateRead {
                    text: text.into(),
                    from: at(from),
                    until: at(until),
                })
            };
        // A minute, in Swedish time.
        assert_eq!(
            read("igår kl. 10:15", (2026, 12, 6, 9, 15), (2026, 12, 6, 9, 16)),
            "6 december 2026 kl. 10.15 (sidan visar ”igår kl. 10:15”)"
        );
        // A Swedish day (23:00 to 23:00 UTC in winter).
        assert_eq!(
            read("12 mars", (2026, 3, 11, 23, 0), (2026, 3, 12, 23, 0)),
            "12 mars 2026 (sidan visar ”12 mars”)"
        );
        // Spans: within a month, across months, across a new year.
        assert_eq!(
            read(
                "för 4 veckor sedan",
                (2026, 11, 2, 9, 0),
                (2026, 11, 12, 21, 0)
            ),
            "någon gång mellan 2 och 12 november 2026 (sidan visar ”för 4 veckor sedan”)"
        );
        assert_eq!(
            read("5 v", (2026, 10, 26, 9, 0), (2026, 11, 5, 21, 0)),
            "någon gång mellan 26 oktober och 5 november 2026 (sidan visar ”5 v”)"
        );
        assert_eq!(
            read("1 år sedan", (2024, 12, 7, 9, 0), (2026, 6, 7, 21, 0)),
            "någon gång mellan 7 december 2024 och 7 juni 2026 (sidan visar ”1 år sedan”)"
        );
    }

    #[test]
    fn capture_notes_come_out_in_swedish() {
        assert_eq!(
            note(&Note::ImagesNotLoaded {
                count: 3,
                examples: vec!["a.jpg".into(), "b.png".into()]
            }),
            "3 bilder hade inte laddats när skärmbilden togs (till exempel a.jpg, b.png)."
        );
        assert_eq!(
            note(&Note::ImagesStillLoading { count: 1 }),
            "1 bild höll fortfarande på att laddas när deras del av sidan avbildades."
        );
        assert_eq!(
            note(&Note::ConsentAccepted {
                label: "Godkänn alla".into()
            }),
            "Samtyckesdialogen gick inte att avböja, så ogonblick klickade på \"Godkänn alla\"."
        );
        assert_eq!(
            note(&Note::TooWide {
                width: 5200.0,
                limit: 4000.0
            }),
            "Sidan är 5\u{a0}200\u{a0}px bred och fångsten tar med 4\u{a0}000\u{a0}px av bredden."
        );
        assert_eq!(
            finding(&Finding::BlankOverText {
                file: "tile-003.png".into(),
                top: 0,
                bottom: 1200,
                text: "Nyheter".into(),
                y: 5000.0
            }),
            "ett band i bilden, 5\u{a0}000\u{a0}px ned på sidan och 1\u{a0}200 bildpunkter högt, har en enda färg där sidan har text (\"Nyheter\")"
        );
        assert_eq!(
            finding(&Finding::HttpStatus { status: 404 }),
            "servern svarade med HTTP-status 404"
        );
        assert_eq!(
            finding(&Finding::ItemsMissing {
                seen: 1200,
                kept: 38,
                missing: vec![]
            }),
            "1\u{a0}200 inlägg syntes när sidan rullades men bara 38 finns i ögonblicksbilden"
        );
    }
}
