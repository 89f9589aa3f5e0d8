//! Every connection the app keeps alive, side by side: one engine each, with its own worker
//! (lock, schedule, backoff), and the one the window works on now ("selected"). The window's
//! commands act on the selected connection; the tray and the notifications see all of them.
//! No Tauri here: the shell's parts that render hold their own per-connection pieces.

use crate::requests::EngineHandle;
use lexguard::connections::ConnectionName;
use lexguard::{ConnState, Status};
use serde::Serialize;
use std::sync::Mutex;

/// One kept connection.
#[derive(Clone)]
pub struct Member {
    pub name: ConnectionName,
    pub handle: EngineHandle,
}

/// The connections, `default` first then by name, and the selected one's name.
pub struct Fleet {
    members: Mutex<Vec<Member>>,
    selected: Mutex<ConnectionName>,
}

impl Fleet {
    /// A fleet of one, selected.
    pub fn of(first: Member) -> Fleet {
        Fleet {
            selected: Mutex::new(first.name.clone()),
            members: Mutex::new(vec![first]),
        }
    }

    fn lock_members(&self) -> std::sync::MutexGuard<'_, Vec<Member>> {
        self.members.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every member, in the listing's order.
    pub fn all(&self) -> Vec<Member> {
        self.lock_members().clone()
    }

    pub fn len(&self) -> usize {
        self.lock_members().len()
    }

    pub fn get(&self, name: &ConnectionName) -> Option<Member> {
        self.lock_members()
            .iter()
            .find(|m| &m.name == name)
            .cloned()
    }

    /// The member the window works on (the first one if the selected one went away).
    pub fn selected(&self) -> Member {
        let name = self
            .selected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let members = self.lock_members();
        members
            .iter()
            .find(|m| m.name == name)
            .or_else(|| members.first())
            .cloned()
            .expect("a fleet is never empty")
    }

    /// Adds a member; `false` when one of that name is there already.
    pub fn add(&self, member: Member) -> bool {
        let mut members = self.lock_members();
        if members.iter().any(|m| m.name == member.name) {
            return false;
        }
        members.push(member);
        members
            .sort_by(|a, b| (!a.name.is_default(), &a.name).cmp(&(!b.name.is_default(), &b.name)));
        true
    }

    /// Takes a member out (its folder went); the last one always stays.
    pub fn remove(&self, name: &ConnectionName) -> Option<Member> {
        let mut members = self.lock_members();
        if members.len() <= 1 {
            return None;
        }
        let at = members.iter().position(|m| &m.name == name)?;
        Some(members.remove(at))
    }

    /// Makes `name` the selected connection; `false` when there is none of that name.
    pub fn select(&self, name: &ConnectionName) -> bool {
        if self.get(name).is_none() {
            return false;
        }
        *self.selected.lock().unwrap_or_else(|e| e.into_inner()) = name.clone();
        true
    }
}

/// One connection as the window's list shows it (no secrets: names, state, words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ConnectionLine {
    /// The connection's name (`default`, `muster-gmbh`).
    pub name: String,
    /// What a person tells it by: the company, else the name.
    pub label: String,
    pub company: Option<String>,
    pub state: ConnState,
    pub headline: String,
    /// The window works on this one now.
    pub selected: bool,
}

impl ConnectionLine {
    pub fn of(name: &ConnectionName, status: &Status, selected: bool) -> ConnectionLine {
        ConnectionLine {
            name: name.to_string(),
            label: lexguard::connections::label(name, status.company.as_deref()),
            company: status.company.clone(),
            state: status.state,
            headline: status.headline.clone(),
            selected,
        }
    }
}

/// Every connection's line, in the fleet's order.
pub fn lines(fleet: &Fleet) -> Vec<ConnectionLine> {
    let selected = fleet.selected().name;
    fleet
        .all()
        .iter()
        .map(|m| ConnectionLine::of(&m.name, &m.handle.current(), m.name == selected))
        .collect()
}
