//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1:0 in front of the real centre: the network a
//! phone in the field has. Each request gets one [`Fault`], chosen by a seeded deterministic
//! generator or scripted by the test ("the next N pushes lose their answer"); the proxy counts
//! what it did, so a test can assert that every kind of fault actually happened.
//!
//! A random fault is drawn from the seed, the request line and how many times that request
//! line was seen — not from the order requests arrive in — so devices syncing concurrently get
//! the same faults on every run with the same seed: a failing run is replayed with
//! `REDSHIELD_E2E_SEED=<seed>` (the seed is printed at start and again on failure). Device ids
//! are new on every run: a test names them (`alias`) so that their request lines are the same.
//! Scripted faults go to requests in the order they arrive.
//!
//! Raw TCP with `httparse` rather than a full HTTP stack: a fault is often a broken message
//! (a body cut halfway, an answer never sent), which a well-behaved HTTP library will not
//! produce. Requests are framed by Content-Length (what the device's client sends); answers by
//! Content-Length or chunking. Each request goes upstream on a connection of its own; the
//! phone's connection is kept alive until a fault breaks it.
//!
//! Hooks let a test rewrite requests and answers in transit: a man in the middle.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the proxy does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Forwarded, answered: no fault.
    Pass,
    /// The connection closes after the request arrives; the centre never sees it.
    DropRequest,
    /// Forwarded and answered by the centre, which acted on it; the phone never hears.
    DropAnswer,
    /// Forwarded after a pause (tens to hundreds of ms).
    Delay,
    /// Sent to the centre twice at once; one of the two answers is returned.
    Duplicate,
    /// A 502 from a gateway, not forwarded.
    BadGateway,
    /// A 503 from a gateway, not forwarded.
    Unavailable,
    /// A 504 from a gateway, not forwarded.
    GatewayTimeout,
    /// Half of the request (its body, or its head if it has none) reaches the centre; then
    /// both connections close.
    CutRequest,
    /// The centre answers; half of its answer reaches the phone; then the connection closes.
    CutAnswer,
    /// A captive portal's `200 OK` login page, not forwarded.
    CaptivePortal,
}

impl Fault {
    /// Every fault the proxy injects (all but `Pass`).
    pub const INJECTED: [Fault; 10] = [
        Fault::DropRequest,
        Fault::DropAnswer,
        Fault::Delay,
        Fault::Duplicate,
        Fault::BadGateway,
        Fault::Unavailable,
        Fault::GatewayTimeout,
        Fault::CutRequest,
        Fault::CutAnswer,
        Fault::CaptivePortal,
    ];
}

/// What a request is, in protocol v1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Enrol,
    Push,
    Pull,
    BlobHead,
    BlobPut,
    Other,
}

impl Route {
    fn of(method: &str, target: &str) -> Route {
        let path = target.split('?').next().unwrap_or_default();
        match (method, path) {
            ("POST", "/v1/enrol") => Route::Enrol,
            ("POST", p) if p.starts_with("/v1/devices/") && p.ends_with("/events") => Route::Push,
            ("GET", p) if p.starts_with("/v1/devices/") && p.ends_with("/server-events") => {
                Route::Pull
            }
            ("HEAD", p) if p.starts_with("/v1/blobs/") => Route::BlobHead,
            ("PUT", p) if p.starts_with("/v1/blobs/") => Route::BlobPut,
            _ => Route::Other,
        }
    }
}

/// A request in transit, as a hook sees (and may change) it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Without Content-Length and Transfer-Encoding: the proxy frames the body itself.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// An answer in transit, as a hook sees (and may change) it.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    /// Without Content-Length and Transfer-Encoding, except for an answer that has no body
    /// (to HEAD), whose headers are passed as they are.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    bodiless: bool,
}

pub type RequestHook = Arc<dyn Fn(&mut Request) + Send + Sync>;
pub type ResponseHook = Arc<dyn Fn(&Request, &mut Response) + Send + Sync>;

/// How the proxy chooses faults when no script says otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub seed: u64,
    /// The share of requests that get a fault, spread evenly over [`Fault::INJECTED`].
    pub share: f64,
}

impl Faults {
    /// No random faults (scripts and hooks still apply).
    pub fn none() -> Faults {
        Faults {
            seed: 0,
            share: 0.0,
        }
    }

    /// Random faults on `share` of requests, from `REDSHIELD_E2E_SEED` if set, else a new seed.
    pub fn random(share: f64) -> Faults {
        let seed = std::env::var("REDSHIELD_E2E_SEED")
            .ok()
            .map(|s| s.trim().parse().expect("REDSHIELD_E2E_SEED is a u64"))
            .unwrap_or_else(fresh_seed);
        Faults { seed, share }
    }
}

fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    mix(nanos ^ u64::from(std::process::id()).rotate_left(32))
}

/// SplitMix64's finaliser: a good 64-bit mix, written out here so that a seed replays the same
/// faults whatever version of a random-number crate the workspace resolves to.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a: a stable hash of the request line (std's hasher is seeded per process).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One decision: the fault and the numbers it needs (the pause; which duplicate answers).
#[derive(Debug, Clone, Copy)]
struct Decision {
    fault: Fault,
    roll: u64,
}

impl Decision {
    fn delay(&self) -> Duration {
        Duration::from_millis(20 + self.roll % 280)
    }
}

struct State {
    upstream: SocketAddr,
    faults: Faults,
    /// Scripted faults, taken in order by the first request of a matching route.
    script: Vec<(Option<Route>, Fault)>,
    seen: HashMap<String, u64>,
    aliases: Vec<(String, String)>,
    counts: BTreeMap<Fault, u64>,
    upstream_failures: u64,
    on_request: Option<RequestHook>,
    on_response: Option<ResponseHook>,
}

struct Shared {
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn decide(&self, route: Route, method: &str, target: &str) -> Decision {
        let mut state = self.lock();
        let line = state
            .aliases
            .iter()
            .fold(format!("{method} {target}"), |line, (text, name)| {
                line.replace(text.as_str(), name)
            });
        let seen = state.seen.entry(line.clone()).or_insert(0);
        let occurrence = *seen;
        *seen += 1;
        let roll = mix(state.faults.seed ^ mix(fnv(&line) ^ mix(occurrence)));
        let scripted = state
            .script
            .iter()
            .position(|(r, _)| r.is_none_or(|r| r == route))
            .map(|i| state.script.remove(i).1);
        let fault = scripted.unwrap_or_else(|| {
            let uniform = (roll >> 11) as f64 / (1u64 << 53) as f64;
            if uniform < state.faults.share {
                Fault::INJECTED[(mix(roll) % Fault::INJECTED.len() as u64) as usize]
            } else {
                Fault::Pass
            }
        });
        *state.counts.entry(fault).or_insert(0) += 1;
        Decision {
            fault,
            roll: mix(roll ^ 1),
        }
    }
}

/// The proxy, listening until dropped.
pub struct Proxy {
    addr: SocketAddr,
    seed: u64,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// A proxy in front of `upstream`.
    pub async fn start(upstream: SocketAddr, faults: Faults) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                upstream,
                faults,
                script: Vec::new(),
                seen: HashMap::new(),
                aliases: Vec::new(),
                counts: BTreeMap::new(),
                upstream_failures: 0,
                on_request: None,
                on_response: None,
            }),
        });
        if faults.share > 0.0 {
            eprintln!(
                "fault proxy: seed {} (replay with REDSHIELD_E2E_SEED={}), faults on {:.0} % of requests",
                faults.seed,
                faults.seed,
                faults.share * 100.0
            );
        }
        let task = tokio::spawn(accept(listener, shared.clone()));
        Proxy {
            addr,
            seed: faults.seed,
            shared,
            task,
        }
    }

    /// The URL a device enrols with, to reach the centre through the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Points the proxy at another centre (one restarted elsewhere, or an impostor).
    pub fn set_upstream(&self, upstream: SocketAddr) {
        self.shared.lock().upstream = upstream;
    }

    /// Calls `text` (a device id, new on every run) `name` when drawing faults, so that a seed
    /// replays the same faults on that device's requests.
    pub fn alias(&self, text: &str, name: &str) {
        self.shared
            .lock()
            .aliases
            .push((text.to_string(), name.to_string()));
    }

    /// Changes the share of requests given a random fault (0 turns random faults off).
    pub fn set_share(&self, share: f64) {
        self.shared.lock().faults.share = share;
    }

    /// The next `times` requests of `route` (of any route: `None`) get `fault`, before any
    /// random fault; scripts are taken in the order given.
    pub fn script(&self, route: Option<Route>, fault: Fault, times: usize) {
        let mut state = self.shared.lock();
        state
            .script
            .extend(std::iter::repeat_n((route, fault), times));
    }

    /// Scripted faults not yet taken.
    pub fn scripted_left(&self) -> usize {
        self.shared.lock().script.len()
    }

    /// Rewrites every request before it is forwarded (`None`: stop).
    pub fn on_request(&self, hook: Option<RequestHook>) {
        self.shared.lock().on_request = hook;
    }

    /// Rewrites every answer before it is returned (`None`: stop).
    pub fn on_response(&self, hook: Option<ResponseHook>) {
        self.shared.lock().on_response = hook;
    }

    /// How many requests got `fault`.
    pub fn fired(&self, fault: Fault) -> u64 {
        self.shared.lock().counts.get(&fault).copied().unwrap_or(0)
    }

    /// Requests seen, whatever was done to them.
    pub fn requests(&self) -> u64 {
        self.shared.lock().counts.values().sum()
    }

    /// Requests that could not be forwarded because the centre did not take the connection.
    pub fn upstream_failures(&self) -> u64 {
        self.shared.lock().upstream_failures
    }

    /// Panics, naming the seed, unless every injected fault fired at least once.
    pub fn assert_every_fault_fired(&self) {
        let missing: Vec<Fault> = Fault::INJECTED
            .into_iter()
            .filter(|f| self.fired(*f) == 0)
            .collect();
        assert!(missing.is_empty(), "{self}: never fired: {missing:?}");
    }
}

impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        write!(
            f,
            "fault proxy (seed {}): {:?}, upstream refused {}",
            self.seed, state.counts, state.upstream_failures
        )
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // The connections are tasks of the accept loop's JoinSet: aborting it ends them too.
        self.task.abort();
        if std::thread::panicking() {
            eprintln!(
                "{self}\nreplay this run's faults with REDSHIELD_E2E_SEED={}",
                self.seed
            );
        }
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { return };
                connections.spawn(serve(Wire::new(socket), shared.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves one phone connection, request after request, until a fault (or the phone) ends it.
async fn serve(mut phone: Wire, shared: Arc<Shared>) {
    loop {
        let Ok(Some(head)) = phone.reader.read_head().await else {
            return;
        };
        let Some(parsed) = parse_request(&head) else {
            return;
        };
        let route = Route::of(&parsed.method, &parsed.target);
        let decision = shared.decide(route, &parsed.method, &parsed.target);
        if !handle(&mut phone, &shared, parsed, &head, decision)
            .await
            .unwrap_or(false)
        {
            return;
        }
    }
}

/// A request head as parsed, its body not yet read.
struct Parsed {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    length: usize,
    chunked: bool,
}

fn parse_request(head: &[u8]) -> Option<Parsed> {
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut slots);
    if !request.parse(head).ok()?.is_complete() {
        return None;
    }
    let (headers, length, chunked) = framing(request.headers);
    Some(Parsed {
        method: request.method?.to_string(),
        target: request.path?.to_string(),
        headers,
        length: length.unwrap_or(0),
        chunked,
    })
}

/// Headers without the framing ones; the Content-Length; whether the body is chunked.
fn framing(headers: &[httparse::Header<'_>]) -> (Vec<(String, String)>, Option<usize>, bool) {
    let mut kept = Vec::new();
    let (mut length, mut chunked) = (None, false);
    for h in headers {
        let value = String::from_utf8_lossy(h.value).trim().to_string();
        if h.name.eq_ignore_ascii_case("content-length") {
            length = value.parse().ok();
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        } else {
            kept.push((h.name.to_string(), value));
        }
    }
    (kept, length, chunked)
}

/// Does what `decision` says with one request; `Ok(true)` keeps the phone's connection.
async fn handle(
    phone: &mut Wire,
    shared: &Shared,
    parsed: Parsed,
    head: &[u8],
    decision: Decision,
) -> io::Result<bool> {
    if decision.fault == Fault::CutRequest {
        cut_request(phone, shared, &parsed, head).await;
        return Ok(false);
    }
    let (request, upstream, on_response) = read_request(phone, shared, parsed).await?;
    let reply = |mut response: Response| {
        if let Some(hook) = &on_response {
            hook(&request, &mut response);
        }
        response
    };
    match decision.fault {
        Fault::DropRequest => Ok(false),
        Fault::BadGateway => gateway_page(phone, 502, "Bad Gateway").await,
        Fault::Unavailable => gateway_page(phone, 503, "Service Unavailable").await,
        Fault::GatewayTimeout => gateway_page(phone, 504, "Gateway Time-out").await,
        Fault::CaptivePortal => captive_portal(phone).await,
        Fault::Pass | Fault::Delay => {
            if decision.fault == Fault::Delay {
                tokio::time::sleep(decision.delay()).await;
            }
            match forward(shared, upstream, &request).await {
                Some(response) => phone.answer(&reply(response), None).await,
                None => Ok(false),
            }
        }
        Fault::DropAnswer => {
            forward(shared, upstream, &request).await;
            Ok(false)
        }
        Fault::Duplicate => {
            let (a, b) = tokio::join!(
                forward(shared, upstream, &request),
                forward(shared, upstream, &request)
            );
            let (first, second) = if decision.roll & 1 == 0 {
                (a, b)
            } else {
                (b, a)
            };
            match first.or(second) {
                Some(response) => phone.answer(&reply(response), None).await,
                None => Ok(false),
            }
        }
        Fault::CutAnswer => {
            if let Some(response) = forward(shared, upstream, &request).await {
                let response = reply(response);
                phone.answer(&response, Some(response.cut_at())).await?;
            }
            Ok(false)
        }
        Fault::CutRequest => unreachable!("handled before the body is read"),
    }
}

/// Reads the body of the request `parsed` and lets the request hook rewrite it; with where to
/// send it and the answer hook, as they are now.
async fn read_request(
    phone: &mut Wire,
    shared: &Shared,
    parsed: Parsed,
) -> io::Result<(Request, SocketAddr, Option<ResponseHook>)> {
    let body = if parsed.chunked {
        phone.reader.read_chunked().await?
    } else {
        phone.reader.read_exact(parsed.length).await?
    };
    let mut request = Request {
        method: parsed.method,
        target: parsed.target,
        headers: parsed.headers,
        body,
    };
    let (upstream, on_request, on_response) = {
        let state = shared.lock();
        (
            state.upstream,
            state.on_request.clone(),
            state.on_response.clone(),
        )
    };
    if let Some(hook) = on_request {
        hook(&mut request);
    }
    Ok((request, upstream, on_response))
}

/// Sends the centre the head and half of the body (or half of the head, for a request
/// without one), then closes both connections — the phone's with the rest of its body unread.
async fn cut_request(phone: &mut Wire, shared: &Shared, parsed: &Parsed, head: &[u8]) {
    let upstream = shared.lock().upstream;
    let Ok(mut centre) = TcpStream::connect(upstream).await else {
        shared.lock().upstream_failures += 1;
        return;
    };
    let half = if parsed.length > 0 && !parsed.chunked {
        phone.reader.read_exact(parsed.length / 2).await.ok()
    } else {
        None
    };
    let sent = match &half {
        Some(body) => [head, body].concat(),
        None => head[..head.len() / 2].to_vec(),
    };
    let _ = centre.write_all(&sent).await;
    let _ = centre.flush().await;
}

async fn gateway_page(phone: &mut Wire, status: u16, reason: &str) -> io::Result<bool> {
    let page = format!(
        "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center><hr><center>nginx</center></body></html>"
    );
    let response = Response {
        status,
        reason: reason.to_string(),
        headers: vec![("content-type".into(), "text/html".into())],
        body: page.into_bytes(),
        bodiless: false,
    };
    phone.answer(&response, None).await
}

async fn captive_portal(phone: &mut Wire) -> io::Result<bool> {
    let page = "<html><body><form action=\"/login\">请登录 Wi-Fi：手机号 <input name=\"phone\"></form></body></html>";
    let response = Response {
        status: 200,
        reason: "OK".into(),
        headers: vec![
            ("content-type".into(), "text/html; charset=utf-8".into()),
            ("connection".into(), "close".into()),
        ],
        body: page.as_bytes().to_vec(),
        bodiless: false,
    };
    phone.answer(&response, None).await?;
    Ok(false)
}

/// Sends `request` to the centre on a connection of its own and reads the whole answer; `None`
/// if the centre cannot be reached or its answer is broken.
async fn forward(shared: &Shared, upstream: SocketAddr, request: &Request) -> Option<Response> {
    let Ok(socket) = TcpStream::connect(upstream).await else {
        shared.lock().upstream_failures += 1;
        return None;
    };
    let mut centre = Wire::new(socket);
    let bytes = request.to_bytes();
    // Written while the answer is read: the centre may answer a body too large before reading
    // it, and stop reading; its answer counts, whatever became of the write.
    let writing = async {
        let _ = centre.writer.write_all(&bytes).await;
        std::future::pending::<()>().await
    };
    // Longer than the phone waits (120 s): the phone, not the proxy, gives up on a slow centre.
    let reading = tokio::time::timeout(
        Duration::from_secs(180),
        read_response(&mut centre.reader, request),
    );
    tokio::select! {
        answer = reading => answer.ok()?.ok(),
        () = writing => None,
    }
}

async fn read_response(centre: &mut Reader, request: &Request) -> io::Result<Response> {
    let head = centre
        .read_head()
        .await?
        .ok_or_else(|| io::Error::other("the centre closed without answering"))?;
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut slots);
    if !parsed.parse(&head).map_err(io::Error::other)?.is_complete() {
        return Err(io::Error::other("a broken answer head"));
    }
    let status = parsed.code.unwrap_or(0);
    let reason = parsed.reason.unwrap_or_default().to_string();
    let bodiless = request.method == "HEAD" || status == 204 || status == 304 || status < 200;
    if bodiless {
        let headers = parsed
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect();
        return Ok(Response {
            status,
            reason,
            headers,
            body: Vec::new(),
            bodiless,
        });
    }
    let (mut headers, length, chunked) = framing(parsed.headers);
    // The phone's connection is the proxy's to keep or close.
    headers.retain(|(n, _)| {
        !n.eq_ignore_ascii_case("connection") && !n.eq_ignore_ascii_case("keep-alive")
    });
    let body = match (chunked, length) {
        (true, _) => centre.read_chunked().await?,
        (false, Some(n)) => centre.read_exact(n).await?,
        (false, None) => centre.read_to_end().await?,
    };
    Ok(Response {
        status,
        reason,
        headers,
        body,
        bodiless,
    })
}

impl Request {
    pub fn route(&self) -> Route {
        Route::of(&self.method, &self.target)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Sets a header (replacing it), or removes it with `None`.
    pub fn set_header(&mut self, name: &str, value: Option<&str>) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if let Some(value) = value {
            self.headers.push((name.to_string(), value.to_string()));
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        for (name, value) in &self.headers {
            // Each request has a connection of its own to the centre.
            if !name.eq_ignore_ascii_case("connection") {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        out.push_str("connection: close\r\n");
        if !self.body.is_empty() || matches!(self.method.as_str(), "POST" | "PUT") {
            out.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        out.push_str("\r\n");
        [out.as_bytes(), &self.body].concat()
    }
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    fn head_bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason);
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.bodiless {
            out.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        out.push_str("\r\n");
        out.into_bytes()
    }

    fn to_bytes(&self) -> Vec<u8> {
        [self.head_bytes(), self.body.clone()].concat()
    }

    /// Where a cut answer stops: halfway through the body, or through the head if none.
    fn cut_at(&self) -> usize {
        let head = self.head_bytes().len();
        if self.body.is_empty() {
            head / 2
        } else {
            head + self.body.len() / 2
        }
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A connection: its reading half, with the bytes read ahead of what was taken, and its
/// writing half.
struct Wire {
    reader: Reader,
    writer: OwnedWriteHalf,
}

struct Reader {
    half: OwnedReadHalf,
    buf: Vec<u8>,
}

const MAX_HEAD: usize = 64 * 1024;

impl Wire {
    fn new(stream: TcpStream) -> Wire {
        let (half, writer) = stream.into_split();
        Wire {
            reader: Reader {
                half,
                buf: Vec::new(),
            },
            writer,
        }
    }

    /// Writes `response` (only its first `cut` bytes, if given); true if the connection
    /// can carry another request.
    async fn answer(&mut self, response: &Response, cut: Option<usize>) -> io::Result<bool> {
        let bytes = response.to_bytes();
        let end = cut.unwrap_or(bytes.len());
        self.writer.write_all(&bytes[..end]).await?;
        self.writer.flush().await?;
        let closing = response
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        Ok(cut.is_none() && !closing)
    }
}

impl Reader {
    /// Reads more bytes into the buffer; false at the end of the stream.
    async fn fill(&mut self) -> io::Result<bool> {
        // Straight into the heap: an array here would sit in every future that reads.
        self.buf.reserve(64 * 1024);
        let n = self.half.read_buf(&mut self.buf).await?;
        Ok(n > 0)
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        self.buf.drain(..n).collect()
    }

    /// A message head through its blank line; `None` if the stream ends before one starts.
    async fn read_head(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                return Ok(Some(self.take(end + 4)));
            }
            if self.buf.len() > MAX_HEAD {
                return Err(io::Error::other("a head larger than 64 KiB"));
            }
            if !self.fill().await? {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(io::ErrorKind::UnexpectedEof.into())
                };
            }
        }
    }

    async fn read_exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < n {
            if !self.fill().await? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(self.take(n))
    }

    async fn read_line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n") {
                let line = self.take(end + 2);
                return Ok(line[..end].to_vec());
            }
            if !self.fill().await? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    /// A chunked body, unchunked (trailers dropped).
    async fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line().await?;
            let text = String::from_utf8_lossy(&line);
            let size = text.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16).map_err(io::Error::other)?;
            if size == 0 {
                while !self.read_line().await?.is_empty() {}
                return Ok(body);
            }
            body.extend(self.read_exact(size).await?);
            self.read_line().await?;
        }
    }

    async fn read_to_end(&mut self) -> io::Result<Vec<u8>> {
        while self.fill().await? {}
        Ok(std::mem::take(&mut self.buf))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
