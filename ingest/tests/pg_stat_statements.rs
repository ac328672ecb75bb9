//! `pg_stat_statements` against a throwaway cluster started with the module preloaded
//! (the machine's own Postgres does not preload it). Needs `initdb` and `pg_ctl` under
//! `/usr/lib/postgresql/*/bin`; fails, never skips, when they are missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use weft_ingest::crawl::pg_stat_statements;

/// The newest Postgres server binaries on the machine.
fn pg_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().unwrap_or_else(|| {
        panic!(
            "initdb not found under /usr/lib/postgresql/*/bin: install the PostgreSQL server \
             package to run the pg_stat_statements test"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a server binary as the `postgres` OS user when we are root (initdb refuses
/// root).
fn run_as_postgres(program: &Path, args: &[&str]) {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A running throwaway cluster; stopped and removed on drop, whatever happened.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    // Dropped after `drop` below has stopped the server.
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let bin = pg_bin();
        let dir = tempfile::Builder::new()
            .prefix("weft-pgss-")
            .tempdir()
            .expect("temp dir");
        if is_root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(ok.success(), "chown of the cluster directory failed");
        }
        let data = dir.path().join("data");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let data_s = data.to_string_lossy().into_owned();
        run_as_postgres(
            &bin.join("initdb"),
            &[
                "-D",
                &data_s,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let cluster = Cluster {
            bin,
            data,
            port,
            _dir: dir,
        };
        let log = cluster
            .data
            .join("server.log")
            .to_string_lossy()
            .into_owned();
        let opts = format!(
            "-p {port} -k {} -c shared_preload_libraries=pg_stat_statements \
             -c listen_addresses=127.0.0.1 -c fsync=off",
            cluster._dir.path().display()
        );
        run_as_postgres(
            &cluster.bin.join("pg_ctl"),
            &["-D", &data_s, "-l", &log, "-w", "-o", &opts, "start"],
        );
        cluster
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data.to_string_lossy().into_owned();
        let pg_ctl = self.bin.join("pg_ctl");
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        // Best effort: the directory goes away with the TempDir either way.
        let _ = cmd
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_come_back_normalised_with_their_counts() {
    let cluster = Cluster::start();
    let url = cluster.url();

    assert_eq!(
        pg_stat_statements(&url).await.expect("query"),
        None,
        "not installed in this database yet"
    );

    let mut conn = PgConnectOptions::from_str(&url)
        .expect("url")
        .connect()
        .await
        .expect("connect to the throwaway cluster");
    sqlx::raw_sql(
        "CREATE EXTENSION pg_stat_statements;
         CREATE TABLE t (id int, v text);
         CREATE TABLE u (id int, v text);
         INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g;",
    )
    .execute(&mut conn)
    .await
    .expect("setup");
    sqlx::raw_sql("SELECT pg_stat_statements_reset()")
        .execute(&mut conn)
        .await
        .expect("reset");
    for id in 1..=5 {
        // Simple protocol with literals: Postgres normalises them to $1.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "SELECT v FROM t WHERE id = {id}"
        )))
        .execute(&mut conn)
        .await
        .expect("select");
    }
    for _ in 0..2 {
        sqlx::raw_sql("INSERT INTO u SELECT id, v FROM t WHERE id > 7")
            .execute(&mut conn)
            .await
            .expect("insert");
    }
    conn.close().await.ok();

    let stats = pg_stat_statements(&url)
        .await
        .expect("query")
        .expect("installed now");
    let find = |text: &str| {
        stats
            .iter()
            .find(|s| s.query == text)
            .unwrap_or_else(|| panic!("no `{text}` in {stats:#?}"))
    };
    let select = find("SELECT v FROM t WHERE id = $1");
    assert_eq!((select.calls, select.rows), (5, 5));
    assert_eq!(select.user, "postgres");
    assert_eq!(select.database, "postgres");
    let insert = find("INSERT INTO u SELECT id, v FROM t WHERE id > $1");
    assert_eq!((insert.calls, insert.rows), (2, 6));
    assert_ne!(select.queryid, insert.queryid);
    assert!(stats.iter().all(|s| s.database == "postgres"));
}
