//! The domain's values as the matching engine takes them: one mapping, used by the
//! product and by `tandem match`.
use super::values::Weights;
use super::wire::{Criterion, LearningStyle, MeetingPreference, ProgramKind, Seniority};
use tandem_match as engine;

impl From<Seniority> for engine::Seniority {
    fn from(s: Seniority) -> Self {
        match s {
            Seniority::Student => engine::Seniority::Student,
            Seniority::Junior => engine::Seniority::Junior,
            Seniority::Mid => engine::Seniority::Mid,
            Seniority::Senior => engine::Seniority::Senior,
            Seniority::Lead => engine::Seniority::Lead,
            Seniority::Executive => engine::Seniority::Executive,
        }
    }
}

impl From<LearningStyle> for engine::LearningStyle {
    fn from(s: LearningStyle) -> Self {
        match s {
            LearningStyle::Visual => engine::LearningStyle::Visual,
            LearningStyle::Auditory => engine::LearningStyle::Auditory,
            LearningStyle::ReadingWriting => engine::LearningStyle::ReadingWriting,
            LearningStyle::Kinesthetic => engine::LearningStyle::Kinesthetic,
        }
    }
}

impl From<MeetingPreference> for engine::MeetingPreference {
    fn from(m: MeetingPreference) -> Self {
        match m {
            MeetingPreference::Video => engine::MeetingPreference::Video,
            MeetingPreference::InPerson => engine::MeetingPreference::InPerson,
            MeetingPreference::Phone => engine::MeetingPreference::Phone,
            MeetingPreference::Chat => engine::MeetingPreference::Chat,
            MeetingPreference::Any => engine::MeetingPreference::Any,
        }
    }
}

impl From<ProgramKind> for engine::ProgramKind {
    fn from(k: ProgramKind) -> Self {
        match k {
            ProgramKind::Traditional => engine::ProgramKind::Traditional,
            ProgramKind::Peer => engine::ProgramKind::Peer,
            ProgramKind::Reverse => engine::ProgramKind::Reverse,
            ProgramKind::Group => engine::ProgramKind::Group,
        }
    }
}

impl From<&Weights> for engine::Weights {
    fn from(w: &Weights) -> Self {
        let mut out = [0u8; 10];
        for (k, name) in engine::CRITERIA.iter().enumerate() {
            let criterion = Criterion::parse(name).expect("the engine's criteria are the SPEC's");
            out[k] = w.get(criterion);
        }
        engine::Weights(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_knows_every_criterion_by_its_wire_name() {
        let names: Vec<&str> = Criterion::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, engine::CRITERIA.to_vec());
        assert_eq!(
            engine::Weights::from(&Weights::default()),
            engine::Weights::default()
        );
    }
}
