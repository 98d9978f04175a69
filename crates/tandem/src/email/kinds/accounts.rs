//! Security e-mails about an account: a link to reset its password, and an
//! invitation for an account an import made. Neither can be turned off.
use super::Kind;
use crate::domain::wire::Notification;
use askama::Template;

/// To the account whose password someone asked to reset.
#[derive(Template)]
#[template(path = "email/password_reset.txt")]
pub struct PasswordReset<'a> {
    pub to: &'a str,
    pub link: &'a str,
}

kind!(PasswordReset, "password_reset", None::<Notification>);

/// To a person an import gave an account: a link to choose their password.
#[derive(Template)]
#[template(path = "email/invitation.txt")]
pub struct Invitation<'a> {
    pub to: &'a str,
    /// Who ran the import.
    pub inviter: &'a str,
    pub program: &'a str,
    /// How many days the link works.
    pub days: i64,
    pub link: &'a str,
}

kind!(Invitation, "invitation", None::<Notification>);

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn password_reset() {
        insta::assert_snapshot!(letter(&PasswordReset {
            to: "Ada Lovelace",
            link: "https://tandem.example.org/reset-password?token=t0k3n",
        }));
    }

    #[test]
    fn invitation() {
        insta::assert_snapshot!(letter(&Invitation {
            to: "Ada Lovelace",
            inviter: "Grace Hopper",
            program: "Spring mentoring",
            days: 14,
            link: "https://tandem.example.org/reset-password?token=t0k3n",
        }));
    }
}
