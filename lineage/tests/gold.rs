//! The accuracy floor on the column-lineage gold corpus: micro F1 ≥ 0.96 overall and
//! ≥ 0.90 per origin, at most 1 % of cases errored, scored by the corpus's own
//! `score_lineage.py` (python3) exactly as `bench/lineage-gold.sh` does.

mod support {
    pub mod gold;
}
#[path = "../../tests/src/corpora.rs"]
mod corpora;

use std::io::Write;
use std::process::Command;

#[test]
fn gold_corpus_floor() {
    let Some(dir) = corpora::find(
        "corpus/lineage-gold",
        "gold: the column-lineage accuracy floor on the gold set",
    ) else {
        return;
    };
    let gold = std::fs::read_to_string(dir.join("gold.jsonl")).unwrap();
    let tmp = std::env::temp_dir().join(format!("weft-gold-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let pred_path = tmp.join("pred.jsonl");
    let mut pred = std::fs::File::create(&pred_path).unwrap();
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        writeln!(pred, "{}", support::gold::predict(&case)).unwrap();
    }
    drop(pred);
    let summary_path = tmp.join("summary.json");
    let run = Command::new("python3")
        .arg(dir.join("score_lineage.py"))
        .arg(dir.join("gold.jsonl"))
        .arg(&pred_path)
        .arg("--quiet")
        .arg("--json")
        .arg(&summary_path)
        .output()
        .expect("python3 runs the scorer");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary_path).unwrap()).unwrap();
    std::fs::remove_dir_all(&tmp).ok();
    let f1 = summary["F1"].as_f64().unwrap();
    let cases = summary["cases"].as_f64().unwrap();
    let errored = summary["errored"].as_f64().unwrap();
    assert!(f1 >= 0.96, "micro F1 {f1:.3} < 0.96: {summary}");
    assert!(
        errored / cases <= 0.01,
        "{errored} of {cases} cases errored"
    );
    for (origin, s) in summary["by_origin"].as_object().unwrap() {
        let f = s["F1"].as_f64().unwrap();
        assert!(f >= 0.90, "{origin}: F1 {f:.3} < 0.90");
    }
}
