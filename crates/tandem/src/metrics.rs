//! What `GET /metrics` tells a Prometheus (SPEC §6): requests by route template
//! and status with their latency, e-mails sent and failed, jobs run, the
//! database pool in use, throttle refusals. Labels name routes, never a path
//! with an id, a person or a text.
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/api/v1/mentorships/{id}`), or `unmatched`.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    emails_sent: Counter,
    emails_failed: Counter,
    job_runs: Counter,
    job_failures: Counter,
    job_work: Family<KindLabels, Counter>,
    throttled: Family<KindLabels, Counter>,
    pool_size: Gauge,
    pool_idle: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tandem");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template",
            latency.clone(),
        );
        let emails_sent = Counter::default();
        registry.register("emails_sent", "E-mails delivered", emails_sent.clone());
        let emails_failed = Counter::default();
        registry.register(
            "emails_failed",
            "E-mail deliveries that failed (the e-mail stays queued and is retried)",
            emails_failed.clone(),
        );
        let job_runs = Counter::default();
        registry.register(
            "job_runs",
            "Rounds of background jobs run",
            job_runs.clone(),
        );
        let job_failures = Counter::default();
        registry.register(
            "job_failures",
            "Background jobs that failed (the others of the round still ran)",
            job_failures.clone(),
        );
        let job_work = Family::<KindLabels, Counter>::default();
        registry.register(
            "job_work",
            "Pieces of work the background jobs did, by kind",
            job_work.clone(),
        );
        let throttled = Family::<KindLabels, Counter>::default();
        registry.register(
            "throttle_refusals",
            "Attempts refused by a throttle (429), by what was throttled",
            throttled.clone(),
        );
        let pool_size = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Database connections open in the pool",
            pool_size.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Database connections open and idle",
            pool_idle.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            emails_sent,
            emails_failed,
            job_runs,
            job_failures,
            job_work,
            throttled,
            pool_size,
            pool_idle,
        }
    }
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }

    pub fn emails(&self, sent: usize, failed: usize) {
        self.emails_sent.inc_by(sent as u64);
        self.emails_failed.inc_by(failed as u64);
    }

    /// One round of jobs: the work of each kind, and how many jobs failed.
    pub fn jobs(&self, work: &[(&str, u64)], failures: usize) {
        self.job_runs.inc();
        self.job_failures.inc_by(failures as u64);
        for (kind, n) in work {
            self.job_work
                .get_or_create(&KindLabels {
                    kind: kind.to_string(),
                })
                .inc_by(*n);
        }
    }

    /// A throttle refused an attempt of this kind (`sign_in`, `sign_up`, `reset`…).
    pub fn throttled(&self, kind: &str) {
        self.throttled
            .get_or_create(&KindLabels {
                kind: kind.to_string(),
            })
            .inc();
    }

    /// The whole exposition, with the pool as it is now: OpenMetrics, or the
    /// classic Prometheus text format (0.0.4) for scrapers that do not ask for it.
    pub fn render(&self, pool_size: u32, pool_idle: usize, openmetrics: bool) -> String {
        self.pool_size.set(pool_size as i64);
        self.pool_idle.set(pool_idle as i64);
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        if openmetrics {
            out
        } else {
            classic(&out)
        }
    }
}

/// OpenMetrics text as the classic format writes it: a counter's HELP and TYPE
/// name its `_total` samples, and there is no `# EOF`.
fn classic(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" {
            continue;
        }
        let meta = ["# HELP ", "# TYPE "]
            .into_iter()
            .find_map(|p| line.strip_prefix(p).map(|rest| (p, rest)));
        match meta {
            Some((prefix, rest)) => {
                let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
                if counters.contains(name) {
                    out.push_str(&format!("{prefix}{name}_total {tail}"));
                } else {
                    out.push_str(line);
                }
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_name_a_counter_and_its_samples_alike() {
        let m = Metrics::default();
        m.request("GET", "/api/v1/me", 200, 0.003);
        m.emails(2, 1);
        let open = m.render(3, 1, true);
        assert!(open.ends_with("# EOF\n"), "{open}");
        assert!(open.contains("# TYPE tandem_emails_sent counter"));
        let plain = m.render(3, 1, false);
        assert!(!plain.contains("# EOF"));
        assert!(
            plain.contains("# TYPE tandem_emails_sent_total counter"),
            "{plain}"
        );
        assert!(plain.contains("tandem_emails_sent_total 2"));
        assert!(plain.contains("# TYPE tandem_db_pool_connections gauge"));
        assert!(plain.contains(
            r#"tandem_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1"#
        ));
        assert!(plain.contains("tandem_http_request_duration_seconds_bucket{le=\"0.004\""));
    }
}
