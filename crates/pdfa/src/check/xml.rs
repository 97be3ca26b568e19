//! XMP packets as XML: parsed by roxmltree (well-formedness, namespaces; DTDs and
//! so entity declarations refused), then copied into an owned tree of elements.

/// An element with its namespace resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub ns: String,
    pub local: String,
    /// Attributes as (namespace, local name, value); `xmlns` declarations left out.
    pub attrs: Vec<(String, String, String)>,
    pub children: Vec<Element>,
    /// The element's own text and CDATA, entities resolved (not its children's).
    pub text: String,
}

impl Element {
    pub fn attr(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, l, _)| n == ns && l == local)
            .map(|(_, _, v)| v.as_str())
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// Every descendant (and self), depth first.
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Element>) {
        out.push(self);
        for c in &self.children {
            c.walk(out);
        }
    }
}

/// Deepest element nesting accepted: the owned tree is built, walked and dropped recursively.
const MAX_DEPTH: usize = 256;
/// Most XML nodes in one packet (a real XMP packet has a few hundred).
const MAX_NODES: u32 = 1_000_000;

/// Parse `text` into its root element, or say why it is not well-formed XML.
pub(crate) fn parse(text: &str) -> Result<Element, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => "a DOCTYPE is not allowed in XMP".to_string(),
        e => e.to_string(),
    })?;
    element(doc.root_element(), 0)
}

fn element(node: roxmltree::Node, depth: usize) -> Result<Element, String> {
    if depth > MAX_DEPTH {
        return Err("elements nested too deeply".into());
    }
    let name = node.tag_name();
    let mut el = Element {
        ns: name.namespace().unwrap_or_default().to_string(),
        local: name.name().to_string(),
        attrs: node
            .attributes()
            .map(|a| {
                (
                    a.namespace().unwrap_or_default().to_string(),
                    a.name().to_string(),
                    a.value().to_string(),
                )
            })
            .collect(),
        ..Element::default()
    };
    for child in node.children() {
        if child.is_element() {
            el.children.push(element(child, depth + 1)?);
        } else if let Some(t) = child.text().filter(|_| child.is_text()) {
            el.text.push_str(t);
        }
    }
    Ok(el)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve_and_errors_are_found() {
        let root = parse(
            "<?x?><a:r xmlns:a='u:a'><a:b a:k=\"v &amp; w\" xml:lang='sv'>t&lt;<![CDATA[&]]></a:b><c/></a:r>",
        )
        .expect("well-formed");
        assert!(root.is("u:a", "r"));
        assert_eq!(root.attrs, Vec::new());
        assert_eq!(root.children[0].attr("u:a", "k"), Some("v & w"));
        assert_eq!(
            root.children[0].attr("http://www.w3.org/XML/1998/namespace", "lang"),
            Some("sv")
        );
        assert_eq!(root.children[0].text, "t<&");
        assert!(root.children[1].is("", "c"));
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<x:a/>").is_err());
        assert!(parse("<a></a><b/>").is_err());
        assert!(parse("<a>&bogus;</a>").is_err());
        assert!(parse(&"<a>".repeat(1000)).is_err());
    }

    #[test]
    fn hostile_packets_are_errors_not_panics() {
        let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        assert_eq!(parse(&deep).unwrap_err(), "elements nested too deeply");
        let laughs = "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaaaaaaaa'>\
            <!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>\
            <r>&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;</r>";
        assert_eq!(
            parse(laughs).unwrap_err(),
            "a DOCTYPE is not allowed in XMP"
        );
        let wide = "<r>".to_string() + &"<a/>".repeat(1_000_001) + "</r>";
        assert!(parse(&wide).unwrap_err().contains("nodes limit"));
    }
}
