//! A real SMTP server on loopback for the tests: Tandem delivers to it over an
//! SMTP conversation (`--smtp-url smtp://127.0.0.1:<port>`), and the tests read
//! what arrived, parsed as a mail client would (headers decoded, the text part
//! decoded, the calendar attachment apart).
use mailin_embedded::response::{Response, OK};
use mailin_embedded::{Handler, Server};
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A message as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope's recipients.
    pub to: Vec<String>,
    pub subject: String,
    /// The plain-text part, decoded.
    pub body: String,
    /// The `text/calendar` attachment, if any.
    pub calendar: Option<String>,
    /// The whole message as sent.
    pub raw: String,
}

#[derive(Clone, Default)]
struct Collect {
    inbox: Arc<Mutex<Vec<Received>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collect {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.to.clear();
        self.data.clear();
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        self.to.push(to.to_string());
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let raw = String::from_utf8_lossy(&self.data).to_string();
        let received = parse(&raw, std::mem::take(&mut self.to));
        self.inbox.lock().unwrap().push(received);
        self.data.clear();
        OK
    }
}

fn parse(raw: &str, to: Vec<String>) -> Received {
    use mailparse::MailHeaderMap;
    let Ok(mail) = mailparse::parse_mail(raw.as_bytes()) else {
        return Received {
            to,
            subject: String::new(),
            body: String::new(),
            calendar: None,
            raw: raw.to_string(),
        };
    };
    let subject = mail.headers.get_first_value("Subject").unwrap_or_default();
    let mut body = String::new();
    let mut calendar = None;
    for part in mail.parts() {
        let kind = part.ctype.mimetype.to_ascii_lowercase();
        if kind == "text/plain" && body.is_empty() {
            body = part.get_body().unwrap_or_default();
        } else if kind == "text/calendar" {
            calendar = part.get_body().ok();
        }
    }
    Received {
        to,
        subject,
        body,
        calendar,
        raw: raw.to_string(),
    }
}

/// The server; it runs until the test process ends.
pub struct SmtpSink {
    port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts a server on a free loopback port.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port for SMTP");
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Collect {
            inbox: inbox.clone(),
            ..Collect::default()
        };
        std::thread::spawn(move || {
            let mut server = Server::new(handler);
            server
                .with_name("sink.test")
                .with_num_threads(4)
                .with_tcp_listener(listener);
            let _ = server.serve();
        });
        SmtpSink { port, inbox }
    }

    /// `TANDEM_SMTP_URL` for this server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything that arrived so far, in order.
    pub fn messages(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }

    /// What arrived for `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }

    /// Waits (at most five seconds) until `n` messages in all have arrived, and
    /// returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= n || started.elapsed() > Duration::from_secs(5) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
