//! Log output in the shape Terraform understands: one hclog-style JSON object per line on stderr.
//!
//! go-plugin reads a plugin's stderr line by line. A line that is a JSON object with `@level`,
//! `@message` and an `@timestamp` in Go's `2006-01-02T15:04:05.000000Z07:00` layout is
//! re-emitted by Terraform as a structured provider log entry at that level; every other key
//! becomes a key/value pair. Anything else is shown as an untagged debug line.
//!
//! Only what a `tracing` call names explicitly is written: the message and the fields given
//! at the call site and on the enclosing spans. Nothing is captured implicitly (no request
//! bodies, no environment), so keeping a secret out of the log is a matter of never passing
//! one as a field; types holding secrets have a redacting `Debug` as a second line of defence.
//!
//! # Level
//!
//! The level mirrors how Terraform itself reads its environment: `TF_LOG_PROVIDER` if set and
//! non-empty, otherwise `TF_LOG`, compared case-insensitively. `TRACE`, `DEBUG`, `INFO`, `WARN`
//! and `ERROR` select that level, `JSON` means `TRACE`, and `OFF` silences the provider. Any
//! other non-empty value means `TRACE`, as it does for Terraform, which would show those lines
//! anyway. When neither variable is set the provider still writes errors: Terraform drops them
//! unless its own logging is on, but a person running the provider in `--debug` mode sees them.
//!
//! Events from other crates (tonic, hyper, h2) are capped at `WARN`: their debug and trace
//! output is frame-level noise that would drown the provider's own lines.

use serde_json::{Map, Value as Json};
use std::fmt;
use std::io::Write;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// The `@module` of every line. Providers built on terraform-plugin-framework log their own
/// lines under `provider`, so log tooling treats ours the same way.
pub const MODULE: &str = "provider";

/// Go's `2006-01-02T15:04:05.000000Z07:00`, written for UTC (where Go prints `Z`).
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The tracing target prefix of this crate's own events (library and binary alike).
const OWN_TARGET: &str = "terraform_provider_cloudflare";

/// Picks the provider's log level from the values of `TF_LOG_PROVIDER` and `TF_LOG`.
pub fn level_from(tf_log_provider: Option<&str>, tf_log: Option<&str>) -> LevelFilter {
    let chosen = tf_log_provider
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .or_else(|| tf_log.map(str::trim).filter(|value| !value.is_empty()));
    let Some(chosen) = chosen else {
        return LevelFilter::ERROR;
    };
    match chosen.to_ascii_uppercase().as_str() {
        "OFF" => LevelFilter::OFF,
        "ERROR" => LevelFilter::ERROR,
        "WARN" => LevelFilter::WARN,
        "INFO" => LevelFilter::INFO,
        "DEBUG" => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// The level chosen by this process's environment.
pub fn level_from_env() -> LevelFilter {
    let provider = std::env::var("TF_LOG_PROVIDER").ok();
    let global = std::env::var("TF_LOG").ok();
    level_from(provider.as_deref(), global.as_deref())
}

/// Which events reach the output: this crate's at `level`, everyone else's at most at `WARN`.
pub fn targets(level: LevelFilter) -> Targets {
    Targets::new()
        .with_target(OWN_TARGET, level)
        .with_default(level.min(LevelFilter::WARN))
}

/// Installs the JSON-lines logger on stderr as the process-wide subscriber, at the level the
/// environment asks for. Calling it twice keeps the first subscriber.
pub fn init() {
    let level = level_from_env();
    let subscriber = tracing_subscriber::registry()
        .with(HclogLayer::new(std::io::stderr).with_filter(targets(level)));
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        return;
    }
    install_panic_logger();
}

/// Reports panics as error lines too, so `TF_LOG=error` shows them; the standard report still
/// follows on stderr.
fn install_panic_logger() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "the provider panicked");
        previous(info);
    }));
}

/// A `tracing` layer writing one hclog-style JSON object per event.
#[derive(Debug)]
pub struct HclogLayer<W> {
    make_writer: W,
}

impl<W> HclogLayer<W>
where
    W: for<'writer> MakeWriter<'writer> + 'static,
{
    /// Writes through `make_writer` (for example `std::io::stderr`).
    pub fn new(make_writer: W) -> Self {
        Self { make_writer }
    }
}

/// The fields recorded on a span, kept in the span's extensions.
#[derive(Debug, Default)]
struct SpanFields(Map<String, Json>);

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber + for<'lookup> LookupSpan<'lookup>,
    W: for<'writer> MakeWriter<'writer> + 'static,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = SpanFields::default();
        attrs.record(&mut JsonFields(&mut fields.0));
        span.extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(fields) = extensions.get_mut::<SpanFields>() {
            values.record(&mut JsonFields(&mut fields.0));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(span_fields) = span.extensions().get::<SpanFields>() {
                    fields.extend(span_fields.0.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        event.record(&mut JsonFields(&mut fields));
        let line = format_line(
            *event.metadata().level(),
            OffsetDateTime::now_utc(),
            caller(event.metadata()),
            fields,
        );
        // One write per line keeps lines whole when several threads log at once.
        let _ = self.make_writer.make_writer().write_all(&line);
    }
}

fn caller(metadata: &tracing::Metadata<'_>) -> Option<String> {
    let file = metadata.file()?;
    Some(match metadata.line() {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    })
}

/// Builds one output line (with its trailing newline). `fields` holds the recorded fields, the
/// message under `message`.
fn format_line(
    level: Level,
    at: OffsetDateTime,
    caller: Option<String>,
    mut fields: Map<String, Json>,
) -> Vec<u8> {
    let message = match fields.remove("message") {
        Some(Json::String(text)) => text,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    // Reserved keys win over any recorded field that happens to share their name.
    fields.retain(|key, _| !key.starts_with('@'));
    fields.insert("@level".into(), Json::String(level_name(level).into()));
    fields.insert("@message".into(), Json::String(message));
    fields.insert("@module".into(), Json::String(MODULE.into()));
    fields.insert("@timestamp".into(), Json::String(timestamp(at)));
    if let Some(caller) = caller {
        fields.insert("@caller".into(), Json::String(caller));
    }
    let mut line = serde_json::to_vec(&Json::Object(fields)).unwrap_or_default();
    line.push(b'\n');
    line
}

/// hclog's level names.
fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP)
        .unwrap_or_default()
}

/// Records tracing fields as JSON values: numbers and booleans stay typed, everything else is
/// its `Display` (strings, errors) or `Debug` text.
struct JsonFields<'map>(&'map mut Map<String, Json>);

impl Visit for JsonFields<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        let json = serde_json::Number::from_f64(value).map_or(Json::Null, Json::Number);
        self.0.insert(field.name().into(), json);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0
            .insert(field.name().into(), Json::String(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), Json::String(format!("{value:?}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects everything written, for inspection.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Captured {
        fn lines(&self) -> Vec<Map<String, Json>> {
            let bytes = self.0.lock().unwrap().clone();
            String::from_utf8(bytes)
                .unwrap()
                .lines()
                .map(|line| match serde_json::from_str(line).unwrap() {
                    Json::Object(map) => map,
                    other => panic!("not an object: {other}"),
                })
                .collect()
        }
    }

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'writer> MakeWriter<'writer> for Captured {
        type Writer = Captured;
        fn make_writer(&'writer self) -> Self::Writer {
            self.clone()
        }
    }

    fn capture(level: LevelFilter, body: impl FnOnce()) -> Vec<Map<String, Json>> {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::registry()
            .with(HclogLayer::new(captured.clone()).with_filter(targets(level)));
        tracing::subscriber::with_default(subscriber, body);
        captured.lines()
    }

    #[test]
    fn timestamp_has_microseconds_and_a_zone() {
        let at = time::macros::datetime!(2026-11-28 00:00:00.123_456_789 UTC);
        assert_eq!(timestamp(at), "2026-11-28T00:00:00.123456Z");
        let offset = time::macros::datetime!(2026-11-28 01:30:00.5 +01:30);
        assert_eq!(timestamp(offset), "2026-11-28T00:00:00.500000Z");
    }

    #[test]
    fn line_is_hclog_json_with_fields() {
        let at = time::macros::datetime!(2026-11-28 00:00:00 UTC);
        let mut fields = Map::new();
        fields.insert("message".into(), "served".into());
        fields.insert("rpc".into(), "GetProviderSchema".into());
        fields.insert("@level".into(), "spoofed".into());
        let line = format_line(Level::DEBUG, at, Some("src/x.rs:1".into()), fields);
        let text = String::from_utf8(line).unwrap();
        assert_eq!(
            text,
            "{\"@caller\":\"src/x.rs:1\",\"@level\":\"debug\",\"@message\":\"served\",\
             \"@module\":\"provider\",\"@timestamp\":\"2026-11-28T00:00:00.000000Z\",\
             \"rpc\":\"GetProviderSchema\"}\n"
        );
    }

    #[test]
    fn events_carry_typed_fields_and_span_fields() {
        let lines = capture(LevelFilter::TRACE, || {
            let span = tracing::debug_span!("rpc", rpc = "PlanResourceChange", attempt = 1_u64);
            let _entered = span.enter();
            let err = std::io::Error::other("boom");
            tracing::info!(count = 3_i64, ok = true, error = &err as &dyn std::error::Error, name = ?"x", "planned");
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["@level"], "info");
        assert_eq!(line["@message"], "planned");
        assert_eq!(line["@module"], "provider");
        assert_eq!(line["rpc"], "PlanResourceChange");
        assert_eq!(line["attempt"], 1);
        assert_eq!(line["count"], 3);
        assert_eq!(line["ok"], true);
        assert_eq!(line["error"], "boom");
        assert_eq!(line["name"], "\"x\"");
        assert!(line["@caller"].as_str().unwrap().contains("logging.rs:"));
        let stamp = line["@timestamp"].as_str().unwrap();
        let shape: String = stamp
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "9999-99-99T99:99:99.999999Z");
    }

    #[test]
    fn level_filter_drops_lower_levels_and_caps_other_crates() {
        let lines = capture(LevelFilter::INFO, || {
            tracing::debug!("hidden");
            tracing::info!("shown");
            tracing::warn!("also shown");
            tracing::info!(target: "h2::codec", "frame noise");
            tracing::warn!(target: "h2::codec", "dependency warning");
        });
        let messages: Vec<_> = lines.iter().map(|l| l["@message"].clone()).collect();
        assert_eq!(messages, ["shown", "also shown", "dependency warning"]);

        let none = capture(LevelFilter::OFF, || tracing::error!("silenced"));
        assert!(none.is_empty());
    }

    #[test]
    fn level_comes_from_tf_log_provider_then_tf_log() {
        assert_eq!(level_from(None, None), LevelFilter::ERROR);
        assert_eq!(level_from(Some(""), Some("  ")), LevelFilter::ERROR);
        assert_eq!(level_from(None, Some("debug")), LevelFilter::DEBUG);
        assert_eq!(level_from(Some("Warn"), Some("TRACE")), LevelFilter::WARN);
        assert_eq!(level_from(Some(""), Some("info")), LevelFilter::INFO);
        assert_eq!(level_from(None, Some("JSON")), LevelFilter::TRACE);
        assert_eq!(level_from(Some("off"), Some("trace")), LevelFilter::OFF);
        assert_eq!(level_from(None, Some("error")), LevelFilter::ERROR);
        assert_eq!(level_from(None, Some("verbose")), LevelFilter::TRACE);
    }
}
