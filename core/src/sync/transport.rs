//! HTTP/1.1 to the centre: hyper's client connection over rustls (or plain TCP to this device
//! itself), one connection kept alive between requests. The protocol needs no more than
//! that — one centre, whole bodies, no redirects, cookies or proxies — so a general client
//! (reqwest, with its pool, URL and IDNA code: 150 kB of the phones' library) is not linked.
//!
//! The centre's address is checked here too (`Centre::parse`): plain `http://` would carry the
//! device token and every name and phone number in clear, so a mistyped or planted address
//! must not get it.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HOST, HeaderMap, HeaderName, HeaderValue};
pub use hyper::{Method, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// Up to a TCP connection and its TLS handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// A whole exchange, from sending to the answer's last byte.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the centre is: its address as the user gave it, checked and written back the same way
/// every time (lower-case scheme and host, no default port, no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Centre {
    tls: bool,
    host: String,
    port: u16,
    /// The path the centre is served under (`/redshield`), or empty.
    prefix: String,
}

impl Centre {
    /// Takes `https://host[:port][/path]` anywhere, and `http://` only for a centre on this
    /// device (`localhost`, 127.0.0.0/8, `[::1]`), which the tests and a centre run beside the
    /// CLI use. A user name or password is refused (`http://localhost@host` reads as loopback
    /// but is not), and so are a query and a fragment, which the request paths would be
    /// appended to. `Err` says why, in words for the user.
    pub fn parse(base: &str) -> Result<Centre, String> {
        let text = base.trim();
        let not_url = || format!("{text:?} is not a URL (https://host[:port][/path])");
        let (scheme, rest) = text.split_once("://").ok_or_else(not_url)?;
        let scheme = scheme.to_ascii_lowercase();
        let tls = match scheme.as_str() {
            "https" => true,
            "http" => false,
            other if is_scheme(other) => {
                return Err(format!(
                    "is {other}:, not https:// (the centre speaks HTTPS)"
                ));
            }
            _ => return Err(not_url()),
        };
        let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        if let Some((_, host)) = authority.rsplit_once('@') {
            return Err(format!(
                "for {host} carries a user name or password; give the address alone"
            ));
        }
        let (host, port) =
            host_and_port(authority, if tls { 443 } else { 80 }).ok_or_else(not_url)?;
        if rest.contains(['?', '#']) {
            return Err(format!(
                "for {host} has a query or fragment (after ? or #); give the address alone"
            ));
        }
        if !path.bytes().all(is_path_byte) {
            return Err(not_url());
        }
        if !tls && !is_loopback(&host) {
            return Err(format!(
                "http://{host} is plain HTTP to another machine: the device token and the \
                 cases' names and phone numbers would cross the network unencrypted. Use the \
                 centre's https:// address (plain http:// is only for a centre on this device: \
                 localhost, 127.x.x.x, [::1])"
            ));
        }
        let prefix = path.trim_end_matches('/').to_string();
        Ok(Centre {
            tls,
            host,
            port,
            prefix,
        })
    }

    /// `host` or `host:port` when the port is not the scheme's own: the `Host` header.
    fn authority(&self) -> String {
        match (self.tls, self.port) {
            (true, 443) | (false, 80) => self.host.clone(),
            (_, port) => format!("{}:{port}", self.host),
        }
    }
}

impl std::fmt::Display for Centre {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.authority(), self.prefix)
    }
}

fn is_scheme(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// The host (lower case; IPv6 in brackets) and port of `authority`. Only ASCII names: an
/// internationalised name is given in its `xn--` form.
fn host_and_port(authority: &str, default_port: u16) -> Option<(String, u16)> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (address, after) = v6.split_once(']')?;
            address.parse::<Ipv6Addr>().ok()?;
            (
                format!("[{}]", address.to_ascii_lowercase()),
                after.strip_prefix(':'),
            )
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host.to_ascii_lowercase(), Some(port)),
            None => (authority.to_ascii_lowercase(), None),
        },
    };
    let name_bytes = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    if host.is_empty() || !(host.starts_with('[') || host.chars().all(name_bytes)) {
        return None;
    }
    let port = match port {
        Some(digits) if !digits.is_empty() => digits.parse().ok().filter(|p| *p != 0)?,
        Some(_) => None?,
        None => default_port,
    };
    Some((host, port))
}

/// What a URL path may hold unescaped (RFC 3986 `pchar` and `/`), and `%` of an escape.
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b)
}

/// `localhost`, an address in 127.0.0.0/8, or `[::1]`. Names under `.localhost` and
/// IPv4-mapped IPv6 are not taken: whether they reach this device depends on the resolver and
/// the stack. Nor are other spellings of an IPv4 address (`0x7f.1`): refused, never guessed.
fn is_loopback(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    host == "localhost" || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// The centre's answer, whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Requests to one centre. Requests may run at once; each takes the idle connection or opens
/// its own, and the last to finish keeps its connection for the next.
pub struct Transport {
    centre: Centre,
    tls: TlsConnector,
    idle: Mutex<Option<SendRequest<Full<Bytes>>>>,
}

impl Transport {
    pub fn new(centre: Centre, mut tls: rustls::ClientConfig) -> Transport {
        // Said in the handshake, so that a front serving HTTP/2 as well answers in HTTP/1.1.
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Transport {
            centre,
            tls: TlsConnector::from(Arc::new(tls)),
            idle: Mutex::new(None),
        }
    }

    pub fn centre(&self) -> &Centre {
        &self.centre
    }

    /// Sends `method path` (`path` after the centre's own prefix, with its query) with
    /// `headers` and `body`, and reads the whole answer. `Err` is why no answer came, with its
    /// causes (a refused certificate, a reset connection): what the user must be told.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, String> {
        let request = self.request(method, path, headers, body)?;
        tokio::time::timeout(EXCHANGE_TIMEOUT, self.exchange(request))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} s", EXCHANGE_TIMEOUT.as_secs())))
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Request<Full<Bytes>>, String> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.centre.prefix))
            .header(HOST, self.centre.authority());
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
            let value = HeaderValue::from_str(value).map_err(|e| e.to_string())?;
            request = request.header(name, value);
        }
        request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())
    }

    async fn exchange(&self, request: Request<Full<Bytes>>) -> Result<Answer, String> {
        let (mut sender, reused) = self.connection().await?;
        let response = match sender.try_send_request(request).await {
            Ok(response) => response,
            // The centre closed the idle connection as the request left: it was not sent, so
            // it goes again on a new connection, whatever its method.
            Err(mut failed) => match failed.take_message() {
                Some(request) if reused => {
                    sender = self.connect_in_time().await?;
                    sender.send_request(request).await.map_err(|e| causes(&e))?
                }
                _ => return Err(causes(failed.error())),
            },
        };
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| format!("the answer was cut: {}", causes(&e)))?
            .to_bytes();
        // Read to its end, the connection is free for the next request.
        *self.idle.lock().unwrap_or_else(|e| e.into_inner()) = Some(sender);
        Ok(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// The idle connection if it is still open (and `true`), else a new one.
    async fn connection(&self) -> Result<(SendRequest<Full<Bytes>>, bool), String> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(mut sender) = idle
            && sender.ready().await.is_ok()
        {
            return Ok((sender, true));
        }
        Ok((self.connect_in_time().await?, false))
    }

    async fn connect_in_time(&self) -> Result<SendRequest<Full<Bytes>>, String> {
        tokio::time::timeout(CONNECT_TIMEOUT, self.connect())
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "no connection to {} within {} s",
                    self.centre,
                    CONNECT_TIMEOUT.as_secs()
                ))
            })
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, String> {
        let centre = &self.centre;
        let host = centre.host.trim_start_matches('[').trim_end_matches(']');
        let tcp = TcpStream::connect((host, centre.port))
            .await
            .map_err(|e| format!("connecting to {centre}: {}", causes(&e)))?;
        // Requests are small and answered one at a time: no reason to hold them back.
        let _ = tcp.set_nodelay(true);
        if !centre.tls {
            return handshake(tcp).await;
        }
        let name = ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS with {centre}: {}", causes(&e)))?;
        handshake(tls).await
    }
}

/// HTTP/1.1 over `io`; the connection runs on its own task until the centre or the last
/// request's sender drops it.
async fn handshake<I>(io: I) -> Result<SendRequest<Full<Bytes>>, String>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| causes(&e))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "sync: connection to the centre ended");
        }
    });
    Ok(sender)
}

/// An error with its causes: a library's own words ("connection error") hide why.
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_written_back_one_way() {
        for (given, written) in [
            (
                "HTTPS://Centre.Example.Gov.CN:443/",
                "https://centre.example.gov.cn",
            ),
            (
                "https://12315.example.gov.cn/redshield/",
                "https://12315.example.gov.cn/redshield",
            ),
            (" http://127.0.0.1:8315 ", "http://127.0.0.1:8315"),
            ("http://[::1]:80", "http://[::1]"),
            ("https://[2001:DB8::1]:8443", "https://[2001:db8::1]:8443"),
        ] {
            assert_eq!(
                Centre::parse(given).map(|c| c.to_string()),
                Ok(written.to_string())
            );
        }
    }

    #[test]
    fn ports_and_names_out_of_shape_are_not_urls() {
        for bad in [
            "https://centre.example:0",
            "https://centre.example:65536",
            "https://centre.example:",
            "https://centre.example:x",
            "https://[::1",
            "https://[not-v6]",
            "https://",
            "https://市场监管.中国",
            "https://centre.example/a b",
            "https:/centre.example",
        ] {
            let refused = Centre::parse(bad).expect_err(bad);
            assert!(refused.contains("is not a URL"), "{bad}: {refused}");
        }
    }

    /// A centre on a thread: each connection answers GETs with its own number until it has
    /// answered `keep` of them, the last with `connection: close`.
    fn centre_counting_connections(keep: usize) -> (Centre, std::thread::JoinHandle<usize>) {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let serving = std::thread::spawn(move || {
            let mut connections = 0;
            for stream in listener.incoming().take(2) {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                for answered in 1..=keep {
                    let mut line = String::new();
                    while reader.read_line(&mut line).unwrap() > 0 && !line.ends_with("\r\n\r\n") {}
                    let close = if answered == keep {
                        "connection: close\r\n"
                    } else {
                        ""
                    };
                    let answer =
                        format!("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n{close}\r\n{connections}");
                    stream.write_all(answer.as_bytes()).unwrap();
                }
                connections += 1;
            }
            connections
        });
        (
            Centre::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
            serving,
        )
    }

    #[tokio::test]
    async fn requests_share_a_kept_connection_until_the_centre_closes_it() {
        let (centre, serving) = centre_counting_connections(2);
        let tls = crate::sync::client::tls_config(None).unwrap();
        let transport = Transport::new(centre, tls);
        let mut answers = Vec::new();
        for _ in 0..4 {
            let answer = transport
                .send(Method::GET, "/metrics", &[], Vec::new())
                .await
                .unwrap();
            answers.push(String::from_utf8(answer.body.to_vec()).unwrap());
        }
        assert_eq!(answers, ["0", "0", "1", "1"]);
        drop(transport);
        assert_eq!(serving.join().unwrap(), 2);
    }
}
