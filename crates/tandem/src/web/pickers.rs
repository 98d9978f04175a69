//! Pickers forms share: the time-zone select, grouped by region, and the words a
//! person picker shows for someone.
use super::Opt;
use crate::domain::values::{pickable_zones, ZONE_REGIONS};

/// The zones of one region, as an `<optgroup>`.
pub struct ZoneGroup {
    pub region: &'static str,
    pub zones: Vec<Opt>,
}

/// What `m::timezone_select` draws: UTC (and a saved zone no region lists, such
/// as an old alias), then every region's zones; `guess` lets the page's script
/// preselect the browser's zone when nothing is saved.
pub struct ZonePicker {
    pub loose: Vec<Opt>,
    pub groups: Vec<ZoneGroup>,
    pub guess: bool,
}

impl ZonePicker {
    /// The picker with `current` (a saved or typed zone; empty for none) selected.
    pub fn new(current: &str) -> ZonePicker {
        let current = current.trim();
        let mut listed = false;
        let mut opt = |value: &'static str, label: String| {
            let selected = value == current;
            listed |= selected;
            Opt {
                value: value.into(),
                label,
                selected,
            }
        };
        let mut loose = vec![opt("UTC", "UTC".into())];
        let groups: Vec<ZoneGroup> = ZONE_REGIONS
            .iter()
            .map(|region| ZoneGroup {
                region,
                zones: pickable_zones()
                    .filter_map(|zone| {
                        let place = zone.strip_prefix(region)?.strip_prefix('/')?;
                        Some(opt(zone, place.replace('_', " ")))
                    })
                    .collect(),
            })
            .collect();
        if !current.is_empty() && !listed {
            loose.push(Opt {
                value: current.into(),
                label: current.into(),
                selected: true,
            });
        }
        ZonePicker {
            loose,
            groups,
            guess: current.is_empty(),
        }
    }
}

/// A person as a picker shows them: the name and the address, so two people of
/// one name can be told apart.
pub fn person_label(name: &str, email: &str) -> String {
    if email.is_empty() {
        name.to_string()
    } else {
        format!("{name} <{email}>")
    }
}

#[cfg(test)]
mod tests {
    use super::ZonePicker;

    #[test]
    fn the_saved_zone_is_selected_and_an_unlisted_one_is_kept() {
        let berlin = ZonePicker::new("Europe/Berlin");
        let selected: Vec<_> = berlin
            .groups
            .iter()
            .flat_map(|g| g.zones.iter())
            .filter(|o| o.selected)
            .map(|o| o.value.as_str())
            .collect();
        assert_eq!(selected, ["Europe/Berlin"]);
        assert!(!berlin.guess);
        let alias = ZonePicker::new("US/Eastern");
        assert!(alias
            .loose
            .iter()
            .any(|o| o.value == "US/Eastern" && o.selected));
        assert!(ZonePicker::new("").guess);
    }
}
