//! SQLite's own allocations through mimalloc, the allocator the rest of `weft` uses.
//!
//! The bundled SQLite allocates with the C library's `malloc` by default, and keeps
//! global allocation statistics behind a mutex on every call. Under ingestion the
//! writer's connection allocates for every statement (parse trees, rows, page-cache
//! misses): 7 % of the server's CPU under ingestion went to the C library's allocator
//! on SQLite's behalf (`bench/README.md`). Routing SQLite through mimalloc gives it the
//! same thread-local fast path as the Rust side, and turning the statistics off removes
//! the mutex: Weft never reads `sqlite3_memory_used` nor sets a soft heap limit, which
//! are what they serve.
//!
//! SQLite accepts this configuration only before it initialises, i.e. before the
//! first connection opens in the process, so `main` calls [`install`] before it starts
//! the runtime.

use std::ffi::{c_int, c_void};

use libsqlite3_sys as ffi;

/// Points SQLite's allocator at mimalloc and turns its memory statistics off.
///
/// Returns the SQLite result code of the first configuration call that was refused
/// (`SQLITE_MISUSE` once SQLite is initialised), in which case SQLite keeps its defaults
/// and works as before.
///
/// # Safety
///
/// `sqlite3_config` is not thread-safe: no other thread may use SQLite while this runs.
/// Call it before starting any thread that could open a connection.
pub unsafe fn install() -> Result<(), c_int> {
    // SQLite copies the struct (SQLITE_CONFIG_MALLOC), so it may live on the stack.
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(malloc),
        xFree: Some(free),
        xRealloc: Some(realloc),
        xSize: Some(size),
        xRoundup: Some(roundup),
        xInit: Some(init),
        xShutdown: Some(shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: no other thread uses SQLite meanwhile (the caller's contract), and SQLite
    // itself refuses (SQLITE_MISUSE) once initialised. The functions in `methods` uphold
    // SQLite's allocator contract (8-byte aligned blocks, `xSize` of a block they
    // returned, null accepted by `xFree`). SQLITE_CONFIG_MEMSTATUS takes one `int`.
    unsafe {
        let rc = ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int);
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
        let rc = ffi::sqlite3_config(
            ffi::SQLITE_CONFIG_MALLOC,
            &methods as *const ffi::sqlite3_mem_methods,
        );
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
    }
    Ok(())
}

// The callbacks: SQLite passes sizes as positive `int`s (it never asks for 0 or a
// negative size; see sqlite3Malloc), mimalloc's blocks are at least 8-byte aligned, and
// `mi_usable_size` is the size of the block SQLite gave back, which is what `xSize` must
// report (the usable size may exceed the request, as with glibc's `malloc_usable_size`,
// which SQLite's default allocator reports the same way).

unsafe extern "C" fn malloc(n: c_int) -> *mut c_void {
    // SAFETY: any size is valid for mi_malloc; null on failure is what SQLite expects.
    unsafe { libmimalloc_sys::mi_malloc(n.max(0) as usize) }
}

unsafe extern "C" fn free(p: *mut c_void) {
    // SAFETY: `p` came from `malloc`/`realloc` above (or is null, which mi_free accepts).
    unsafe { libmimalloc_sys::mi_free(p) }
}

unsafe extern "C" fn realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: as `free`, for `p`; any size is valid.
    unsafe { libmimalloc_sys::mi_realloc(p, n.max(0) as usize) }
}

unsafe extern "C" fn size(p: *mut c_void) -> c_int {
    // SAFETY: `p` came from `malloc`/`realloc` above; mi_usable_size accepts null.
    let n = unsafe { libmimalloc_sys::mi_usable_size(p) };
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn roundup(n: c_int) -> c_int {
    // SAFETY: a pure function of the size.
    let n = unsafe { libmimalloc_sys::mi_good_size(n.max(0) as usize) };
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn shutdown(_: *mut c_void) {}
