//! `buildFairSchedulerPool`: `<pool>` elements to `PoolSpec`s, with Spark's value rules.
//!
//! * Pools are found by a descendant-or-self search for elements named `pool` (local name),
//!   in document order, so nested pools are flattened.
//! * `name` is the `name` attribute ("" when absent).
//! * A setting's text is the concatenated text of the pool's *direct* child elements of that
//!   name (Scala `(pool \ "minShare").text`), trimmed the Java way.
//! * `minShare`/`weight`: `Integer.parseInt`, else the default and a warning.
//! * `schedulingMode`: upper-cased; FIFO or FAIR, else (NONE, unknown, blank) FIFO and a warning.

use std::collections::HashMap;

use roxmltree::{Document, Node, ParsingOptions};

use super::warnings::{PoolWarning, PoolWarningKind};
use super::{
    DEFAULT_MINIMUM_SHARE, DEFAULT_SCHEDULING_MODE, DEFAULT_WEIGHT, PoolFileError, PoolOrigin,
    PoolSpec, ValueOrigin,
};
use crate::conf::units::{java_trim, parse_int};
use crate::scheduling_mode::SchedulingMode;

const POOLS_PROPERTY: &str = "pool";
const POOL_NAME_PROPERTY: &str = "name";
const MINIMUM_SHARES_PROPERTY: &str = "minShare";
const WEIGHT_PROPERTY: &str = "weight";
const SCHEDULING_MODE_PROPERTY: &str = "schedulingMode";
const KNOWN_ELEMENTS: [&str; 3] = [
    MINIMUM_SHARES_PROPERTY,
    WEIGHT_PROPERTY,
    SCHEDULING_MODE_PROPERTY,
];

/// Bounds memory on hostile input; far above any real allocation file.
const NODES_LIMIT: u32 = 20_000_000;

/// Parses `xml` (from `file`) into pools in document order, appending warnings.
pub(super) fn parse_pools(
    xml: &str,
    file: &str,
    warnings: &mut Vec<PoolWarning>,
) -> Result<Vec<PoolSpec>, PoolFileError> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let options = ParsingOptions {
        allow_dtd: true,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options).map_err(|e| {
        let pos = e.pos();
        PoolFileError::Xml {
            file: file.to_string(),
            line: pos.row,
            column: pos.col,
            message: e.to_string(),
        }
    })?;
    let newlines = xml
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let reader = PoolReader {
        doc: &doc,
        file,
        newlines,
    };
    let pools = reader.read_all(warnings);
    if pools.is_empty() {
        warnings.push(PoolWarning {
            file: Some(file.to_string()),
            line: None,
            pool: None,
            kind: PoolWarningKind::NoPools,
        });
    }
    Ok(pools)
}

struct PoolReader<'a, 'input> {
    doc: &'a Document<'input>,
    file: &'a str,
    /// Byte offsets of every '\n', for O(log n) line numbers.
    newlines: Vec<usize>,
}

/// The text of one setting and where it is.
struct Setting {
    text: String,
    line: Option<u32>,
}

impl PoolReader<'_, '_> {
    fn line_of(&self, node: Node) -> u32 {
        let start = node.range().start;
        let line = self.newlines.partition_point(|&nl| nl < start) + 1;
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    fn warn(&self, line: u32, pool: &str, kind: PoolWarningKind) -> PoolWarning {
        PoolWarning::at(self.file, line, pool, kind)
    }

    fn read_all(&self, warnings: &mut Vec<PoolWarning>) -> Vec<PoolSpec> {
        let parents = self.enclosing_pools();
        let mut first_lines: HashMap<String, u32> = HashMap::new();
        let mut pools = Vec::new();
        for node in self.doc.root().descendants().filter(|n| is_pool(*n)) {
            let pool = self.read_pool(node, warnings);
            let line = self.line_of(node);
            let enclosing = parents.get(node.id().get_usize()).copied().flatten();
            if let Some(parent) = enclosing.and_then(|id| self.doc.get_node(id)) {
                let parent = parent
                    .attribute(POOL_NAME_PROPERTY)
                    .unwrap_or("")
                    .to_string();
                warnings.push(self.warn(line, &pool.name, PoolWarningKind::NestedPool { parent }));
            }
            match first_lines.get(&pool.name) {
                Some(&first_line) => warnings.push(self.warn(
                    line,
                    &pool.name,
                    PoolWarningKind::DuplicatePoolName { first_line },
                )),
                None => {
                    first_lines.insert(pool.name.clone(), line);
                }
            }
            pools.push(pool);
        }
        pools
    }

    /// For each element, its nearest enclosing `<pool>`, in one document-order pass (deep
    /// nesting must not cost depth × pools). Indexed by `NodeId`.
    fn enclosing_pools(&self) -> Vec<Option<roxmltree::NodeId>> {
        let mut nearest = vec![None; self.doc.descendants().count()];
        for node in self.doc.root().descendants().filter(Node::is_element) {
            let Some(parent) = node.parent_element() else {
                continue;
            };
            let enclosing = if is_pool(parent) {
                Some(parent.id())
            } else {
                nearest.get(parent.id().get_usize()).copied().flatten()
            };
            if let Some(slot) = nearest.get_mut(node.id().get_usize()) {
                *slot = enclosing;
            }
        }
        nearest
    }

    fn read_pool(&self, node: Node, warnings: &mut Vec<PoolWarning>) -> PoolSpec {
        let line = self.line_of(node);
        let name = node.attribute(POOL_NAME_PROPERTY).unwrap_or("").to_string();
        self.check_name(node, &name, line, warnings);
        self.check_unknown_children(node, &name, warnings);
        let (mode, mode_from) = self.mode_value(node, &name, line, warnings);
        let (min_share, min_share_from) = self.int_value(
            node,
            &name,
            line,
            MINIMUM_SHARES_PROPERTY,
            DEFAULT_MINIMUM_SHARE,
            warnings,
        );
        let (weight, weight_from) =
            self.int_value(node, &name, line, WEIGHT_PROPERTY, DEFAULT_WEIGHT, warnings);
        if weight <= 0 {
            warnings.push(self.warn(line, &name, PoolWarningKind::NonPositiveWeight { weight }));
        }
        if min_share < 0 {
            warnings.push(self.warn(line, &name, PoolWarningKind::NegativeMinShare { min_share }));
        }
        PoolSpec {
            name,
            mode,
            weight,
            min_share,
            origin: PoolOrigin::AllocationFile { line },
            mode_from,
            weight_from,
            min_share_from,
        }
    }

    fn check_name(&self, node: Node, name: &str, line: u32, warnings: &mut Vec<PoolWarning>) {
        if node.attribute(POOL_NAME_PROPERTY).is_none() {
            warnings.push(self.warn(line, name, PoolWarningKind::EmptyPoolName));
        } else if java_trim(name) != name {
            warnings.push(self.warn(line, name, PoolWarningKind::PoolNameWhitespace));
        }
    }

    fn check_unknown_children(&self, node: Node, pool: &str, warnings: &mut Vec<PoolWarning>) {
        for child in node.children().filter(Node::is_element) {
            let element = child.tag_name().name();
            if element == POOLS_PROPERTY || KNOWN_ELEMENTS.contains(&element) {
                continue;
            }
            let suggestion = KNOWN_ELEMENTS
                .iter()
                .copied()
                .find(|known| known.eq_ignore_ascii_case(element) || close(known, element));
            let kind = PoolWarningKind::UnknownElement {
                element: element.to_string(),
                suggestion,
            };
            warnings.push(self.warn(self.line_of(child), pool, kind));
        }
    }

    /// `(pool \ element).text`: the direct children named `element`, their texts joined.
    fn setting(
        &self,
        node: Node,
        pool: &str,
        element: &'static str,
        warnings: &mut Vec<PoolWarning>,
    ) -> Setting {
        let matches: Vec<Node> = node
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == element)
            .collect();
        let line = matches.first().map(|n| self.line_of(*n));
        if matches.len() > 1 {
            let kind = PoolWarningKind::RepeatedElement {
                element,
                count: matches.len(),
            };
            warnings.push(self.warn(line.unwrap_or(0), pool, kind));
        }
        let text = matches.iter().map(|n| element_text(*n)).collect();
        Setting { text, line }
    }

    fn int_value(
        &self,
        node: Node,
        pool: &str,
        pool_line: u32,
        element: &'static str,
        default: i32,
        warnings: &mut Vec<PoolWarning>,
    ) -> (i32, ValueOrigin) {
        let setting = self.setting(node, pool, element, warnings);
        let Some(line) = setting.line else {
            let kind = PoolWarningKind::MissingElement {
                element,
                default: default.to_string(),
            };
            warnings.push(self.warn(pool_line, pool, kind));
            return (default, ValueOrigin::DefaultMissing);
        };
        match parse_int(&setting.text) {
            Ok(value) => (value, ValueOrigin::File { line }),
            Err(_) => {
                let raw = java_trim(&setting.text).to_string();
                let kind = PoolWarningKind::InvalidValue {
                    element,
                    raw: raw.clone(),
                    default: default.to_string(),
                };
                warnings.push(self.warn(line, pool, kind));
                (default, ValueOrigin::DefaultInvalid { raw, line })
            }
        }
    }

    fn mode_value(
        &self,
        node: Node,
        pool: &str,
        pool_line: u32,
        warnings: &mut Vec<PoolWarning>,
    ) -> (SchedulingMode, ValueOrigin) {
        let element = SCHEDULING_MODE_PROPERTY;
        let setting = self.setting(node, pool, element, warnings);
        let default = DEFAULT_SCHEDULING_MODE.to_string();
        let Some(line) = setting.line else {
            let kind = PoolWarningKind::MissingElement { element, default };
            warnings.push(self.warn(pool_line, pool, kind));
            return (DEFAULT_SCHEDULING_MODE, ValueOrigin::DefaultMissing);
        };
        let upper = java_trim(&setting.text).to_uppercase();
        match upper.as_str() {
            "FIFO" => (SchedulingMode::Fifo, ValueOrigin::File { line }),
            "FAIR" => (SchedulingMode::Fair, ValueOrigin::File { line }),
            _ => {
                let raw = java_trim(&setting.text).to_string();
                let kind = PoolWarningKind::InvalidValue {
                    element,
                    raw: raw.clone(),
                    default,
                };
                warnings.push(self.warn(line, pool, kind));
                (
                    DEFAULT_SCHEDULING_MODE,
                    ValueOrigin::DefaultInvalid { raw, line },
                )
            }
        }
    }
}

fn is_pool(node: Node) -> bool {
    node.is_element() && node.tag_name().name() == POOLS_PROPERTY
}

/// Scala `Elem.text`: every descendant text (CDATA included, comments excluded), in order.
fn element_text(node: Node) -> String {
    node.descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect()
}

/// Whether two element names are within two single-character edits (typo detection).
fn close(known: &str, element: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (
        known.to_lowercase().chars().collect(),
        element.to_lowercase().chars().collect(),
    );
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}
