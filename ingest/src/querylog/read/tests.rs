use serde_json::Value;

use super::*;

#[test]
fn timestamps_in_the_vendors_formats() {
    let t = |s: &str| parse_time(&Value::String(s.into())).unwrap();
    let base = 1_714_557_600_000_000; // 2024-05-01T10:00:00Z
    assert_eq!(t("2024-05-01T10:00:00Z"), base);
    assert_eq!(t("2024-05-01 03:00:00.000 -0700"), base);
    assert_eq!(t("2024-05-01 03:00:00.123 -0700"), base + 123_000);
    assert_eq!(t("2024-05-01 10:00:00 UTC"), base);
    assert_eq!(t("2024-05-01 10:00:00.5 UTC"), base + 500_000);
    assert_eq!(t("2024-05-01 10:00:00.000001"), base + 1);
    assert_eq!(t("2024-05-01T12:00:00+02:00"), base);
    assert_eq!(t("1714557600"), base);
    assert_eq!(t("1714557600000"), base);
    assert_eq!(
        parse_time(&serde_json::json!(1714557600.5)).unwrap(),
        base + 500_000
    );
    assert!(parse_time(&Value::String("yesterday".into())).is_err());
}

#[test]
fn csv_fields_with_quotes_and_line_breaks() {
    let log = "QUERY_ID,QUERY_TEXT,USER_NAME,START_TIME\n\
               a1,\"SELECT \"\"x\"\", 'a,b'\nFROM t\",ANN,2024-05-01 10:00:00 UTC\n\
               a2,SELECT 1,BOB\n\
               a3,SELECT 2,CAROL,2024-05-01 10:00:00 UTC\n";
    let recs: Vec<_> = read_log(Format::Snowflake, log.as_bytes()).collect();
    assert_eq!(recs.len(), 3);
    let first = recs[0].as_ref().unwrap();
    assert_eq!(first.query, "SELECT \"x\", 'a,b'\nFROM t");
    assert_eq!(recs[1].as_ref().unwrap_err().line, 4);
    assert_eq!(recs[2].as_ref().unwrap().user.as_deref(), Some("CAROL"));
}
