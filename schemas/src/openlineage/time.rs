//! Parsing `eventTime` (and other OpenLineage timestamps) into an instant.
//!
//! The spec asks for RFC 3339, but producers send variants that Marquez accepts:
//! microsecond or nanosecond fractions, `+0200` or `+02` offsets, a space instead of
//! `T`, or no offset at all. The string itself is kept in the event as received; this
//! parser only answers "which instant is it".

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// What was wrong with a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeErrorKind {
    /// A character other than the one the format needs at this position.
    #[error("expected {0}")]
    Expected(&'static str),
    /// Well-formed digits naming an impossible value (month 13, hour 25, offset +24:00).
    #[error("{0} out of range")]
    OutOfRange(&'static str),
    /// Characters left after a complete timestamp.
    #[error("unexpected trailing characters")]
    Trailing,
}

/// A timestamp that could not be parsed, with the input and byte position attached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {}: {kind} at byte {position}", shorten(.input))]
pub struct TimeError {
    /// The string that failed to parse.
    pub input: String,
    /// Byte offset in `input` where parsing stopped.
    pub position: usize,
    /// What was wrong there.
    pub kind: TimeErrorKind,
}

/// Parses an OpenLineage timestamp into a UTC instant.
///
/// Accepted: `YYYY-MM-DD`, then `T`, `t` or a space, then `hh:mm:ss`, then optionally `.`
/// and any number of fraction digits (digits beyond nanoseconds are truncated), then an
/// optional offset: `Z`/`z`, `±hh:mm`, `±hhmm` or `±hh`.
///
/// **A timestamp without an offset is taken as UTC.** The spec requires an offset, but
/// Marquez accepts such events (its fixture `event_required_no_timezone.json`) and UTC
/// is the only choice that does not depend on the server's local zone.
///
/// ```
/// use weft_schemas::parse_event_time;
/// let a = parse_event_time("2020-12-28T19:51:01.641499Z")?;
/// let b = parse_event_time("2020-12-28 20:51:01.641499+0100")?;
/// let c = parse_event_time("2020-12-28T19:51:01.641499")?; // no offset: UTC
/// assert!(a == b && b == c);
/// # Ok::<(), weft_schemas::TimeError>(())
/// ```
pub fn parse_event_time(s: &str) -> Result<DateTime<Utc>, TimeError> {
    let mut p = Cursor { input: s, pos: 0 };
    let year = p.number(4, "a 4-digit year")?;
    p.literal(b'-', "'-'")?;
    let month = p.number(2, "a 2-digit month")?;
    p.literal(b'-', "'-'")?;
    let day = p.number(2, "a 2-digit day")?;
    let date_end = p.pos;
    if !p.eat(|b| matches!(b, b'T' | b't' | b' ')) {
        return Err(p.error(TimeErrorKind::Expected("'T' or ' ' between date and time")));
    }
    let hour = p.number(2, "a 2-digit hour")?;
    p.literal(b':', "':'")?;
    let minute = p.number(2, "2-digit minutes")?;
    p.literal(b':', "':'")?;
    let second = p.number(2, "2-digit seconds")?;
    let time_end = p.pos;
    let nanos = if p.eat(|b| b == b'.') {
        p.fraction()?
    } else {
        0
    };
    let offset_start = p.pos;
    let offset_seconds = p.offset()?;
    if p.pos < s.len() {
        return Err(p.error(TimeErrorKind::Trailing));
    }

    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| p.error_at(date_end, TimeErrorKind::OutOfRange("date")))?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
        .ok_or_else(|| p.error_at(time_end, TimeErrorKind::OutOfRange("time of day")))?;
    let offset = FixedOffset::east_opt(offset_seconds)
        .ok_or_else(|| p.error_at(offset_start, TimeErrorKind::OutOfRange("offset")))?;
    offset
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| p.error_at(offset_start, TimeErrorKind::OutOfRange("instant")))
}

/// A position in the input; every method advances it only on success.
struct Cursor<'a> {
    input: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.input.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, accept: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(b) if accept(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn literal(&mut self, byte: u8, what: &'static str) -> Result<(), TimeError> {
        if self.eat(|b| b == byte) {
            Ok(())
        } else {
            Err(self.error(TimeErrorKind::Expected(what)))
        }
    }

    /// Exactly `width` ASCII digits; an error points at the start of the number.
    fn number(&mut self, width: usize, what: &'static str) -> Result<u32, TimeError> {
        let digits = self
            .input
            .as_bytes()
            .get(self.pos..self.pos + width)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .ok_or_else(|| self.error(TimeErrorKind::Expected(what)))?;
        let value = digits
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'));
        self.pos += width;
        Ok(value)
    }

    /// One or more digits after the decimal point, as nanoseconds (extra digits dropped).
    fn fraction(&mut self) -> Result<u32, TimeError> {
        let mut nanos = 0;
        let mut digits = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if digits < 9 {
                nanos = nanos * 10 + u32::from(b - b'0');
            }
            digits += 1;
            self.pos += 1;
        }
        if digits == 0 {
            return Err(self.error(TimeErrorKind::Expected("fraction digits after '.'")));
        }
        for _ in digits..9 {
            nanos *= 10;
        }
        Ok(nanos)
    }

    /// Offset east of UTC in seconds; 0 for `Z` or no offset at all.
    fn offset(&mut self) -> Result<i32, TimeError> {
        let sign = match self.peek() {
            None => return Ok(0),
            Some(b'Z' | b'z') => {
                self.pos += 1;
                return Ok(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err(self.error(TimeErrorKind::Expected("'Z', '+' or '-' offset"))),
        };
        self.pos += 1;
        let hours = self.number(2, "2-digit offset hours")?;
        // `+hh:mm` and `+hhmm` carry minutes, `+hh` does not.
        let colon = self.eat(|b| b == b':');
        let minutes = if colon || matches!(self.peek(), Some(b'0'..=b'9')) {
            self.number(2, "2-digit offset minutes")?
        } else {
            0
        };
        if minutes >= 60 {
            return Err(self.error(TimeErrorKind::OutOfRange("offset minutes")));
        }
        // At most 99 * 3600 + 59 * 60, which fits an i32; the range check is chrono's.
        Ok(sign * (hours * 3600 + minutes * 60) as i32)
    }

    fn error(&self, kind: TimeErrorKind) -> TimeError {
        self.error_at(self.pos, kind)
    }

    fn error_at(&self, position: usize, kind: TimeErrorKind) -> TimeError {
        TimeError {
            input: self.input.to_owned(),
            position,
            kind,
        }
    }
}

/// The input quoted for an error message, cut short so a hostile body cannot make the
/// message (and the logs it lands in) arbitrarily large.
fn shorten(input: &str) -> String {
    const MAX_CHARS: usize = 64;
    if input.chars().count() <= MAX_CHARS {
        format!("{input:?}")
    } else {
        let head: String = input.chars().take(MAX_CHARS).collect();
        format!("{head:?}…")
    }
}
