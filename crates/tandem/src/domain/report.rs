//! The figures of a program's report, from facts passed in: pure, so each is
//! tested at its edges. Ratios with nothing to divide by are `None` (null), never
//! a made-up zero.

/// The days a report's retention is read at.
pub const RETENTION_DAYS: [u32; 4] = [30, 90, 180, 365];

/// The median; `None` of nothing. An even count takes the mean of the middle two.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// `part / whole`, `None` when `whole` is 0.
pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Rounded to `places` decimal places, for figures people read.
pub fn round(value: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (value * k).round() / k
}

/// How long one relationship ran, and how its run ended as far as retention
/// counts: `ended` early (the event), or censored (completed, or still running)
/// at `days`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    pub days: f64,
    pub ended: bool,
}

/// The Kaplan–Meier estimate of the share of relationships not yet ended early
/// `day` days after their start, at each of `days`; `None` for a day no
/// relationship has reached yet (none ran that long, ended or not).
///
/// At each time an early end happens, the share still running is multiplied by
/// (1 − ended then / still at risk then); a relationship censored before that
/// time no longer counts among those at risk.
pub fn kaplan_meier(runs: &[Run], days: &[u32]) -> Vec<Option<f64>> {
    let longest = runs
        .iter()
        .map(|r| r.days)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut sorted: Vec<Run> = runs.to_vec();
    sorted.sort_by(|a, b| a.days.total_cmp(&b.days));
    days.iter()
        .map(|&day| {
            let day = f64::from(day);
            if runs.is_empty() || longest < day {
                return None;
            }
            let mut share = 1.0;
            let mut at_risk = sorted.len();
            let mut i = 0;
            while i < sorted.len() && sorted[i].days <= day {
                let t = sorted[i].days;
                let mut events = 0;
                let mut leaving = 0;
                while i < sorted.len() && sorted[i].days == t {
                    events += usize::from(sorted[i].ended);
                    leaving += 1;
                    i += 1;
                }
                if events > 0 {
                    share *= 1.0 - events as f64 / at_risk as f64;
                }
                at_risk -= leaving;
            }
            Some(share)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(days: f64, ended: bool) -> Run {
        Run { days, ended }
    }

    #[test]
    fn a_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5.0]), Some(5.0));
        assert_eq!(median(&mut [9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn nothing_to_divide_by_is_no_ratio() {
        assert_eq!(ratio(1, 0), None);
        assert_eq!(ratio(0, 4), Some(0.0));
        assert_eq!(ratio(3, 4), Some(0.75));
    }

    #[test]
    fn retention_with_no_early_end_stays_whole() {
        let runs = [run(100.0, false), run(200.0, false), run(400.0, false)];
        assert_eq!(
            kaplan_meier(&runs, &RETENTION_DAYS),
            [Some(1.0), Some(1.0), Some(1.0), Some(1.0)]
        );
    }

    #[test]
    fn a_day_nobody_reached_has_no_estimate() {
        let runs = [run(10.0, true), run(40.0, false)];
        let km = kaplan_meier(&runs, &RETENTION_DAYS);
        assert_eq!(km[0], Some(0.5), "one of two ended before day 30");
        assert_eq!(km[1], None, "nobody ran 90 days");
        assert_eq!(kaplan_meier(&[], &[30]), [None]);
    }

    #[test]
    fn censored_runs_leave_those_at_risk_and_do_not_count_as_ends() {
        // Four start; one completes at day 20 (censored), one ends early at 50,
        // two run past 100. At day 50 three are at risk: 1 − 1/3.
        let runs = [
            run(20.0, false),
            run(50.0, true),
            run(120.0, false),
            run(150.0, false),
        ];
        let km = kaplan_meier(&runs, &[30, 90]);
        assert_eq!(km[0], Some(1.0));
        let at_90 = km[1].unwrap();
        assert!((at_90 - 2.0 / 3.0).abs() < 1e-12, "{at_90}");
    }

    #[test]
    fn ends_on_the_same_day_count_together() {
        // Two of four end on day 10; then one of the two left ends on day 60.
        let runs = [
            run(10.0, true),
            run(10.0, true),
            run(60.0, true),
            run(100.0, false),
        ];
        let km = kaplan_meier(&runs, &[30, 90]);
        assert_eq!(km, [Some(0.5), Some(0.25)]);
    }
}
