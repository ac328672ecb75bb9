//! Refused messages to the dead-letter topic: the original key, value and headers,
//! plus headers that say why and where from.

use rdkafka::Message;
use rdkafka::message::{Header, Headers, OwnedHeaders, OwnedMessage};

/// The header carrying the refusal's message.
pub const ERROR: &str = "weft.error";
/// The header carrying the JSON path the refusal names (empty for the whole message).
pub const ERROR_PATH: &str = "weft.error.path";
/// The header carrying the topic the message was read from.
pub const SOURCE_TOPIC: &str = "weft.source.topic";
/// The header carrying the partition it was read from (decimal).
pub const SOURCE_PARTITION: &str = "weft.source.partition";
/// The header carrying its offset (decimal).
pub const SOURCE_OFFSET: &str = "weft.source.offset";
/// The header carrying the refused item's index in a batch message (decimal; -1 when
/// the whole message was refused).
pub const ITEM: &str = "weft.item";

/// One refused item of a message.
#[derive(Debug, Clone)]
pub(crate) struct Refused {
    /// Its index in a batch; -1 for the whole message.
    pub item: i32,
    /// Why.
    pub message: String,
    /// Where in the event.
    pub path: String,
}

/// The headers of the dead-letter copy of `msg` for `refused`: the original ones, then
/// Weft's.
pub(crate) fn headers(msg: &OwnedMessage, refused: &Refused) -> OwnedHeaders {
    let mut out = OwnedHeaders::new();
    if let Some(h) = msg.headers() {
        for header in h.iter() {
            out = out.insert(Header {
                key: header.key,
                value: header.value,
            });
        }
    }
    let partition = msg.partition().to_string();
    let offset = msg.offset().to_string();
    let item = refused.item.to_string();
    for (key, value) in [
        (ERROR, refused.message.as_str()),
        (ERROR_PATH, refused.path.as_str()),
        (SOURCE_TOPIC, msg.topic()),
        (SOURCE_PARTITION, partition.as_str()),
        (SOURCE_OFFSET, offset.as_str()),
        (ITEM, item.as_str()),
    ] {
        out = out.insert(Header {
            key,
            value: Some(value),
        });
    }
    out
}
