//! Who is told: a rule names the people by where they stand (the assignee,
//! a department's liaisons, a dealer's staff, the managers...), and the
//! fan-out in kefu-app looks them up. Each group of an audience falls back
//! from one source to the next until one names somebody; everyone the
//! groups name is told once.

use super::Role;

/// Where people to tell are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// One user.
    User(i64),
    /// The liaisons of a department.
    Liaisons(i64),
    /// The head of a department.
    DepartmentHead(i64),
    /// The VP in charge of a department.
    Vp(i64),
    /// The active staff of a dealer.
    DealerStaff(i64),
    /// Every active user with this role, wherever they are.
    Role(Role),
}

/// Groups of sources: of each group the first source that names anyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience(pub Vec<Vec<Source>>);

impl Audience {
    pub fn nobody() -> Audience {
        Audience(Vec::new())
    }

    /// One group: the first of `sources` that names anyone.
    pub fn first_of(sources: impl IntoIterator<Item = Source>) -> Audience {
        let group: Vec<Source> = sources.into_iter().collect();
        Audience(if group.is_empty() {
            Vec::new()
        } else {
            vec![group]
        })
    }

    /// Everyone of `self` and of `other`.
    pub fn and(mut self, other: Audience) -> Audience {
        self.0.extend(other.0);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The people, given how each source resolves: one call per source,
    /// stopping in each group at the first that names anyone; sorted, each
    /// once.
    pub fn resolve<E>(
        &self,
        mut lookup: impl FnMut(Source) -> Result<Vec<i64>, E>,
    ) -> Result<Vec<i64>, E> {
        let mut people = Vec::new();
        for group in &self.0 {
            for source in group {
                let found = lookup(*source)?;
                if !found.is_empty() {
                    people.extend(found);
                    break;
                }
            }
        }
        people.sort_unstable();
        people.dedup();
        Ok(people)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(s: Source) -> Result<Vec<i64>, ()> {
        Ok(match s {
            Source::User(id) => vec![id],
            Source::Liaisons(_) => Vec::new(),
            Source::DealerStaff(_) => vec![30, 31],
            Source::Role(Role::Manager) => vec![1, 31],
            _ => Vec::new(),
        })
    }

    #[test]
    fn each_group_falls_back_until_someone_is_named() {
        let a = Audience::first_of([Source::Liaisons(4), Source::User(9)])
            .and(Audience::first_of([
                Source::DealerStaff(2),
                Source::User(8),
            ]))
            .and(Audience::first_of([Source::Role(Role::Manager)]));
        assert_eq!(a.resolve(lookup), Ok(vec![1, 9, 30, 31]));
    }

    #[test]
    fn a_source_after_one_that_named_people_is_not_looked_up() {
        let mut asked = Vec::new();
        let a = Audience::first_of([Source::User(5), Source::Role(Role::Manager)]);
        let people = a.resolve(|s| {
            asked.push(s);
            lookup(s)
        });
        assert_eq!(people, Ok(vec![5]));
        assert_eq!(asked, [Source::User(5)]);
    }

    #[test]
    fn nobody_is_nobody() {
        assert_eq!(Audience::nobody().resolve(lookup), Ok(vec![]));
        assert!(Audience::first_of([]).is_empty());
    }
}
