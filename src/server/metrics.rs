//! The server's metrics, in Prometheus' text format at `/metrics`, served
//! to the machine itself only (a loopback peer; elsewhere the route is not
//! found): uploads answered, by route and status; how long checks take; how
//! many run now; and the budget left per quarter and scope.
//!
//! Labels are routes, statuses, quarters and scopes — never a value from an
//! upload, a query or a header.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct UploadLabels {
    /// The route's template, e.g. `/api/v1/agencies/{slug}/submissions`.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BudgetLabels {
    pub quarter: String,
    pub scope: String,
}

/// Every metric the server keeps.
pub struct Metrics {
    registry: Registry,
    pub uploads: Family<UploadLabels, Counter>,
    pub check_seconds: Histogram,
    pub checks_running: Gauge,
    budget_left: Family<BudgetLabels, Gauge<f64, AtomicU64>>,
}

impl Metrics {
    /// The metrics, described in `lang` (the operator's console language).
    pub fn new(lang: crate::i18n::Lang) -> Self {
        let mut registry = Registry::with_prefix("safecount");
        let uploads = Family::<UploadLabels, Counter>::default();
        registry.register("uploads", lang.t("metrics-uploads"), uploads.clone());
        let check_seconds = Histogram::new([0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0]);
        registry.register(
            "check_seconds",
            lang.t("metrics-check-seconds"),
            check_seconds.clone(),
        );
        let checks_running = Gauge::default();
        registry.register(
            "checks_running",
            lang.t("metrics-checks-running"),
            checks_running.clone(),
        );
        let budget_left = Family::<BudgetLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "budget_rho_left",
            lang.t("metrics-budget-left"),
            budget_left.clone(),
        );
        Metrics {
            registry,
            uploads,
            check_seconds,
            checks_running,
            budget_left,
        }
    }

    /// The metrics as Prometheus text, the budget read from the ledger now.
    pub fn render(&self, store: &crate::store::Store) -> String {
        if let Ok(periods) = store
            .connect()
            .map_err(|_| ())
            .and_then(|c| crate::privacy::ledger::status(&c).map_err(|_| ()))
        {
            for p in periods {
                let labels = BudgetLabels {
                    quarter: p.period.clone(),
                    scope: format!("{:?}", p.scope).to_lowercase(),
                };
                self.budget_left.get_or_create(&labels).set(p.remaining_rho);
            }
        }
        let mut text = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Counts a check while it runs, and times it.
pub struct CheckTimer<'a> {
    metrics: &'a Metrics,
    started: std::time::Instant,
}

impl<'a> CheckTimer<'a> {
    pub fn start(metrics: &'a Metrics) -> Self {
        metrics.checks_running.inc();
        CheckTimer {
            metrics,
            started: std::time::Instant::now(),
        }
    }
}

impl Drop for CheckTimer<'_> {
    fn drop(&mut self) {
        self.metrics.checks_running.dec();
        self.metrics
            .check_seconds
            .observe(self.started.elapsed().as_secs_f64());
    }
}
