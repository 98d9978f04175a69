//! Who may enrol in which role: once per role, and in both roles only in a peer
//! program. The service refuses by this rule and the pages offer by it.
use super::wire::{ProgramKind, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotEnrollable {
    /// Enrolled in this role already.
    AlreadyInRole,
    /// Enrolled in the other role, in a program that is not a peer program.
    OneRoleOnly,
}

pub fn may_enrol(kind: ProgramKind, enrolled_as: &[Role], role: Role) -> Result<(), NotEnrollable> {
    if enrolled_as.contains(&role) {
        Err(NotEnrollable::AlreadyInRole)
    } else if !enrolled_as.is_empty() && kind != ProgramKind::Peer {
        Err(NotEnrollable::OneRoleOnly)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_role_each_and_both_only_among_peers() {
        use ProgramKind::*;
        assert_eq!(may_enrol(Traditional, &[], Role::Mentee), Ok(()));
        assert_eq!(
            may_enrol(Traditional, &[Role::Mentee], Role::Mentee),
            Err(NotEnrollable::AlreadyInRole)
        );
        assert_eq!(
            may_enrol(Group, &[Role::Mentor], Role::Mentee),
            Err(NotEnrollable::OneRoleOnly)
        );
        assert_eq!(may_enrol(Peer, &[Role::Mentor], Role::Mentee), Ok(()));
    }
}
