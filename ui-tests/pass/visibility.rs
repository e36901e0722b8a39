mod shop {
    use metricsmith::{metric, Counter, Gauge};

    /// Orders processed.
    #[metric]
    pub(crate) static ORDERS_PROCESSED_TOTAL: Counter;

    /// Orders waiting in the queue.
    #[metric]
    pub static ORDER_QUEUE_DEPTH: Gauge;

    pub(super) mod payments {
        use metricsmith::{metric, Counter};

        /// Payments declined by the gateway.
        #[metric]
        pub(in crate::shop) static PAYMENTS_DECLINED_TOTAL: Counter;

        pub(crate) fn decline() {
            PAYMENTS_DECLINED_TOTAL.inc();
        }
    }

    pub(crate) fn declined() -> u64 {
        payments::PAYMENTS_DECLINED_TOTAL.get()
    }
}

fn main() {
    shop::ORDERS_PROCESSED_TOTAL.inc();
    shop::ORDER_QUEUE_DEPTH.set(1.0);
    shop::payments::decline();
    assert_eq!(shop::ORDERS_PROCESSED_TOTAL.get(), 1);
    assert_eq!(shop::ORDER_QUEUE_DEPTH.get(), 1.0);
    assert_eq!(shop::declined(), 1);
}
