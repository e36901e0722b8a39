// The business metrics of the seed guide `001_…`, as metricsmith declares them.
// `business_orders_created_total` is a counter whose family ends in `_created`: valid, as
// nothing else here is a family `business_orders` whose `_created` series it would be.
use metricsmith::{metric, Counter, Format, Gauge, Histogram, Info, LabelSet, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum PlanType {
    Free,
    Standard,
    Premium,
}

#[derive(LabelValue, Clone, Copy)]
enum PaymentMethod {
    Card,
    Wallet,
}

#[derive(LabelValue, Clone, Copy)]
#[label(name = "reason")]
enum FailureReason {
    PaymentDeclined,
    OutOfStock,
}

#[derive(LabelValue, Clone, Copy)]
#[label(name = "queue_name")]
enum Queue {
    Orders,
    Emails,
}

#[derive(LabelSet)]
struct OrderLabels {
    plan_type: PlanType,
    payment_method: PaymentMethod,
}

/// Total orders created.
#[metric]
static BUSINESS_ORDERS_CREATED_TOTAL: Counter<OrderLabels>;

/// Total failed order attempts.
#[metric]
static BUSINESS_ORDERS_FAILED_TOTAL: Counter<FailureReason>;

/// Total revenue in cents.
#[metric]
static BUSINESS_REVENUE_CENTS_TOTAL: Counter<PlanType>;

/// Number of tasks waiting in queue.
#[metric]
static BUSINESS_TASK_QUEUE_SIZE: Gauge<Queue>;

/// Time to process an order.
#[metric(buckets = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0])]
static BUSINESS_ORDER_PROCESSING_SECONDS: Histogram<PlanType>;

/// Application information.
#[metric(labels(version = "1.2.3", environment = "production"))]
static APP_INFO: Info;

fn main() {
    BUSINESS_ORDERS_CREATED_TOTAL
        .labels(OrderLabels { plan_type: PlanType::Premium, payment_method: PaymentMethod::Card })
        .inc();
    BUSINESS_ORDERS_FAILED_TOTAL.labels(FailureReason::OutOfStock).inc();
    BUSINESS_REVENUE_CENTS_TOTAL.labels(PlanType::Premium).inc_by(4_900);
    BUSINESS_TASK_QUEUE_SIZE.labels(Queue::Emails).set(3.0);
    BUSINESS_ORDER_PROCESSING_SECONDS.labels(PlanType::Premium).observe(1.2);
    let _ = &APP_INFO;
    assert_eq!(metricsmith::check_registry(), Ok(()));

    metricsmith_ui_tests::assert_scrape_contains(
        Format::OpenMetrics,
        &[
            "# TYPE business_orders_created counter\n",
            "business_orders_created_total{plan_type=\"premium\",payment_method=\"card\"} 1\n",
            "business_orders_failed_total{reason=\"out_of_stock\"} 1\n",
            "business_revenue_cents_total{plan_type=\"premium\"} 4900\n",
            "business_task_queue_size{queue_name=\"emails\"} 3\n",
            "business_order_processing_seconds_count{plan_type=\"premium\"} 1\n",
            "app_info{version=\"1.2.3\",environment=\"production\"} 1\n",
        ],
    );
}
