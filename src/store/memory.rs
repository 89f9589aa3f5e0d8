//! An in-memory store with fault injection, for unit tests of logic. The real keychain is
//! tested separately (Secret Service in a private D-Bus session).

use super::{SecretStore, StoreError};
use crate::error::KeychainFault;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default, Clone)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    values: HashMap<String, String>,
    fail_reads: Option<KeychainFault>,
    fail_writes: Option<KeychainFault>,
    /// Writes that still succeed before `fail_writes` takes effect.
    writes_before_failing: u32,
    /// Refuses values longer than this many UTF-16 units, as Windows' Credential Manager does
    /// (1,280).
    max_units: Option<usize>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes every read fail (`None` heals).
    pub fn fail_reads(&self, fault: Option<KeychainFault>) {
        self.lock().fail_reads = fault;
    }

    /// Makes every write and delete fail (`None` heals).
    pub fn fail_writes(&self, fault: Option<KeychainFault>) {
        self.lock().fail_writes = fault;
    }

    /// Lets the next `n` writes succeed, then fails every write: a keychain that gets locked
    /// while a refresh is on its way (the check before it passes, the write after it fails).
    pub fn fail_writes_after(&self, n: u32, fault: KeychainFault) {
        let mut inner = self.lock();
        inner.writes_before_failing = n;
        inner.fail_writes = Some(fault);
    }

    /// Refuses every value longer than `units` UTF-16 units, like Windows' Credential Manager.
    pub fn refuse_longer_than(&self, units: usize) {
        self.lock().max_units = Some(units);
    }

    /// A new store with a copy of the values and no injected faults, for tests that look
    /// inside.
    pub fn snapshot(&self) -> MemoryStore {
        let copy = MemoryStore::new();
        copy.lock().values = self.lock().values.clone();
        copy
    }

    /// The names of all entries, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.lock().values.keys().cloned().collect();
        names.sort();
        names
    }

    /// The raw stored value, for tests that look inside.
    pub fn raw(&self, name: &str) -> Option<String> {
        self.lock().values.get(name).cloned()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore")
    }
}

fn err(fault: KeychainFault) -> StoreError {
    StoreError {
        fault,
        detail: "injected fault".into(),
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<String>, StoreError> {
        let inner = self.lock();
        match inner.fail_reads {
            Some(f) => Err(err(f)),
            None => Ok(inner.values.get(name).cloned()),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if let Some(f) = inner.fail_writes {
            if inner.writes_before_failing == 0 {
                return Err(err(f));
            }
            inner.writes_before_failing -= 1;
        }
        if let Some(max) = inner.max_units
            && value.encode_utf16().count() > max
        {
            return Err(StoreError {
                fault: KeychainFault::Failed,
                detail: format!("value longer than {max} UTF-16 units"),
            });
        }
        inner.values.insert(name.into(), value.into());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if let Some(f) = inner.fail_writes {
            return Err(err(f));
        }
        inner.values.remove(name);
        Ok(())
    }
}
