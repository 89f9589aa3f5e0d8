//! Fair turns in a connection's budget: the proxy's requests wait per client, and the turns go
//! round the clients, so one busy program (a sync job with 50 requests in flight) cannot make
//! another (a shop's checkout with one) wait behind all of its requests. The budget itself is
//! the connection's one 2 requests/second ([`crate::http::Http::wait_turn`]), shared with
//! lexguard's own calls.
//!
//! A client is a process on the unix socket (its pid, from the socket's peer credentials) and a
//! TCP connection on loopback (a TCP peer's process cannot be known without scanning every
//! process's files; a program that keeps its connection open is one client).

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, oneshot};

/// Who sent a request (see the module's note).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Client(String);

impl Client {
    /// A request whose connection said nothing about its peer (not on the proxy's listeners).
    pub(super) fn unknown() -> Client {
        Client("unknown".into())
    }
}

impl Connected<IncomingStream<'_, tokio::net::TcpListener>> for Client {
    fn connect_info(stream: IncomingStream<'_, tokio::net::TcpListener>) -> Client {
        Client(format!("tcp:{}", stream.remote_addr()))
    }
}

#[cfg(unix)]
impl Connected<IncomingStream<'_, tokio::net::UnixListener>> for Client {
    fn connect_info(stream: IncomingStream<'_, tokio::net::UnixListener>) -> Client {
        match stream.io().peer_cred().ok().and_then(|c| c.pid()) {
            Some(pid) => Client(format!("pid:{pid}")),
            // No pid: every such connection is a client of its own.
            None => Client(format!("unix:{:p}", stream.io())),
        }
    }
}

/// The waiting requests of one connection's proxy, per client, served round the clients.
#[derive(Default)]
pub(super) struct FairQueue {
    state: Mutex<Waiting>,
    arrived: Notify,
}

#[derive(Default)]
struct Waiting {
    queues: BTreeMap<Client, VecDeque<oneshot::Sender<()>>>,
    /// Clients with waiting requests, in the order of their next turn.
    ring: VecDeque<Client>,
}

impl FairQueue {
    /// Starts the turns for `http`'s budget; the queue lives as long as the process.
    pub(super) fn start(http: crate::http::Http) -> Arc<FairQueue> {
        let queue = Arc::new(FairQueue::default());
        let turns = queue.clone();
        tokio::spawn(async move {
            loop {
                let next = loop {
                    if let Some(next) = turns.next() {
                        break next;
                    }
                    turns.arrived.notified().await;
                };
                http.wait_turn().await;
                // A request that gave up meanwhile leaves its turn unused (rare: it had waited
                // 30 s or its client went away).
                let _ = next.send(());
            }
        });
        queue
    }

    /// Waits for `client`'s next turn in the budget.
    pub(super) async fn turn(&self, client: Client) {
        let (tx, rx) = oneshot::channel();
        {
            let mut w = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let queue = w.queues.entry(client.clone()).or_default();
            queue.push_back(tx);
            if queue.len() == 1 {
                w.ring.push_back(client);
            }
        }
        self.arrived.notify_one();
        let _ = rx.await;
    }

    /// The next waiting request, round the clients; requests given up are skipped.
    fn next(&self) -> Option<oneshot::Sender<()>> {
        let mut w = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(client) = w.ring.pop_front() {
            let Some(queue) = w.queues.get_mut(&client) else {
                continue;
            };
            let mut found = None;
            while let Some(tx) = queue.pop_front() {
                if !tx.is_closed() {
                    found = Some(tx);
                    break;
                }
            }
            if queue.is_empty() {
                w.queues.remove(&client);
            } else {
                w.ring.push_back(client);
            }
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order turns are given in, without a budget: A queued three, then B one, then C one.
    #[test]
    fn turns_go_round_the_clients() {
        let q = FairQueue::default();
        let mut order = Vec::new();
        let mut receivers = Vec::new();
        for (who, n) in [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1)] {
            let (tx, rx) = oneshot::channel();
            let mut w = q.state.lock().expect("lock");
            let client = Client(who.into());
            let queue = w.queues.entry(client.clone()).or_default();
            queue.push_back(tx);
            if queue.len() == 1 {
                w.ring.push_back(client);
            }
            receivers.push((format!("{who}{n}"), rx));
        }
        // b1 gave up: its turn goes to the next.
        receivers.retain(|(name, _)| name != "b1");
        while let Some(tx) = q.next() {
            tx.send(()).expect("waiting");
            for (name, rx) in receivers.iter_mut() {
                if rx.try_recv().is_ok() {
                    order.push(name.clone());
                }
            }
        }
        assert_eq!(order, ["a1", "c1", "a2", "a3"]);
    }
}
