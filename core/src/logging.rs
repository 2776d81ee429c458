//! Routes the core's `tracing` output to the app's log sink (`Platform::log`).
//!
//! A process has one global subscriber; it forwards to the platform of the most recently opened
//! store, so a test that opens several stores still sees every line.

use std::fmt::Write as _;
use std::sync::{Arc, Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use crate::platform::{LogLevel, Platform};

static SINK: RwLock<Option<Arc<dyn Platform>>> = RwLock::new(None);
static INSTALL: Once = Once::new();

/// The most verbose level forwarded: every call into the app costs a crossing of the FFI.
const MAX_LEVEL: Level = Level::INFO;

pub fn route_to(platform: Arc<dyn Platform>) {
    *SINK
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(platform);
    INSTALL.call_once(|| {
        // Fails only if the embedding program installed its own subscriber first; then its wins.
        let _ = tracing::subscriber::set_global_default(PlatformSubscriber);
    });
}

struct PlatformSubscriber;

impl Subscriber for PlatformSubscriber {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= MAX_LEVEL
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(MAX_LEVEL))
    }

    // Spans are not forwarded; log lines carry their own context.
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let sink = SINK
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let Some(sink) = sink else { return };
        let mut line = Line(String::new());
        event.record(&mut line);
        let metadata = event.metadata();
        sink.log(
            level(metadata.level()),
            metadata.target().to_owned(),
            line.0,
        );
    }
}

fn level(level: &Level) -> LogLevel {
    match *level {
        Level::ERROR => LogLevel::Error,
        Level::WARN => LogLevel::Warn,
        Level::INFO => LogLevel::Info,
        Level::DEBUG => LogLevel::Debug,
        _ => LogLevel::Trace,
    }
}

/// `message key=value key=value`
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let _ = if field.name() == "message" {
            write!(self.0, "{value:?}")
        } else {
            write!(self.0, "{}={value:?}", field.name())
        };
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.record_debug(field, &format_args!("{value}"));
        } else {
            self.record_debug(field, &value);
        }
    }
}
