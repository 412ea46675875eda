//! An order-preserving JSON tree for the scenario reader.
//!
//! `serde_json::Value` sorts object keys (the workspace does not enable `preserve_order`) and
//! silently keeps the last of duplicate keys. The scenario reader needs file order (Spark conf
//! dicts, warnings in reading order) and must reject duplicate keys, so it parses into this tree.
//! It is private to the scenario module and holds no scenario knowledge.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A parsed JSON value whose objects keep their keys in file order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// Any other number.
    F64(f64),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

impl Node {
    /// What this value is, for "expected X, found Y" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Node::Null => "null".to_string(),
            Node::Bool(b) => b.to_string(),
            Node::U64(n) => format!("the number {n}"),
            Node::I64(n) => format!("the number {n}"),
            Node::F64(x) => format!("the number {x}"),
            Node::Str(s) => format!("the string {s:?}"),
            Node::Arr(_) => "an array".to_string(),
            Node::Obj(_) => "an object".to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(u64::try_from(v).map_or(Node::I64(v), Node::U64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::U64(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::F64(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            entries.push((key, value));
        }
        if let Some(dup) = duplicate_key(&entries) {
            return Err(de::Error::custom(format!(
                "key {dup:?} appears twice in one object"
            )));
        }
        Ok(Node::Obj(entries))
    }
}

/// The first key (in sorted order) that occurs more than once, if any.
fn duplicate_key(entries: &[(String, Node)]) -> Option<&str> {
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_number_kinds() {
        let n: Node = serde_json::from_str(r#"{"b": 1, "a": -2, "c": [1.5, null, "x"]}"#).unwrap();
        let Node::Obj(entries) = n else {
            panic!("not an object")
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(entries[0].1, Node::U64(1));
        assert_eq!(entries[1].1, Node::I64(-2));
        assert_eq!(
            entries[2].1,
            Node::Arr(vec![Node::F64(1.5), Node::Null, Node::Str("x".into())])
        );
    }

    #[test]
    fn rejects_duplicate_keys_with_position() {
        let e = serde_json::from_str::<Node>("{\n \"a\": 1,\n \"a\": 2\n}").unwrap_err();
        assert!(e.to_string().contains("\"a\" appears twice"), "{e}");
        assert_eq!(e.line(), 4);
    }
}
