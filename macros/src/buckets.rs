//! Histogram bucket layouts: checked at compile time.

/// Why a bucket list is unusable, as the message to show (without the metric name).
pub(crate) fn check_buckets(bounds: &[f64]) -> Result<(), (usize, String)> {
    if bounds.is_empty() {
        return Err((0, "needs at least one bucket: give `buckets = [...]` finite, increasing upper bounds, or leave `buckets` out for the defaults".to_owned()));
    }
    for (position, bound) in bounds.iter().enumerate() {
        if !bound.is_finite() {
            return Err((position, format!("bucket `{bound}` is not finite: the `+Inf` bucket is always added, list only finite bounds")));
        }
        if position > 0 && bounds[position - 1] >= *bound {
            return Err((
                position,
                format!(
                    "buckets must be strictly increasing, but `{}` follows `{}`: sort them and remove duplicates",
                    bound,
                    bounds[position - 1]
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increasing_finite_buckets_are_accepted() {
        assert_eq!(check_buckets(&[-1.0, 0.0, 0.5, 10.0]), Ok(()));
    }

    #[test]
    fn empty_buckets_are_rejected() {
        assert!(check_buckets(&[]).is_err());
    }

    #[test]
    fn unsorted_or_repeated_buckets_point_at_the_offender() {
        assert_eq!(check_buckets(&[0.1, 0.5, 0.2]).unwrap_err().0, 2);
        let (position, message) = check_buckets(&[0.1, 0.1]).unwrap_err();
        assert_eq!(position, 1);
        assert_eq!(
            message,
            "buckets must be strictly increasing, but `0.1` follows `0.1`: sort them and remove duplicates"
        );
    }

    #[test]
    fn infinite_buckets_are_rejected() {
        assert_eq!(check_buckets(&[0.1, f64::INFINITY]).unwrap_err().0, 1);
    }
}
