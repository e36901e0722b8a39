//! Pushing to a Prometheus [Pushgateway](https://github.com/prometheus/pushgateway)
//! (feature `push`), for batch jobs and workers that Prometheus cannot scrape.
//!
//! A [`Pushgateway`] names a group — a job and optional grouping labels — and sends the
//! registry to it in the text format 0.0.4: [`push`](Pushgateway::push) (`PUT`)
//! replaces every metric of the group, [`push_add`](Pushgateway::push_add) (`POST`)
//! replaces only the metrics with the names pushed, and
//! [`delete`](Pushgateway::delete) (`DELETE`) removes the group. Prometheus then
//! scrapes the Pushgateway, which adds `job` and the grouping labels to every series
//! (use `honor_labels: true` in that scrape job).
//!
//! ```no_run
//! use metricsmith::push::Pushgateway;
//!
//! let gateway = Pushgateway::new("http://127.0.0.1:9091")
//!     .job("nightly_import")
//!     .grouping("instance", "db-replica-2")
//!     // Only this job's families: not the process collector's or other modules'.
//!     .filter(|family| family.starts_with("nightly_import_"));
//! gateway.push()?; // PUT http://127.0.0.1:9091/metrics/job/nightly_import/instance/db-replica-2
//! # Ok::<(), metricsmith::push::PushError>(())
//! ```
//!
//! Requests are blocking: call them from a thread that may wait (up to
//! [`timeout`](Pushgateway::timeout), 10 s by default), e.g. with
//! `tokio::task::spawn_blocking` in async code. Only plain `http://` is supported
//! (no TLS); the standard `HTTP_PROXY`/`NO_PROXY` variables are honoured.

use std::fmt;
use std::io::Read;
use std::time::Duration;

use base64::Engine as _;
use metricsmith_naming::SyntaxError;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::exposition::{render_with_scratch, Families, Format};

/// How long one request may take by default, connecting included.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of an error reply is kept for [`PushError::Rejected`].
const MAX_REPLY_BYTES: u64 = 4096;

/// Characters left as they are in a URL path segment: RFC 3986's unreserved set but `.`,
/// so that no segment can read as `.` or `..`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// A Pushgateway group to push the registry to: the gateway's URL, a job name and any
/// grouping labels.
///
/// Building never fails; mistakes (no job, an invalid label name, a bad URL) come back
/// as a [`PushError`] from the request methods, before anything is sent. Cloning is
/// cheap enough to keep one per worker.
///
/// ```no_run
/// use std::time::Duration;
/// use metricsmith::push::Pushgateway;
///
/// let gateway = Pushgateway::new("127.0.0.1:9091") // `http://` is implied
///     .job("image_worker")
///     .grouping("instance", "worker-1")
///     .timeout(Duration::from_secs(5));
/// gateway.push_add()?; // after each batch of work: replaces this worker's metrics by name
/// gateway.delete()?; // on a clean shutdown: removes the group
/// # Ok::<(), metricsmith::push::PushError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Pushgateway {
    url: String,
    job: Option<String>,
    grouping: Vec<(String, String)>,
    timeout: Duration,
    filter: Option<fn(&str) -> bool>,
}

impl Pushgateway {
    /// A gateway at `url`: `http://host:port`, optionally with a path prefix
    /// (`http://host/pushgateway`); without a scheme, `http://` is assumed.
    ///
    /// ```
    /// let gateway = metricsmith::push::Pushgateway::new("localhost:9091").job("backup");
    /// assert_eq!(gateway.group_url()?, "http://localhost:9091/metrics/job/backup");
    /// # Ok::<(), metricsmith::push::PushError>(())
    /// ```
    pub fn new(url: impl Into<String>) -> Self {
        Pushgateway {
            url: url.into(),
            job: None,
            grouping: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            filter: None,
        }
    }

    /// Sets the job name, which every push needs. Any text works, `/` included.
    ///
    /// ```
    /// let gateway = metricsmith::push::Pushgateway::new("http://gw:9091").job("reports/daily");
    /// // A value with `/` travels base64-encoded, as the Pushgateway specifies.
    /// assert_eq!(gateway.group_url()?, "http://gw:9091/metrics/job@base64/cmVwb3J0cy9kYWlseQ");
    /// # Ok::<(), metricsmith::push::PushError>(())
    /// ```
    #[must_use]
    pub fn job(mut self, job: impl Into<String>) -> Self {
        self.job = Some(job.into());
        self
    }

    /// Adds a grouping label, e.g. `instance`. Together with the job, grouping labels
    /// identify the group a push replaces; the Pushgateway adds them to every series of
    /// the group. Names follow Prometheus' label rules (`[a-zA-Z_][a-zA-Z0-9_]*`, no
    /// leading `__`, not `job`, each once); values may be any text, even empty.
    ///
    /// ```
    /// use metricsmith::push::{Pushgateway, PushError};
    ///
    /// let gateway = Pushgateway::new("http://gw:9091").job("etl").grouping("instance", "eu west");
    /// assert_eq!(gateway.group_url()?, "http://gw:9091/metrics/job/etl/instance/eu%20west");
    ///
    /// let invalid = Pushgateway::new("http://gw:9091").job("etl").grouping("data-center", "eu");
    /// assert!(matches!(invalid.push(), Err(PushError::InvalidLabelName { .. })));
    /// # Ok::<(), PushError>(())
    /// ```
    #[must_use]
    pub fn grouping(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.grouping.push((name.into(), value.into()));
        self
    }

    /// Bounds each request, from connecting to reading the reply (default 10 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let gateway = metricsmith::push::Pushgateway::new("http://gw:9091").timeout(Duration::from_secs(2));
    /// # let _ = gateway;
    /// ```
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Pushes only the metric families for which `keep(name)` is true; by default every
    /// family of the registry is pushed. `name` is the family's name in the text format
    /// (a counter's ends in `_total`). A batch job usually keeps its own families, so
    /// that the process collector's and other modules' do not land in its group.
    ///
    /// ```
    /// let gateway = metricsmith::push::Pushgateway::new("http://gw:9091")
    ///     .job("backup")
    ///     .filter(|family| family.starts_with("backup_"));
    /// # let _ = gateway;
    /// ```
    #[must_use]
    pub fn filter(mut self, keep: fn(&str) -> bool) -> Self {
        self.filter = Some(keep);
        self
    }

    /// `PUT`: replaces every metric of the group with the registry's. Metrics of the
    /// group that this push lacks are gone afterwards.
    ///
    /// # Errors
    ///
    /// [`PushError::MissingJob`], [`PushError::InvalidUrl`] and
    /// [`PushError::InvalidLabelName`] before anything is sent;
    /// [`PushError::Transport`] when the gateway cannot be reached in time;
    /// [`PushError::Rejected`] when it answers with an error (for example `400` when a
    /// metric contradicts the type or labels the gateway holds for that name).
    pub fn push(&self) -> Result<(), PushError> {
        self.send(Method::Put)
    }

    /// `POST`: replaces the group's metrics that have the names pushed, and keeps the
    /// others (those pushed earlier under other names).
    ///
    /// # Errors
    ///
    /// As for [`push`](Pushgateway::push).
    pub fn push_add(&self) -> Result<(), PushError> {
        self.send(Method::Post)
    }

    /// `DELETE`: removes the group and every metric in it. Deleting a group that does
    /// not exist succeeds.
    ///
    /// # Errors
    ///
    /// As for [`push`](Pushgateway::push).
    pub fn delete(&self) -> Result<(), PushError> {
        self.send(Method::Delete)
    }

    /// The URL of the group, `<gateway>/metrics/job/<job>{/<label>/<value>}`, with every
    /// segment encoded by the Pushgateway's rules: `@base64` for a value that is empty
    /// or contains `/` (or is `.` or `..`), percent-encoding otherwise.
    ///
    /// # Errors
    ///
    /// As the request methods would report them, before sending anything.
    ///
    /// ```
    /// let gateway = metricsmith::push::Pushgateway::new("http://gw:9091/")
    ///     .job("etl")
    ///     .grouping("instance", "")
    ///     .grouping("path", "/var/tmp");
    /// assert_eq!(
    ///     gateway.group_url()?,
    ///     "http://gw:9091/metrics/job/etl/instance@base64/=/path@base64/L3Zhci90bXA",
    /// );
    /// # Ok::<(), metricsmith::push::PushError>(())
    /// ```
    pub fn group_url(&self) -> Result<String, PushError> {
        let base = base_url(&self.url)?;
        let job = self.job.as_deref().filter(|job| !job.is_empty()).ok_or(PushError::MissingJob)?;
        let mut url = format!("{base}/metrics/job");
        push_value(&mut url, job);
        for (position, (name, value)) in self.grouping.iter().enumerate() {
            if let Err(reason) = check_label_name(name) {
                return Err(PushError::InvalidLabelName { name: name.clone(), reason });
            }
            if self.grouping[..position].iter().any(|(earlier, _)| earlier == name) {
                return Err(PushError::InvalidLabelName {
                    name: name.clone(),
                    reason: "it is given twice; a group has one value per label",
                });
            }
            url.push('/');
            url.push_str(name);
            push_value(&mut url, value);
        }
        Ok(url)
    }

    fn body(&self) -> Vec<u8> {
        let families = match self.filter {
            Some(keep) => Families::Named(keep),
            None => Families::All,
        };
        let mut text = Vec::new();
        render_with_scratch(Format::Prometheus, families, &mut text);
        text
    }

    fn send(&self, method: Method) -> Result<(), PushError> {
        let url = self.group_url()?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(self.timeout))
            // A redirect would re-send the metrics to another address: report it instead.
            .max_redirects(0)
            .user_agent(concat!("metricsmith/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let content_type = Format::Prometheus.content_type();
        let result = match method {
            Method::Put => agent.put(&url).header("content-type", content_type).send(&self.body()[..]),
            Method::Post => agent.post(&url).header("content-type", content_type).send(&self.body()[..]),
            Method::Delete => agent.delete(&url).call(),
        };
        let method = method.as_str();
        let mut response = result.map_err(|error| PushError::Transport {
            method,
            url: url.clone(),
            source: Box::new(error),
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let mut reply = Vec::new();
        // The reply only explains the status; if it cannot be read, the status stands alone.
        let _ = response.body_mut().as_reader().take(MAX_REPLY_BYTES).read_to_end(&mut reply);
        let message = String::from_utf8_lossy(&reply).trim().to_owned();
        Err(PushError::Rejected { method, url, status: status.as_u16(), message })
    }
}

#[derive(Clone, Copy)]
enum Method {
    Put,
    Post,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// `url` with a scheme and without a trailing `/`.
fn base_url(url: &str) -> Result<String, PushError> {
    let invalid = |reason| PushError::InvalidUrl { url: url.to_owned(), reason };
    let trimmed = url.trim();
    let rest = match trimmed.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
            return Err(invalid(
                "https is not supported (metricsmith's push client has no TLS): use http://, \
                 or a TLS-terminating proxy on loopback",
            ))
        }
        Some(_) => return Err(invalid("the scheme must be http://")),
        None => trimmed,
    };
    if rest.contains(['?', '#']) {
        return Err(invalid("a query or fragment has no place in a pushgateway URL"));
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(invalid("there is no host, e.g. http://127.0.0.1:9091"));
    }
    Ok(format!("http://{}", rest.trim_end_matches('/')))
}

/// Appends `/<value>` for a job or label value: `@base64/<value>` when percent-encoding
/// cannot carry it (empty, a `/`, or a `.`/`..` segment), as the Pushgateway specifies.
fn push_value(url: &mut String, value: &str) {
    if value.is_empty() {
        url.push_str("@base64/=");
    } else if value.contains('/') || value == "." || value == ".." {
        url.push_str("@base64/");
        url.push_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value));
    } else {
        url.push('/');
        url.extend(utf8_percent_encode(value, SEGMENT));
    }
}

/// Prometheus' label-name rule, for the names the Pushgateway takes.
fn check_label_name(name: &str) -> Result<(), &'static str> {
    match metricsmith_naming::label_name_syntax(name) {
        Ok(()) => {}
        Err(SyntaxError::Empty) => return Err("it is empty"),
        Err(SyntaxError::InvalidStart(_)) => return Err("it must start with a letter or `_`"),
        Err(SyntaxError::InvalidCharacter(_)) => return Err("only letters, digits and `_` are allowed"),
    }
    if metricsmith_naming::is_reserved_label_name(name) {
        return Err("names starting with `__` are reserved for Prometheus");
    }
    if name == "job" {
        return Err("`job` is set with `.job(...)`");
    }
    Ok(())
}

/// Why a push, push_add or delete did not happen.
///
/// Mistakes in the request are reported before anything is sent:
///
/// ```
/// use metricsmith::push::{PushError, Pushgateway};
///
/// let error = Pushgateway::new("http://127.0.0.1:9091").push().unwrap_err();
/// assert!(matches!(error, PushError::MissingJob));
///
/// let error = Pushgateway::new("http://127.0.0.1:9091").job("nightly").grouping("shard-id", "7").push().unwrap_err();
/// assert!(matches!(error, PushError::InvalidLabelName { .. }), "{error}");
/// ```
#[non_exhaustive]
pub enum PushError {
    /// No job name, or an empty one: set it with [`Pushgateway::job`].
    MissingJob,
    /// The gateway URL cannot be used.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A grouping label name breaks Prometheus' rules, or is given twice.
    InvalidLabelName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The gateway could not be reached, or did not answer within the timeout.
    Transport {
        /// `PUT`, `POST` or `DELETE`.
        method: &'static str,
        /// The group URL.
        url: String,
        /// The client's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The gateway answered with a status other than 2xx.
    Rejected {
        /// `PUT`, `POST` or `DELETE`.
        method: &'static str,
        /// The group URL.
        url: String,
        /// The HTTP status code, e.g. `400`.
        status: u16,
        /// The start of the gateway's reply, which says why.
        message: String,
    },
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::MissingJob => f.write_str(
                "no job name: set one with `.job(\"...\")`; the pushgateway groups every push by job",
            ),
            PushError::InvalidUrl { url, reason } => write!(f, "invalid pushgateway URL `{url}`: {reason}"),
            PushError::InvalidLabelName { name, reason } => {
                write!(f, "invalid grouping label name `{name}`: {reason}")
            }
            PushError::Transport { method, url, source } => {
                write!(f, "{method} {url} failed: {source}")
            }
            PushError::Rejected { method, url, status, message } if message.is_empty() => {
                write!(f, "the pushgateway answered {method} {url} with status {status}")
            }
            PushError::Rejected { method, url, status, message } => {
                write!(f, "the pushgateway answered {method} {url} with status {status}: {message}")
            }
        }
    }
}

crate::family::debug_as_display!(PushError);

impl std::error::Error for PushError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PushError::Transport { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(gateway: Pushgateway) -> Result<String, PushError> {
        gateway.group_url()
    }

    #[test]
    fn base_urls_get_a_scheme_and_lose_trailing_slashes() {
        let job = |base: &str| url(Pushgateway::new(base).job("j")).unwrap();
        assert_eq!(job("127.0.0.1:9091"), "http://127.0.0.1:9091/metrics/job/j");
        assert_eq!(job(" HTTP://gw:9091// "), "http://gw:9091/metrics/job/j");
        assert_eq!(job("http://gw/prefix/"), "http://gw/prefix/metrics/job/j");
    }

    #[test]
    fn unusable_urls_are_errors_that_say_why() {
        for (base, reason) in [
            ("https://gw:9091", "https is not supported"),
            ("ftp://gw", "must be http"),
            ("http://", "no host"),
            ("", "no host"),
            ("http://gw:9091/?x=1", "query"),
        ] {
            match url(Pushgateway::new(base).job("j")) {
                Err(error @ PushError::InvalidUrl { .. }) => {
                    assert!(error.to_string().contains(reason), "{base}: {error}")
                }
                other => panic!("{base}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_job_is_required() {
        assert!(matches!(url(Pushgateway::new("gw:9091")), Err(PushError::MissingJob)));
        assert!(matches!(url(Pushgateway::new("gw:9091").job("")), Err(PushError::MissingJob)));
        assert!(Pushgateway::new("gw:9091").push().unwrap_err().to_string().contains(".job("));
    }

    #[test]
    fn values_are_percent_encoded_or_base64_encoded() {
        let gateway = Pushgateway::new("gw:9091")
            .job("a b+c%d")
            .grouping("unicode", "zürich")
            .grouping("at", "x@base64")
            .grouping("dot", ".")
            .grouping("dots", "..")
            .grouping("slash", "a/b")
            .grouping("empty", "")
            .grouping("plain", "Worker-1_~.x");
        assert_eq!(
            url(gateway).unwrap(),
            "http://gw:9091/metrics/job/a%20b%2Bc%25d/unicode/z%C3%BCrich/at/x%40base64\
             /dot@base64/Lg/dots@base64/Li4/slash@base64/YS9i/empty@base64/=/plain/Worker-1_~%2Ex"
        );
    }

    #[test]
    fn invalid_label_names_are_rejected_with_the_rule() {
        for (name, reason) in [
            ("", "empty"),
            ("1st", "start with"),
            ("data-center", "only letters"),
            ("__name__", "reserved"),
            ("job", ".job("),
            ("zürich", "only letters"),
        ] {
            match url(Pushgateway::new("gw:9091").job("j").grouping(name, "v")) {
                Err(error @ PushError::InvalidLabelName { .. }) => {
                    assert!(error.to_string().contains(reason), "{name}: {error}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        let twice = Pushgateway::new("gw:9091").job("j").grouping("instance", "a").grouping("instance", "b");
        assert!(url(twice).unwrap_err().to_string().contains("given twice"));
        assert!(url(Pushgateway::new("gw:9091").job("j").grouping("_ok", "v").grouping("Zone9", "v")).is_ok());
    }
}
