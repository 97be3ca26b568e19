//! The published förteckning över sociala medier as one self-contained HTML page:
//! Swedish, accessible (`lang`, headings, a captioned table with header
//! scopes), inline CSS, no scripts, no external resources, everything escaped.

use chrono::NaiveDate;
use model::{Account, Contact};

use crate::Register;

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn contact(c: &Contact) -> String {
    let mut s = escape(&c.name);
    if let Some(e) = &c.email {
        s.push_str(&format!(
            "<br><a href=\"mailto:{}\">{}</a>",
            escape(e),
            escape(e)
        ));
    }
    if let Some(p) = &c.phone {
        s.push_str(&format!("<br>{}", escape(p)));
    }
    s
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1a1a1a;background:#fff;line-height:1.45}\
h1{font-size:1.6rem;margin:0 0 .3rem}p.meta{color:#444;margin:.2rem 0 1.2rem}\
table{border-collapse:collapse;width:100%;font-size:.92rem}caption{text-align:left;font-weight:600;font-size:1.1rem;padding:.4rem 0}\
th,td{border:1px solid #999;padding:.45rem .5rem;vertical-align:top;text-align:left}thead th{background:#e8eef4}\
tbody th{font-weight:600}td.d{white-space:nowrap}a{color:#0b4f8a}a:focus{outline:3px solid #f5a623}\
@media print{a{color:#000}}";

fn rows(accounts: &[&Account]) -> String {
    let mut s = String::new();
    for a in accounts {
        let mut links = format!("<a href=\"{}\">{}</a>", escape(&a.url), escape(&a.url));
        for e in &a.extra_pages {
            links.push_str(&format!("<br><a href=\"{}\">{}</a>", escape(e), escape(e)));
        }
        let mut contacts = format!("Ansvarig: {}", contact(&a.responsible));
        if let Some(d) = &a.deputy {
            contacts.push_str(&format!("<br>Ersättare: {}", contact(d)));
        }
        s.push_str(&format!(
            "<tr><td>{}</td><th scope=\"row\">{}<br>{}</th><td>{}<br>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"d\">{}</td><td class=\"d\">{}</td></tr>\n",
            escape(a.platform.display_sv()),
            escape(&a.name),
            links,
            escape(&a.unit),
            escape(&a.board),
            escape(&a.purpose),
            escape(&a.audience),
            contacts,
            date(a.opened),
            a.closed.map(date).unwrap_or_else(|| "–".into()),
        ));
    }
    s
}

fn table(caption: &str, accounts: &[&Account]) -> String {
    format!(
        "<table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">Plattform</th><th scope=\"col\">Konto</th>\
<th scope=\"col\">Ansvarig verksamhet och nämnd</th><th scope=\"col\">Syfte</th><th scope=\"col\">Målgrupp</th>\
<th scope=\"col\">Kontakt</th><th scope=\"col\">Startat</th><th scope=\"col\">Avslutat</th></tr></thead>\n<tbody>\n{}</tbody>\n</table>\n",
        escape(caption),
        rows(accounts)
    )
}

/// Renders the register as a Swedish, accessible, self-contained HTML page.
/// Accounts open on `generated` come first; closed ones follow in their own table.
pub fn forteckning_html(register: &Register, generated: NaiveDate) -> String {
    let org = &register.organisation;
    let open: Vec<&Account> = register
        .accounts
        .iter()
        .filter(|a| a.closed.is_none_or(|c| c > generated))
        .collect();
    let closed: Vec<&Account> = register
        .accounts
        .iter()
        .filter(|a| a.closed.is_some_and(|c| c <= generated))
        .collect();
    let title = format!("Förteckning över sociala medier – {}", org.name);
    let mut body = String::new();
    body.push_str(&format!("<header>\n<h1>{}</h1>\n", escape(&title)));
    body.push_str(&format!(
        "<p class=\"meta\">Officiella konton i sociala medier som {} ansvarar för. Arkivbildare: {}. Uppdaterad {}.</p>\n</header>\n<main>\n",
        escape(&org.name),
        escape(&org.archive_creator),
        date(generated)
    ));
    body.push_str("<h2>Aktiva konton</h2>\n");
    if open.is_empty() {
        body.push_str("<p>Inga aktiva konton.</p>\n");
    } else {
        body.push_str(&table(
            &format!("Aktiva konton ({} st.)", open.len()),
            &open,
        ));
    }
    if !closed.is_empty() {
        body.push_str("<h2>Avslutade konton</h2>\n");
        body.push_str(&table(
            &format!("Avslutade konton ({} st.)", closed.len()),
            &closed,
        ));
    }
    body.push_str("</main>\n<footer>\n");
    let mut foot = String::from("<p>Inlägg och kommentarer på kontona är allmänna handlingar. Ögonblicksbilder av kontona bevaras i kommunens arkiv.");
    if let Some(c) = &org.contact {
        foot.push_str(&format!(" Frågor: {}.", contact(c)));
    }
    if let Some(w) = &org.website {
        foot.push_str(&format!(" <a href=\"{}\">{}</a>", escape(w), escape(w)));
    }
    foot.push_str("</p>\n");
    body.push_str(&foot);
    body.push_str("</footer>\n");
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(&title)
    )
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}
