//! `spark-defaults.conf` / `--properties-file`: Java `Properties.load` syntax, then Spark's trim.
//!
//! Spark reads these files with `Utils.getPropertiesFromFile`: UTF-8 through an
//! `InputStreamReader` (malformed bytes become U+FFFD), `Properties.load`, then
//! `trimExceptCRLF` on every value. The `Properties.load` rules restated here:
//!
//! * Natural lines end at `\n`, `\r` or `\r\n`. Leading spaces, tabs and form feeds are skipped.
//! * A line whose first non-blank character is `#` or `!` is a comment, even if it ends
//!   with a backslash. Blank lines are skipped.
//! * A line ending in an odd number of backslashes continues on the next line; the backslash,
//!   the line break and the next line's leading blanks are dropped.
//! * The key ends at the first unescaped `=`, `:`, space, tab or form feed; blanks and at most
//!   one `=`/`:` after it are skipped; the rest is the value.
//! * Escapes in keys and values: `\t \n \r \f`, `\uXXXX` (exactly four hex digits, else an
//!   error), and `\c` → `c` for any other character.
//! * A repeated key keeps the last value.
//!
//! This module parses text only; `SparkConf` decides precedence.

/// One key/value pair, with the line its logical line starts on (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyLine {
    pub key: String,
    pub value: String,
    pub line: u32,
}

/// A syntax error: the line and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertiesSyntaxError {
    pub line: u32,
    pub message: String,
}

/// Parses `text` with `Properties.load` rules, returning pairs in file order (repeats kept).
/// Values are *not* trimmed; see `spark_properties`.
pub fn parse_properties(text: &str) -> Result<Vec<PropertyLine>, PropertiesSyntaxError> {
    logical_lines(text)
        .into_iter()
        .map(|logical| split_key_value(&logical))
        .collect()
}

/// What Spark's `getPropertiesFromFile` yields: the last value of each key, trimmed with
/// `trimExceptCRLF`, in the order of each key's last occurrence.
pub fn spark_properties(text: &str) -> Result<Vec<PropertyLine>, PropertiesSyntaxError> {
    let mut out: Vec<PropertyLine> = Vec::new();
    for mut pair in parse_properties(text)? {
        pair.value = trim_except_crlf(&pair.value).to_string();
        out.retain(|p| p.key != pair.key);
        out.push(pair);
    }
    Ok(out)
}

/// Spark's `Utils.trimExceptCRLF`: Java `trim`, but escaped `\r`/`\n` at the ends survive.
pub fn trim_except_crlf(s: &str) -> &str {
    let keep = |c: char| c > ' ' || c == '\r' || c == '\n';
    match (s.find(keep), s.rfind(keep)) {
        (Some(first), Some(last)) => {
            let last_len = s[last..].chars().next().map_or(0, char::len_utf8);
            &s[first..last + last_len]
        }
        _ => "",
    }
}

struct LogicalLine {
    chars: Vec<char>,
    line: u32,
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{c}')
}

/// 1-based line number of every char (a `\r\n` pair ends one line).
fn line_numbers(chars: &[char]) -> Vec<u32> {
    let mut numbers = Vec::with_capacity(chars.len());
    let mut line = 1u32;
    for (i, &c) in chars.iter().enumerate() {
        numbers.push(line);
        let ends_line = c == '\n' || (c == '\r' && chars.get(i + 1) != Some(&'\n'));
        if ends_line {
            line = line.saturating_add(1);
        }
    }
    numbers
}

/// `Properties.LineReader`: splits into logical lines, dropping comments and blank lines.
fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let chars: Vec<char> = text.chars().collect();
    let numbers = line_numbers(&chars);
    let mut reader = LineReader::default();
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(done) = reader.feed(c, numbers[i], i + 1 == chars.len()) {
            out.push(done);
        }
    }
    out.extend(reader.finish());
    out
}

struct LineReader {
    buf: Vec<char>,
    start_line: u32,
    skip_white_space: bool,
    is_comment_line: bool,
    is_new_line: bool,
    appended_line_begin: bool,
    preceding_backslash: bool,
    skip_lf: bool,
}

impl Default for LineReader {
    fn default() -> Self {
        LineReader {
            buf: Vec::new(),
            start_line: 0,
            skip_white_space: true,
            is_comment_line: false,
            is_new_line: true,
            appended_line_begin: false,
            preceding_backslash: false,
            skip_lf: false,
        }
    }
}

impl LineReader {
    /// Consumes one char; returns a finished logical line when one ends here.
    fn feed(&mut self, c: char, line: u32, is_last: bool) -> Option<LogicalLine> {
        if self.skip_lf {
            self.skip_lf = false;
            if c == '\n' {
                return None;
            }
        }
        if self.skip_white_space {
            if is_blank(c) || (!self.appended_line_begin && (c == '\r' || c == '\n')) {
                return None;
            }
            self.skip_white_space = false;
            self.appended_line_begin = false;
        }
        if self.is_new_line {
            self.is_new_line = false;
            if c == '#' || c == '!' {
                self.is_comment_line = true;
                return None;
            }
        }
        if c != '\n' && c != '\r' {
            if self.buf.is_empty() {
                self.start_line = line;
            }
            self.buf.push(c);
            self.preceding_backslash = c == '\\' && !self.preceding_backslash;
            return None;
        }
        self.end_of_natural_line(c, is_last)
    }

    fn end_of_natural_line(&mut self, c: char, is_last: bool) -> Option<LogicalLine> {
        if self.is_comment_line || self.buf.is_empty() {
            *self = LineReader::default();
            return None;
        }
        if self.preceding_backslash && !is_last {
            self.buf.pop();
            self.skip_white_space = true;
            self.appended_line_begin = true;
            self.preceding_backslash = false;
            self.skip_lf = c == '\r';
            return None;
        }
        self.take()
    }

    fn take(&mut self) -> Option<LogicalLine> {
        if self.preceding_backslash {
            self.buf.pop();
        }
        let done = LogicalLine {
            chars: std::mem::take(&mut self.buf),
            line: self.start_line,
        };
        *self = LineReader::default();
        Some(done)
    }

    /// End of input: a pending non-comment line is emitted (a trailing backslash dropped).
    fn finish(mut self) -> Option<LogicalLine> {
        if self.buf.is_empty() || self.is_comment_line {
            return None;
        }
        self.take()
    }
}

/// `Properties.load0`: key, separator, value; then `loadConvert` on both.
fn split_key_value(logical: &LogicalLine) -> Result<PropertyLine, PropertiesSyntaxError> {
    let chars = &logical.chars;
    let limit = chars.len();
    let mut key_len = 0;
    let mut value_start = limit;
    let mut has_sep = false;
    let mut preceding_backslash = false;
    while key_len < limit {
        let c = chars[key_len];
        if (c == '=' || c == ':') && !preceding_backslash {
            value_start = key_len + 1;
            has_sep = true;
            break;
        } else if is_blank(c) && !preceding_backslash {
            value_start = key_len + 1;
            break;
        }
        preceding_backslash = c == '\\' && !preceding_backslash;
        key_len += 1;
    }
    while value_start < limit {
        let c = chars[value_start];
        if !is_blank(c) {
            if !has_sep && (c == '=' || c == ':') {
                has_sep = true;
            } else {
                break;
            }
        }
        value_start += 1;
    }
    let convert = |part: &[char]| {
        load_convert(part).map_err(|message| PropertiesSyntaxError {
            line: logical.line,
            message,
        })
    };
    Ok(PropertyLine {
        key: convert(&chars[..key_len])?,
        value: convert(&chars[value_start..])?,
        line: logical.line,
    })
}

/// `Properties.loadConvert`: resolves escapes. Works in UTF-16 units like Java, so a
/// surrogate pair written as two `\u` escapes becomes one character; a lone surrogate
/// becomes U+FFFD.
fn load_convert(part: &[char]) -> Result<String, String> {
    let mut out: Vec<u16> = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        let c = part[i];
        i += 1;
        if c != '\\' {
            push_utf16(&mut out, c);
            continue;
        }
        let Some(&escaped) = part.get(i) else { break };
        i += 1;
        match escaped {
            'u' => {
                let hex = part.get(i..i + 4).ok_or_else(malformed_unicode)?;
                out.push(hex_unit(hex).ok_or_else(malformed_unicode)?);
                i += 4;
            }
            't' => out.push(u16::from(b'\t')),
            'r' => out.push(u16::from(b'\r')),
            'n' => out.push(u16::from(b'\n')),
            'f' => out.push(0x0c),
            other => push_utf16(&mut out, other),
        }
    }
    Ok(String::from_utf16_lossy(&out))
}

fn malformed_unicode() -> String {
    "malformed \\uXXXX escape: expected exactly four hex digits after \\u \
     (Java: Malformed \\uxxxx encoding.)"
        .to_string()
}

fn push_utf16(out: &mut Vec<u16>, c: char) {
    let mut units = [0u16; 2];
    out.extend_from_slice(c.encode_utf16(&mut units));
}

fn hex_unit(hex: &[char]) -> Option<u16> {
    hex.iter().try_fold(0u16, |acc, c| {
        let digit = c.to_digit(16)?;
        Some((acc << 4) | u16::try_from(digit).ok()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String, u32)> {
        parse_properties(text)
            .unwrap()
            .into_iter()
            .map(|p| (p.key, p.value, p.line))
            .collect()
    }

    fn kv(text: &str) -> Vec<(String, String)> {
        pairs(text).into_iter().map(|(k, v, _)| (k, v)).collect()
    }

    fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn separators_equals_colon_and_whitespace() {
        let text = "a=1\nb:2\nc 3\nd\t4\ne = 5\nf   :   6\ng\n h=\n";
        assert_eq!(
            kv(text),
            owned(&[
                ("a", "1"),
                ("b", "2"),
                ("c", "3"),
                ("d", "4"),
                ("e", "5"),
                ("f", "6"),
                ("g", ""),
                ("h", "")
            ])
        );
    }

    #[test]
    fn only_one_separator_is_skipped() {
        assert_eq!(
            kv("a==b\nc = :d\ne  ==f"),
            owned(&[("a", "=b"), ("c", ":d"), ("e", "=f")])
        );
    }

    #[test]
    fn comments_and_blank_lines() {
        let text = "# comment\n! also\n   # indented comment\n\n  \t\nkey=value # not a comment\n";
        assert_eq!(
            pairs(text),
            vec![("key".into(), "value # not a comment".into(), 6)]
        );
    }

    #[test]
    fn comment_lines_never_continue() {
        assert_eq!(kv("# comment \\\nkey=v"), owned(&[("key", "v")]));
    }

    #[test]
    fn backslash_continuation_skips_leading_blanks() {
        let text = "spark.a = one, \\\n          two, \\\n   three\nnext=1";
        assert_eq!(
            pairs(text),
            vec![
                ("spark.a".into(), "one, two, three".into(), 1),
                ("next".into(), "1".into(), 4)
            ]
        );
    }

    #[test]
    fn even_backslashes_do_not_continue() {
        assert_eq!(kv("a=x\\\\\nb=y"), owned(&[("a", "x\\"), ("b", "y")]));
    }

    #[test]
    fn continuation_line_starting_with_hash_is_not_a_comment() {
        assert_eq!(kv("a=1\\\n#2"), owned(&[("a", "1#2")]));
    }

    #[test]
    fn continuation_ended_by_empty_line() {
        assert_eq!(kv("a=1\\\n\nb=2"), owned(&[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn trailing_backslash_at_eof_is_dropped() {
        assert_eq!(kv("a=1\\"), owned(&[("a", "1")]));
        assert_eq!(kv("a=1\\\n"), owned(&[("a", "1")]));
    }

    #[test]
    fn crlf_and_cr_line_endings() {
        assert_eq!(
            pairs("a=1\r\nb=2\rc=3"),
            vec![
                ("a".into(), "1".into(), 1),
                ("b".into(), "2".into(), 2),
                ("c".into(), "3".into(), 3)
            ]
        );
        assert_eq!(kv("a=1\\\r\n  2"), owned(&[("a", "12")]));
    }

    #[test]
    fn escapes() {
        assert_eq!(
            kv(r"key\ with\ spaces=a\tb\nc\u0041\u00e9\=\:\\z\q"),
            owned(&[("key with spaces", "a\tb\ncAé=:\\zq")])
        );
        assert_eq!(kv(r"k=\uD83D\uDE00"), owned(&[("k", "😀")]));
        assert_eq!(kv(r"a\=b=c"), owned(&[("a=b", "c")]));
    }

    #[test]
    fn malformed_unicode_escape_names_the_line() {
        let err = parse_properties("ok=1\nbad=\\u12G4\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("\\uXXXX"), "{}", err.message);
        assert_eq!(parse_properties("x=\\u12").unwrap_err().line, 1);
    }

    #[test]
    fn spark_trims_values_but_keeps_escaped_line_breaks() {
        let got = spark_properties("a =  v  \nb=\\n x \\n\nc=\\t y \\t\na=last").unwrap();
        let got: Vec<_> = got.into_iter().map(|p| (p.key, p.value, p.line)).collect();
        assert_eq!(
            got,
            vec![
                ("b".into(), "\n x \n".into(), 2),
                ("c".into(), "y".into(), 3),
                ("a".into(), "last".into(), 4)
            ]
        );
    }

    #[test]
    fn empty_and_odd_inputs_do_not_panic() {
        assert!(kv("").is_empty());
        // Java yields an empty key with an empty value for a lone backslash.
        assert_eq!(kv("\\"), owned(&[("", "")]));
        assert_eq!(kv("=v"), owned(&[("", "v")]));
        assert_eq!(kv("\u{feff}spark.a=1"), owned(&[("\u{feff}spark.a", "1")]));
    }
}
