//! A fault-injecting HTTP/1.1 proxy on loopback, between the shipper and the
//! emulator. The test names the operation, which of its requests, and the
//! fault; every other request passes through byte for byte (SigV4 signs the
//! `Host` the client used, which is forwarded unchanged).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What happens to a request picked by a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and S3 error code; the emulator never sees it.
    Status(u16, &'static str),
    /// Close the connection without an answer; the emulator never sees it.
    Reset,
    /// The emulator does the work; its answer is lost (connection closed).
    LoseAnswer,
    /// The emulator does the work; half its answer's body arrives, then the
    /// connection closes.
    Truncate,
    /// The emulator's answer arrives whole, with one byte of its body changed.
    Corrupt,
    /// The emulator does the work; half the body arrives, then nothing more.
    Stall,
    /// Wait this long, then pass the request on.
    Delay(Duration),
    /// Hold the request until this many later requests have passed through
    /// (at most `Duration`), then pass it on.
    HoldUntil(usize, Duration),
}

/// Which requests of an operation a rule picks (counted from 1).
#[derive(Debug, Clone)]
pub enum Which {
    Nth(Vec<usize>),
    Every(usize),
}

#[derive(Debug, Clone)]
struct Rule {
    operation: &'static str,
    which: Which,
    fault: Fault,
}

/// One request that went through: its operation and what was done to it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub operation: String,
    /// The fault a rule picked for this request.
    pub fault: Option<Fault>,
    /// Whether that fault was applied: an answer with no body to corrupt,
    /// or an upstream that closed first, leaves a picked fault unapplied.
    pub applied: bool,
    pub at: Instant,
    /// The request carries an integrity check S3 accepts: `Content-MD5`, an
    /// `x-amz-checksum-*` value, the SDK's `x-amz-sdk-checksum-algorithm`,
    /// or a checksum trailer (what an Object Lock bucket requires of a write).
    pub integrity: bool,
    /// The request is conditional on the key being free (`If-None-Match: *`).
    pub if_none_match: bool,
}

#[derive(Debug, Default)]
struct State {
    rules: Vec<Rule>,
    seen: Vec<Seen>,
    /// For each [`Fault::HoldUntil`]: how many requests passed while it was held.
    passed_while_held: Vec<usize>,
    /// (rule, request target) pairs already faulted.
    faulted: std::collections::HashSet<(usize, String)>,
    /// Mark each request as having come over TLS (see [`FaultProxy::as_https`]).
    https: bool,
}

/// The proxy; it stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    pub url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(upstream: &str) -> Result<FaultProxy> {
        let upstream = upstream
            .strip_prefix("http://")
            .context("the proxy forwards to an http:// endpoint")?
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (state, upstream) = (shared.clone(), upstream.clone());
                tokio::spawn(async move {
                    let _ = serve(client, &upstream, state).await;
                });
            }
        });
        Ok(FaultProxy { url, state, task })
    }

    /// Inject `fault` into the requests of `operation` that `which` picks.
    pub fn inject(&self, operation: &'static str, which: Which, fault: Fault) {
        self.state.lock().unwrap().rules.push(Rule {
            operation,
            which,
            fault,
        });
    }

    /// Forward each request with `X-Forwarded-Proto: https`, as the suite's
    /// own clients send it (`crate::ForwardedHttps`), for a client the test
    /// does not build: the `logferry` process. The header is not signed, so
    /// adding it leaves SigV4 intact.
    pub fn as_https(&self) {
        self.state.lock().unwrap().https = true;
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// For each held request, how many others passed through meanwhile.
    pub fn passed_while_held(&self) -> Vec<usize> {
        self.state.lock().unwrap().passed_while_held.clone()
    }

    /// How many requests of `operation` got `fault`, counted once it was
    /// applied, not when it was picked.
    pub fn injected(&self, operation: &str, fault: Fault) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.operation == operation && s.fault == Some(fault) && s.applied)
            .count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Requests on one client connection, each forwarded on one upstream connection.
async fn serve(client: TcpStream, upstream: &str, state: Arc<Mutex<State>>) -> Result<()> {
    let (read, mut write) = client.into_split();
    let mut read = BufReader::new(read);
    let mut server: Option<BufReader<TcpStream>> = None;
    loop {
        let Some(request) = read_message(&mut read, None).await? else {
            return Ok(());
        };
        let operation = operation(&request);
        let (fault, index) = pick(&state, &operation, &request);
        let applied = || state.lock().unwrap().seen[index].applied = true;
        match fault {
            Some(Fault::Status(status, code)) => {
                let body = format!(
                    "<Error><Code>{code}</Code><Message>injected by the test</Message></Error>"
                );
                let body = if request.method() == "HEAD" {
                    ""
                } else {
                    &body
                };
                let answer = format!("HTTP/1.1 {status} Injected\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                write.write_all(answer.as_bytes()).await?;
                applied();
                continue;
            }
            Some(Fault::Reset) => {
                applied();
                return Ok(());
            }
            Some(Fault::Delay(wait)) => {
                tokio::time::sleep(wait).await;
                applied();
            }
            Some(Fault::HoldUntil(later, at_most)) => {
                hold(&state, later, at_most).await;
                applied();
            }
            _ => {}
        }
        if server.is_none() {
            server = Some(BufReader::new(TcpStream::connect(upstream).await?));
        }
        let upstream_conn = server.as_mut().expect("connected above");
        let https = state.lock().unwrap().https;
        let request = match https {
            true => request.with_header("x-forwarded-proto: https"),
            false => request,
        };
        upstream_conn.get_mut().write_all(&request.bytes()).await?;
        let Some(answer) = read_message(upstream_conn, Some(&request.method())).await? else {
            return Ok(());
        };
        match fault {
            Some(Fault::LoseAnswer) => {
                applied();
                return Ok(());
            }
            Some(Fault::Truncate) | Some(Fault::Stall) => {
                write.write_all(&answer.head).await?;
                write
                    .write_all(&answer.body[..answer.body.len() / 2])
                    .await?;
                write.flush().await?;
                applied();
                if fault == Some(Fault::Stall) {
                    // Keep the connection open and silent until the client gives up.
                    let mut rest = [0u8; 1];
                    let _ = read.read(&mut rest).await;
                }
                return Ok(());
            }
            Some(Fault::Corrupt) if !answer.body.is_empty() => {
                let mut answer = answer;
                let middle = answer.body.len() / 2;
                answer.body[middle] ^= 0x20;
                write.write_all(&answer.bytes()).await?;
                applied();
            }
            _ => write.write_all(&answer.bytes()).await?,
        }
    }
}

/// Record the request and find the fault its rule gives it, if any, with
/// the index of its record (to mark the fault applied). A rule
/// faults a given request target (object, part) once at most, so a fault is
/// transient: the retry of the same request is not picked by the same rule.
fn pick(state: &Mutex<State>, operation: &str, request: &Message) -> (Option<Fault>, usize) {
    let target = request.target();
    let mut state = state.lock().unwrap();
    let count = state
        .seen
        .iter()
        .filter(|s| s.operation == operation)
        .count()
        + 1;
    let rule = state.rules.iter().position(|r| {
        r.operation == operation
            && match &r.which {
                Which::Nth(picked) => picked.contains(&count),
                Which::Every(n) => count % n == 0,
            }
    });
    let rule = rule.filter(|i| state.faulted.insert((*i, target.clone())));
    let fault = rule.map(|i| state.rules[i].fault);
    state.seen.push(Seen {
        operation: operation.to_string(),
        fault,
        applied: false,
        at: Instant::now(),
        integrity: request.has_integrity_check(),
        if_none_match: request.header("if-none-match").as_deref() == Some("*"),
    });
    (fault, state.seen.len() - 1)
}

async fn hold(state: &Mutex<State>, later: usize, at_most: Duration) {
    let before = state.lock().unwrap().seen.len();
    let until = Instant::now() + at_most;
    let passed = || state.lock().unwrap().seen.len() - before;
    while passed() < later && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let passed = passed();
    state.lock().unwrap().passed_while_held.push(passed);
}

/// One HTTP/1.1 message: its head (request or status line and headers, with
/// the blank line) and its body, de-framed only as far as to find its end.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Message {
    fn method(&self) -> String {
        let line = String::from_utf8_lossy(&self.head);
        line.split(' ').next().unwrap_or_default().to_string()
    }

    /// The request target (path and query): which object or part it is.
    fn target(&self) -> String {
        let line = String::from_utf8_lossy(&self.head);
        line.split(' ').nth(1).unwrap_or_default().to_string()
    }

    fn has_integrity_check(&self) -> bool {
        let head = String::from_utf8_lossy(&self.head).to_ascii_lowercase();
        let names: Vec<&str> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim()))
            .collect();
        names.iter().any(|n| {
            *n == "content-md5"
                || n.starts_with("x-amz-checksum-")
                || *n == "x-amz-sdk-checksum-algorithm"
        }) || self
            .header("x-amz-trailer")
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("x-amz-checksum-"))
    }

    fn header(&self, name: &str) -> Option<String> {
        String::from_utf8_lossy(&self.head)
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    }

    /// The message with one more header line after its first line.
    fn with_header(mut self, line: &str) -> Message {
        if let Some(end) = self.head.iter().position(|b| *b == b'\n') {
            let extra = format!("{line}\r\n");
            self.head.splice(end + 1..end + 1, extra.bytes());
        }
        self
    }

    fn bytes(&self) -> Vec<u8> {
        [self.head.as_slice(), self.body.as_slice()].concat()
    }
}

/// Read one message; `request_method` is set when reading an answer (a HEAD
/// answer has no body whatever its Content-Length says).
async fn read_message<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    request_method: Option<&str>,
) -> Result<Option<Message>> {
    let mut head = Vec::new();
    loop {
        let n = reader.read_until(b'\n', &mut head).await?;
        if n == 0 {
            return Ok(None);
        }
        if head.ends_with(b"\r\n\r\n") {
            break;
        }
    }
    let mut message = Message {
        head,
        body: Vec::new(),
    };
    let status = String::from_utf8_lossy(&message.head)
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let bodiless = request_method == Some("HEAD") || status == "204" || status == "304";
    if bodiless && request_method.is_some() {
        return Ok(Some(message));
    }
    if let Some(length) = message.header("content-length") {
        let mut body = vec![0u8; length.parse().context("a numeric Content-Length")?];
        reader.read_exact(&mut body).await?;
        message.body = body;
    } else if message
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        message.body = read_chunked(reader).await?;
    }
    Ok(Some(message))
}

/// A chunked body as it was sent, up to and including the last chunk.
async fn read_chunked<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line).await?;
        body.extend_from_slice(&line);
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&line)
                .trim()
                .split(';')
                .next()
                .unwrap_or("0"),
            16,
        )?;
        if size == 0 {
            // Trailers, then the blank line.
            loop {
                let mut trailer = Vec::new();
                reader.read_until(b'\n', &mut trailer).await?;
                body.extend_from_slice(&trailer);
                if trailer == b"\r\n" || trailer.is_empty() {
                    return Ok(body);
                }
            }
        }
        let mut chunk = vec![0u8; size + 2];
        reader.read_exact(&mut chunk).await?;
        body.extend_from_slice(&chunk);
    }
}

/// The AWS operation a request is, from its method, path, query and headers.
fn operation(request: &Message) -> String {
    let (method, target) = (request.method(), request.target());
    if let Some(amz_target) = request.header("x-amz-target") {
        return amz_target
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_string();
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let has = |k: &str| {
        query
            .split('&')
            .any(|p| p == k || p.starts_with(&format!("{k}=")))
    };
    // Path style: `/bucket/key` is an object; `/bucket` and `/bucket/` are not.
    let object = path.trim_matches('/').contains('/');
    let copy = request.header("x-amz-copy-source").is_some();
    let name = match (method.as_str(), object) {
        ("POST", _) if has("uploads") => "CreateMultipartUpload",
        ("POST", true) if has("uploadId") => "CompleteMultipartUpload",
        ("PUT", true) if has("partNumber") && copy => "UploadPartCopy",
        ("PUT", true) if has("partNumber") => "UploadPart",
        ("PUT", true) if copy => "CopyObject",
        ("PUT", true) => "PutObject",
        ("DELETE", true) if has("uploadId") => "AbortMultipartUpload",
        ("GET", false) if has("uploads") => "ListMultipartUploads",
        ("GET", false) => "ListObjects",
        ("GET", true) => "GetObject",
        ("HEAD", true) => "HeadObject",
        ("POST", false) => "Query",
        _ => "Other",
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upstream that answers every request with `200` and an empty body.
    async fn empty_upstream() -> Result<String> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (read, mut write) = conn.into_split();
                    let mut read = BufReader::new(read);
                    while let Ok(Some(_)) = read_message(&mut read, None).await {
                        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
                        if write.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Ok(url)
    }

    /// A picked fault that could not be applied (nothing to corrupt) is
    /// not counted as injected; one that was, is.
    #[tokio::test]
    async fn a_fault_counts_once_applied_not_when_picked() -> Result<()> {
        let proxy = FaultProxy::start(&empty_upstream().await?).await?;
        proxy.inject("GetObject", Which::Nth(vec![1]), Fault::Corrupt);
        proxy.inject(
            "PutObject",
            Which::Nth(vec![1]),
            Fault::Status(503, "SlowDown"),
        );
        let address = proxy.url.trim_start_matches("http://").to_string();
        let mut conn = TcpStream::connect(&address).await?;
        for request in [
            "GET /b/k HTTP/1.1\r\nHost: x\r\n\r\n",
            "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        ] {
            conn.write_all(request.as_bytes()).await?;
            let mut reader = BufReader::new(&mut conn);
            read_message(&mut reader, Some("GET"))
                .await?
                .context("an answer")?;
        }
        let seen = proxy.seen();
        assert_eq!(seen[0].fault, Some(Fault::Corrupt), "{seen:?}");
        assert_eq!(proxy.injected("GetObject", Fault::Corrupt), 0);
        assert_eq!(
            proxy.injected("PutObject", Fault::Status(503, "SlowDown")),
            1
        );
        Ok(())
    }
}
