//! Unit tests of pool building: value rules, warnings, robustness on hostile input.

use super::*;
use SchedulingMode::{Fair, Fifo};

fn build(xml: &str) -> Result<BuiltPools, PoolFileError> {
    build_pools_from_xml_str(xml, "test.xml", Fair, SparkVersion::V3_5)
}

fn table(built: &BuiltPools) -> Vec<(&str, i32, i32, SchedulingMode)> {
    built
        .pools
        .iter()
        .map(|p| (p.name.as_str(), p.min_share, p.weight, p.mode))
        .collect()
}

fn kinds(built: &BuiltPools) -> Vec<&PoolWarningKind> {
    built.warnings.iter().map(|w| &w.kind).collect()
}

#[test]
fn full_pool_reads_every_value_with_its_line() {
    let xml = "<allocations>\n<pool name=\"p\">\n<schedulingMode>fair</schedulingMode>\n\
               <weight> 2 </weight>\n<minShare>+3</minShare>\n</pool>\n</allocations>";
    let built = build(xml).unwrap();
    assert_eq!(
        table(&built),
        vec![("p", 3, 2, Fair), ("default", 0, 1, Fifo)]
    );
    let p = &built.pools[0];
    assert_eq!(p.origin, PoolOrigin::AllocationFile { line: 2 });
    assert_eq!(p.mode_from, ValueOrigin::File { line: 3 });
    assert_eq!(p.weight_from, ValueOrigin::File { line: 4 });
    assert_eq!(p.min_share_from, ValueOrigin::File { line: 5 });
    assert!(built.warnings.is_empty(), "{:?}", built.warnings);
    assert_eq!(built.pools[1].origin, PoolOrigin::DefaultAdded);
    assert_eq!(built.source.as_deref(), Some("test.xml"));
}

#[test]
fn missing_elements_use_defaults_with_spark_warnings() {
    let built = build("<allocations><pool name=\"p\"/></allocations>").unwrap();
    assert_eq!(
        table(&built),
        vec![("p", 0, 1, Fifo), ("default", 0, 1, Fifo)]
    );
    assert_eq!(built.pools[0].mode_from, ValueOrigin::DefaultMissing);
    assert_eq!(built.warnings.len(), 3);
    assert!(built.warnings.iter().all(|w| w.kind.logged_by_spark()));
}

#[test]
fn out_of_range_and_non_ascii_values_are_invalid() {
    let xml = "<a><pool name=\"p\"><minShare>2147483648</minShare><weight>1.0</weight>\
               <schedulingMode>fifo </schedulingMode></pool></a>";
    let built = build(xml).unwrap();
    assert_eq!(table(&built)[0], ("p", 0, 1, Fifo));
    assert_eq!(
        built.pools[0].min_share_from,
        ValueOrigin::DefaultInvalid {
            raw: "2147483648".into(),
            line: 1
        }
    );
    assert_eq!(built.pools[0].mode_from, ValueOrigin::File { line: 1 });
}

#[test]
fn default_pool_defined_in_file_is_not_added_again() {
    let xml = "<allocations><pool name=\"x\"/><pool name=\"default\"><schedulingMode>FAIR\
               </schedulingMode><weight>5</weight><minShare>1</minShare></pool></allocations>";
    let built = build(xml).unwrap();
    assert_eq!(
        table(&built),
        vec![("x", 0, 1, Fifo), ("default", 1, 5, Fair)]
    );
}

#[test]
fn nested_pools_are_flattened_in_document_order() {
    let xml = "<allocations><pool name=\"outer\"><weight>2</weight>\
               <pool name=\"inner\"><weight>3</weight></pool></pool>\
               <group><pool name=\"grouped\"/></group></allocations>";
    let built = build(xml).unwrap();
    let names: Vec<_> = built
        .pools
        .iter()
        .map(|p| (p.name.as_str(), p.weight))
        .collect();
    assert_eq!(
        names,
        vec![("outer", 2), ("inner", 3), ("grouped", 1), ("default", 1)]
    );
    assert!(kinds(&built).contains(&&PoolWarningKind::NestedPool {
        parent: "outer".into()
    }));
}

#[test]
fn root_element_named_pool_counts() {
    let built = build("<pool name=\"solo\"><minShare>4</minShare></pool>").unwrap();
    assert_eq!(table(&built)[0], ("solo", 4, 1, Fifo));
}

#[test]
fn duplicate_names_keep_both_and_warn() {
    let xml = "<allocations>\n<pool name=\"a\"><weight>1</weight></pool>\n\
               <pool name=\"a\"><weight>9</weight></pool>\n</allocations>";
    let built = build(xml).unwrap();
    assert_eq!(built.pools.len(), 3);
    assert_eq!(built.pool_named("a").map(|p| p.weight), Some(9));
    assert!(kinds(&built).contains(&&PoolWarningKind::DuplicatePoolName { first_line: 2 }));
}

#[test]
fn repeated_elements_concatenate_like_scala_xml() {
    let xml = "<a><pool name=\"p\"><minShare>1</minShare><minShare>2</minShare></pool></a>";
    let built = build(xml).unwrap();
    assert_eq!(built.pools[0].min_share, 12);
    assert!(kinds(&built).contains(&&PoolWarningKind::RepeatedElement {
        element: "minShare",
        count: 2
    }));
}

#[test]
fn text_includes_cdata_and_entities_but_not_comments() {
    let xml = "<a><pool name=\"p\"><weight><![CDATA[ 4]]><!-- c -->2</weight>\
               <schedulingMode>F&#65;IR</schedulingMode></pool></a>";
    let built = build(xml).unwrap();
    assert_eq!(table(&built)[0], ("p", 0, 42, Fair));
}

#[test]
fn typos_and_traps_are_reported() {
    let xml = "<allocations><pool><minshare>2</minshare><wieght>3</wieght><color/></pool>\
               <pool name=\" spaced \"><weight>0</weight><minShare>-1</minShare></pool>\
               <pool name=\"neg\"><weight>-2</weight></pool></allocations>";
    let built = build(xml).unwrap();
    let k = kinds(&built);
    assert!(k.contains(&&PoolWarningKind::EmptyPoolName));
    assert!(k.contains(&&PoolWarningKind::UnknownElement {
        element: "minshare".into(),
        suggestion: Some("minShare")
    }));
    assert!(k.contains(&&PoolWarningKind::UnknownElement {
        element: "wieght".into(),
        suggestion: Some("weight")
    }));
    assert!(k.contains(&&PoolWarningKind::UnknownElement {
        element: "color".into(),
        suggestion: None
    }));
    assert!(k.contains(&&PoolWarningKind::PoolNameWhitespace));
    assert!(k.contains(&&PoolWarningKind::NonPositiveWeight { weight: 0 }));
    assert!(k.contains(&&PoolWarningKind::NonPositiveWeight { weight: -2 }));
    assert!(k.contains(&&PoolWarningKind::NegativeMinShare { min_share: -1 }));
    assert_eq!(built.pools[0].name, "");
    let texts: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
    assert!(
        texts.iter().any(|t| t.contains("did you mean <minShare>?")),
        "{texts:?}"
    );
}

#[test]
fn file_without_pools_warns() {
    let built = build("<allocations/>").unwrap();
    assert_eq!(table(&built), vec![("default", 0, 1, Fifo)]);
    assert_eq!(kinds(&built), vec![&PoolWarningKind::NoPools]);
}

#[test]
fn fifo_mode_builds_nothing_and_ignores_the_file() {
    let built = build_pools(
        Fifo,
        Some(AllocationSource::Configured("/does/not/exist.xml".into())),
        SparkVersion::V3_5,
    )
    .unwrap();
    assert!(built.pools.is_empty());
    assert_eq!(
        kinds(&built),
        vec![&PoolWarningKind::AllocationFileIgnoredInFifoMode {
            file: "/does/not/exist.xml".into()
        }]
    );
    assert!(
        build_pools(Fifo, None, SparkVersion::V3_5)
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn no_file_default_pool_depends_on_version() {
    let new = build_pools(Fair, None, SparkVersion::V3_4).unwrap();
    assert_eq!(table(&new), vec![("default", 0, 1, Fair)]);
    assert_eq!(new.pools[0].origin, PoolOrigin::DefaultNoFile);
    assert_eq!(new.pools[0].mode_from, ValueOrigin::RootMode);
    assert_eq!(
        kinds(&new),
        vec![&PoolWarningKind::FairWithoutAllocationFile]
    );
    let old = build_pools(Fair, None, SparkVersion::V3_3).unwrap();
    assert_eq!(table(&old), vec![("default", 0, 1, Fifo)]);
    assert_eq!(old.pools[0].origin, PoolOrigin::DefaultAdded);
    assert!(old.warnings[0].kind.logged_by_spark());
    assert!(
        old.warnings[0]
            .to_string()
            .contains("scheduled in FIFO order")
    );
}

#[test]
fn unknown_pool_names_get_fifo_defaults() {
    let p = pool_for_unknown_name("testPool");
    assert_eq!(
        (p.name.as_str(), p.min_share, p.weight, p.mode),
        ("testPool", 0, 1, Fifo)
    );
    assert_eq!(p.origin, PoolOrigin::CreatedOnDemand);
}

#[test]
fn inline_source_and_pool_defs() {
    let src = AllocationSource::Inline {
        name: "scenario".into(),
        xml: "<allocations><pool name=\"a\"><minShare>2</minShare></pool></allocations>".into(),
    };
    let built = build_pools(Fair, Some(src), SparkVersion::V4_0).unwrap();
    let defs: Vec<_> = built.pool_defs().collect();
    assert_eq!(defs, vec![("a", Fifo, 2, 1), ("default", Fifo, 0, 1)]);
}

// ---- malformed and hostile input: errors, never panics ----

fn xml_error(xml: &str) -> (u32, u32) {
    match build(xml) {
        Err(PoolFileError::Xml {
            line, column, file, ..
        }) => {
            assert_eq!(file, "test.xml");
            (line, column)
        }
        other => panic!("expected an XML error, got {other:?}"),
    }
}

#[test]
fn malformed_xml_reports_line_and_column() {
    assert_eq!(
        xml_error("<allocations>\n  <pool name=\"a\">\n</allocations>").0,
        3
    );
    let (line, column) = xml_error("<a>\n<pool name='x' name='y'/></a>");
    assert_eq!((line, column > 1), (2, true));
    let err = build("<a><b></a>").unwrap_err();
    assert!(err.to_string().starts_with("test.xml:1:"), "{err}");
}

#[test]
fn empty_and_whitespace_input_are_errors() {
    xml_error("");
    xml_error("   \n  ");
    xml_error("\u{feff}");
}

#[test]
fn binary_garbage_is_an_error() {
    let mut state = 0x2545_f491_u32;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    let src = AllocationSource::Inline {
        name: "garbage".into(),
        xml: String::from_utf8_lossy(&garbage).into_owned(),
    };
    assert!(build_pools(Fair, Some(src), SparkVersion::V3_5).is_err());
    assert!(source::decode_utf8(&garbage, "garbage").is_err());
    assert!(build("\u{0}\u{1}<<>>&&;;").is_err());
}

#[test]
fn deeply_nested_pools_do_not_overflow_the_stack() {
    let depth = 100_000;
    let mut xml = String::with_capacity(depth * 24);
    for _ in 0..depth {
        xml.push_str("<pool name=\"n\">");
    }
    for _ in 0..depth {
        xml.push_str("</pool>");
    }
    let built = build(&xml).unwrap();
    assert_eq!(built.pools.len(), depth + 1);
    let unclosed = "<pool>".repeat(depth);
    assert!(build(&unclosed).is_err());
}

#[test]
fn ten_megabyte_file_parses() {
    let pool = "<pool name=\"p\"><minShare>1</minShare><weight>2</weight>\
                <schedulingMode>FAIR</schedulingMode></pool>\n";
    let count = 10 * 1024 * 1024 / pool.len() + 1;
    let xml = format!("<allocations>\n{}</allocations>", pool.repeat(count));
    assert!(xml.len() > 10 * 1024 * 1024);
    let built = build(&xml).unwrap();
    assert_eq!(built.pools.len(), count + 1);
    assert_eq!(
        built.pools[count - 1].origin,
        PoolOrigin::AllocationFile {
            line: count as u32 + 1
        }
    );
}
