//! The bridges of all kept connections, one per connection, by name: the tray reads their
//! a tray action reports through its connection's bridge.

use crate::bridge::Bridge;
use lexguard::connections::ConnectionName;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Manager, Runtime};

/// Managed by the app once its first connection starts.
pub struct Bridges<R: Runtime>(Mutex<BTreeMap<ConnectionName, Arc<Bridge<R>>>>);

impl<R: Runtime> Default for Bridges<R> {
    fn default() -> Self {
        Bridges(Mutex::new(BTreeMap::new()))
    }
}

impl<R: Runtime> Bridges<R> {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<ConnectionName, Arc<Bridge<R>>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn insert(&self, bridge: Arc<Bridge<R>>) {
        self.lock().insert(bridge.name().clone(), bridge);
    }

    pub fn remove(&self, name: &ConnectionName) -> Option<Arc<Bridge<R>>> {
        self.lock().remove(name)
    }

    #[cfg_attr(test, allow(dead_code))]
    pub fn get(&self, name: &ConnectionName) -> Option<Arc<Bridge<R>>> {
        self.lock().get(name).cloned()
    }
}

/// The bridge of connection `name`, if the app runs it.
#[cfg_attr(test, allow(dead_code))]
pub fn of<R: Runtime>(app: &AppHandle<R>, name: &ConnectionName) -> Option<Arc<Bridge<R>>> {
    app.try_state::<Bridges<R>>()?.get(name)
}
