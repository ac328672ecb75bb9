//! `parse_event_time`: the timestamp variants producers send, and what is refused.

mod common;

use weft_schemas::{Event, TimeErrorKind, parse_event_time};

/// Parses `input` and renders the instant in one canonical form.
fn check(input: &str, expected_utc: &str) {
    let t = parse_event_time(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(
        t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string(),
        expected_utc,
        "{input}"
    );
}

#[test]
fn accepted_forms() {
    let cases = [
        ("2020-12-28T19:51:01Z", "2020-12-28T19:51:01.000000000Z"),
        ("2020-12-28t19:51:01z", "2020-12-28T19:51:01.000000000Z"),
        ("2020-12-28 19:51:01Z", "2020-12-28T19:51:01.000000000Z"),
        ("2020-12-28T19:51:01.6Z", "2020-12-28T19:51:01.600000000Z"),
        ("2020-12-28T19:51:01.641Z", "2020-12-28T19:51:01.641000000Z"),
        (
            "2020-12-28T19:51:01.641499Z",
            "2020-12-28T19:51:01.641499000Z",
        ),
        (
            "2020-12-28T19:51:01.123456789Z",
            "2020-12-28T19:51:01.123456789Z",
        ),
        // Beyond nanoseconds: truncated, not rounded.
        (
            "2020-12-28T19:51:01.1234567899999Z",
            "2020-12-28T19:51:01.123456789Z",
        ),
        (
            "2020-12-28T19:52:00.001+10:00",
            "2020-12-28T09:52:00.001000000Z",
        ),
        ("2020-12-28T19:52:00+1000", "2020-12-28T09:52:00.000000000Z"),
        ("2020-12-28T19:52:00+10", "2020-12-28T09:52:00.000000000Z"),
        (
            "2020-12-28T01:52:00-05:30",
            "2020-12-28T07:22:00.000000000Z",
        ),
        (
            "2020-12-28T19:52:00.5-0530",
            "2020-12-29T01:22:00.500000000Z",
        ),
        (
            "2020-12-28T19:52:00-00:00",
            "2020-12-28T19:52:00.000000000Z",
        ),
        // No offset: UTC.
        ("2020-12-28T19:51:01", "2020-12-28T19:51:01.000000000Z"),
        (
            "2020-12-28 19:51:01.641499",
            "2020-12-28T19:51:01.641499000Z",
        ),
        // Offset crossing a year boundary, leap day.
        (
            "2024-12-31T23:30:00-01:00",
            "2025-01-01T00:30:00.000000000Z",
        ),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000000000Z"),
    ];
    for (input, expected) in cases {
        check(input, expected);
    }
}

#[test]
fn refused_forms_say_where_and_why() {
    let cases = [
        ("", 0, TimeErrorKind::Expected("a 4-digit year")),
        ("yesterday", 0, TimeErrorKind::Expected("a 4-digit year")),
        (
            "2020-12-28",
            10,
            TimeErrorKind::Expected("'T' or ' ' between date and time"),
        ),
        ("2020-12-28T19:51", 16, TimeErrorKind::Expected("':'")),
        (
            "2020-12-28T19:51:01.Z",
            20,
            TimeErrorKind::Expected("fraction digits after '.'"),
        ),
        (
            "2020-12-28T19:51:01 UTC",
            19,
            TimeErrorKind::Expected("'Z', '+' or '-' offset"),
        ),
        (
            "2020-12-28T19:51:01+1",
            20,
            TimeErrorKind::Expected("2-digit offset hours"),
        ),
        ("2020-12-28T19:51:01Zjunk", 20, TimeErrorKind::Trailing),
        ("2020-12-28T19:51:01+10:00:00", 25, TimeErrorKind::Trailing),
        (
            "2020-13-28T19:51:01Z",
            10,
            TimeErrorKind::OutOfRange("date"),
        ),
        (
            "2023-02-29T19:51:01Z",
            10,
            TimeErrorKind::OutOfRange("date"),
        ),
        (
            "2020-12-28T24:00:00Z",
            19,
            TimeErrorKind::OutOfRange("time of day"),
        ),
        (
            "2020-12-28T19:51:01+24:00",
            19,
            TimeErrorKind::OutOfRange("offset"),
        ),
        (
            "2020-12-28T19:51:01+10:60",
            25,
            TimeErrorKind::OutOfRange("offset minutes"),
        ),
        ("1714557600", 4, TimeErrorKind::Expected("'-'")),
    ];
    for (input, position, kind) in cases {
        let err = parse_event_time(input).expect_err(input);
        assert_eq!((err.position, err.kind), (position, kind), "{input}: {err}");
        assert_eq!(err.input, input);
    }
}

#[test]
fn error_messages_quote_a_bounded_input() {
    let err = parse_event_time("nope").expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "invalid timestamp \"nope\": expected a 4-digit year at byte 0"
    );
    let long = "x".repeat(10_000);
    let message = parse_event_time(&long).expect_err("invalid").to_string();
    assert!(message.len() < 200, "{message}");
}

#[test]
fn events_with_nanoseconds_with_and_without_an_offset() {
    let dir = common::own_events_dir();
    let read = |file: &str| {
        let bytes = std::fs::read(dir.join(file)).expect(file);
        Event::from_slice(&bytes).expect(file)
    };
    let with_zone = read("time_nanoseconds_utc.json");
    let without_zone = read("time_no_offset.json");
    // Kept as sent: no normalisation of the string itself.
    assert_eq!(with_zone.event_time(), "2024-03-04T13:45:30.123456789Z");
    assert_eq!(without_zone.event_time(), "2024-03-04T13:45:30.123456789");
    let a = parse_event_time(with_zone.event_time()).expect("parses");
    let b = parse_event_time(without_zone.event_time()).expect("parses");
    assert_eq!(a, b, "no offset is read as UTC");
    assert_eq!(a.timestamp_nanos_opt(), Some(1_709_559_930_123_456_789));
}

/// Parses the time of every accepted event of `samples`.
fn event_times_parse(samples: &[common::Sample]) {
    for s in samples.iter().filter(|s| s.expected_status() == 201) {
        let event = Event::from_slice(&s.bytes).expect(&s.file);
        parse_event_time(event.event_time()).unwrap_or_else(|e| panic!("{}: {e}", s.file));
    }
}

#[test]
fn every_event_time_in_the_own_events_parses() {
    event_times_parse(&common::samples(&common::own_events_dir()));
}

#[test]
fn every_event_time_in_the_corpus_parses() {
    if let Some(samples) = common::corpus_samples("event_time: every corpus event time parses") {
        event_times_parse(&samples);
    }
}
