//! A per-thread buffer reused across calls: allocating (and faulting in) a fresh
//! megabyte-sized buffer costs more than LZ4 itself, so the compressor writes here and only
//! the final envelope is allocated.

use std::cell::RefCell;

/// Scratch larger than this is released after the call instead of being kept for the thread.
const RETAINED_SCRATCH_LIMIT: usize = 8 * 1024 * 1024;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's scratch buffer (or a fresh one if it is already in use, as in
/// a re-entrant call).
pub fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let result = f(&mut scratch);
            if scratch.capacity() > RETAINED_SCRATCH_LIMIT {
                *scratch = Vec::new();
            }
            result
        }
        Err(_) => f(&mut Vec::new()),
    })
}

/// Takes this thread's scratch buffer out (leaving an empty one) for a caller that must hold
/// it across calls; hand it back with [`give_back_scratch`].
pub fn take_scratch() -> Vec<u8> {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => std::mem::take(&mut *scratch),
        Err(_) => Vec::new(),
    })
}

/// Returns a buffer taken with [`take_scratch`], keeping the larger of the two.
pub fn give_back_scratch(buffer: Vec<u8>) {
    if buffer.capacity() > RETAINED_SCRATCH_LIMIT {
        return;
    }
    SCRATCH.with(|cell| {
        if let Ok(mut scratch) = cell.try_borrow_mut() {
            if buffer.capacity() > scratch.capacity() {
                *scratch = buffer;
            }
        }
    });
}
