//! Arbitrary bytes as an envelope: retrieve must never panic, `validate` must agree with it,
//! and whatever it accepts must survive a store/retrieve round trip unchanged.
#![no_main]

use cachekit_core::envelope::ByteStorage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|envelope: &[u8]| {
    let storage = ByteStorage::default();
    let retrieved = storage.retrieve(envelope);
    assert_eq!(storage.validate(envelope), retrieved.is_ok());
    if let Ok(retrieved) = retrieved {
        let again = storage
            .store(&retrieved.data, Some(&retrieved.format))
            .expect("an accepted payload can be stored again");
        assert_eq!(storage.retrieve(&again).expect("round trip"), retrieved);
    }
});
