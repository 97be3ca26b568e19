//! XML through quick-xml: a writer that escapes and nests for us, and a
//! namespace-resolving reader into a small element tree.

use std::borrow::Cow;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::Writer;

/// Builds one XML document in memory, two-space indented, UTF-8.
pub(crate) struct Xml {
    w: Writer<Vec<u8>>,
    open: Vec<String>,
}

impl std::fmt::Debug for Xml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Xml").field("open", &self.open).finish()
    }
}

impl Xml {
    pub(crate) fn new() -> Xml {
        let mut x = Xml {
            w: Writer::new_with_indent(Vec::new(), b' ', 2),
            open: Vec::new(),
        };
        x.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        x
    }

    fn event(&mut self, e: Event<'_>) {
        self.w
            .write_event(e)
            .expect("writing XML into memory cannot fail");
    }

    fn start<'a>(name: &'a str, attrs: &[(&'a str, &'a str)]) -> BytesStart<'a> {
        BytesStart::new(name).with_attributes(attrs.iter().copied())
    }

    /// `<name attrs>`; every `open` is closed by one [`Xml::close`].
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(Self::start(name, attrs)));
        self.open.push(name.to_string());
    }

    pub(crate) fn close(&mut self) {
        let name = self.open.pop().expect("close without open");
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// `<name attrs/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(Self::start(name, attrs)));
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.event(Event::Start(Self::start(name, attrs)));
        self.event(Event::Text(BytesText::new(text)));
        self.event(Event::End(BytesEnd::new(name)));
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        assert!(self.open.is_empty(), "unclosed elements: {:?}", self.open);
        let mut out = std::mem::take(self.w.get_mut());
        out.push(b'\n');
        out
    }
}

/// One attribute, its namespace resolved (empty for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    pub ns: String,
    pub name: String,
    pub value: String,
}

/// One element with its namespace resolved, its attributes, children and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Element>,
    pub text: String,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl Element {
    /// An attribute by namespace (`""` for none) and local name.
    pub(crate) fn attr(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.name == name)
            .map(|a| a.value.as_str())
    }

    /// Children with this namespace and local name.
    pub(crate) fn kids<'a>(
        &'a self,
        ns: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |c| c.ns == ns && c.name == name)
    }

    pub(crate) fn kid<'a>(&'a self, ns: &'a str, name: &'a str) -> Option<&'a Element> {
        self.kids(ns, name).next()
    }

    /// This element and every descendant, depth first.
    pub(crate) fn walk(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

fn ns_of(r: &ResolveResult<'_>) -> Result<String, String> {
    match r {
        ResolveResult::Bound(ns) => Ok(ns.as_ref().to_string()),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(p) => Err(format!("namespace prefix `{p}` is not declared")),
    }
}

fn line_at(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn unescape(raw: &str) -> Cow<'_, str> {
    quick_xml::escape::unescape(raw).unwrap_or(Cow::Borrowed(raw))
}

/// Parses a whole document into its root element; the error names the line.
pub(crate) fn parse(text: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (resolved, event) = match reader.read_resolved_event() {
            Ok((r, e)) => (ns_of(&r), e.into_owned()),
            Err(e) => {
                return Err(format!(
                    "not well-formed XML at line {}: {e}",
                    line_at(text, before)
                ))
            }
        };
        // The event starts after any whitespace the reader skipped.
        let skipped = text
            .get(before..)
            .map_or(0, |t| t.len() - t.trim_start().len());
        let lineno = line_at(text, before + skipped);
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let ns = resolved
                    .map_err(|m| format!("not namespace-well-formed XML at line {lineno}: {m}"))?;
                let mut el = Element {
                    ns,
                    name: s.local_name().as_ref().to_string(),
                    line: lineno,
                    ..Element::default()
                };
                for a in s.attributes() {
                    let a = a.map_err(|e| {
                        format!("not well-formed XML at line {lineno}: bad attribute: {e}")
                    })?;
                    let key = a.key;
                    if key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let (r, local) = reader.resolver().resolve_attribute(key);
                    let ns = ns_of(&r).map_err(|m| {
                        format!("not namespace-well-formed XML at line {lineno}: {m}")
                    })?;
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| {
                            format!(
                                "not well-formed XML at line {lineno}: bad attribute value: {e}"
                            )
                        })?
                        .into_owned();
                    el.attrs.push(Attr {
                        ns,
                        name: local.as_ref().to_string(),
                        value,
                    });
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(el);
                } else if let Some(parent) = stack.last_mut() {
                    parent.children.push(el);
                } else if root.is_none() {
                    root = Some(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(cur) = stack.last_mut() {
                    cur.text.push_str(&unescape(&t.xml10_content()));
                }
            }
            Event::CData(t) => {
                if let Some(cur) = stack.last_mut() {
                    cur.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(cur) = stack.last_mut() {
                    let name = r.into_inner();
                    cur.text.push_str(&unescape(&format!("&{name};")));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "not well-formed XML: <{}> (line {}) is never closed",
            open.name, open.line
        ));
    }
    root.ok_or_else(|| "no root element".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_and_reads_back_with_namespaces() {
        let mut x = Xml::new();
        x.open(
            "mets",
            &[
                ("xmlns", "http://www.loc.gov/METS/"),
                ("xmlns:csip", "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"),
                ("OBJID", "a<b&\"c\""),
            ],
        );
        x.leaf("name", &[("csip:NOTETYPE", "x")], "Åsa & <Bo>");
        x.close();
        let text = String::from_utf8(x.finish()).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        let root = parse(&text).unwrap();
        assert_eq!(root.ns, "http://www.loc.gov/METS/");
        assert_eq!(root.attr("", "OBJID"), Some("a<b&\"c\""));
        let name = root.kid("http://www.loc.gov/METS/", "name").unwrap();
        assert_eq!(name.text, "Åsa & <Bo>");
        assert_eq!(
            name.attr("https://DILCIS.eu/XML/METS/CSIPExtensionMETS", "NOTETYPE"),
            Some("x")
        );
        assert_eq!(name.line, 3);
    }

    #[test]
    fn broken_xml_names_the_line() {
        let err = parse("<a>\n<b>\n</a>").unwrap_err();
        assert!(err.contains("line"), "{err}");
        assert!(parse("<a><x:b/></a>").unwrap_err().contains("`x`"));
    }
}
