//! The SQLite WAL stays bounded while events stream in, and is emptied once the server
//! is idle (the server checkpoints it: RESTART past a size, TRUNCATE when idle).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use weft_tests::{Backend, Server};

/// Bound on the WAL file while under load (bytes).
const BOUND: u64 = 64 * 1024 * 1024;

fn batch(start: u32, n: u32) -> String {
    let pad = "x".repeat(4000);
    let events: Vec<_> = (start..start + n)
        .map(|i| {
            json!({
                "eventTime": "2024-01-01T00:00:00Z",
                "producer": "https://example.com/weft-tests",
                "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                "eventType": "COMPLETE",
                "run": {"runId": format!("00000000-0000-4000-8000-{i:012}")},
                "job": {"namespace": "wal", "name": format!("job_{}", i % 50),
                        "facets": {"documentation": {"_producer": "p", "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/DocumentationJobFacet.json",
                                   "description": format!("{pad}{i}")}}},
                "inputs": [{"namespace": "wal", "name": format!("in_{}", i % 200)}],
                "outputs": [{"namespace": "wal", "name": format!("out_{}", i % 200)}]
            })
        })
        .collect();
    serde_json::Value::Array(events).to_string()
}

fn wal_size(server: &Server) -> u64 {
    std::fs::metadata(server.data_dir.path().join("weft.db-wal"))
        .map(|m| m.len())
        .unwrap_or(0)
}

#[test]
fn the_wal_stays_bounded_under_load_and_empties_when_idle() {
    let mut server = Server::start(Backend::Sqlite, &[]);
    let max = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|s| {
        let server = &server;
        let (max, done) = (&max, &done);
        s.spawn(move || {
            while !done.load(Ordering::Relaxed) {
                max.fetch_max(wal_size(server), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let posters: Vec<_> = (0..4u32)
            .map(|t| {
                s.spawn(move || {
                    for b in 0..10u32 {
                        let start = t * 100_000 + b * 100;
                        let (st, text) = server.post_event(batch(start, 100));
                        assert_eq!(st, 201, "{text}");
                    }
                })
            })
            .collect();
        for p in posters {
            p.join().expect("poster");
        }
        done.store(true, Ordering::Relaxed);
    });
    let max = max.into_inner().max(wal_size(&server));
    eprintln!(
        "4000 events in {:?}; largest WAL {max} bytes",
        started.elapsed()
    );
    assert!(max < BOUND, "the WAL reached {max} bytes under load");
    // Idle: within a few seconds the WAL is emptied.
    let idle = Instant::now();
    let mut size = wal_size(&server);
    while size > 64 * 1024 && idle.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
        size = wal_size(&server);
    }
    assert!(
        size <= 64 * 1024,
        "the WAL still holds {size} bytes {:?} after the last write",
        idle.elapsed()
    );
    let out = server.weft(&["verify"]);
    assert!(out.status.success());
    assert!(server.terminate());
}
