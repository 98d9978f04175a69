//! Counts kept as they change, so that a program's report reads one small row
//! per relationship and a dozen per program, never every meeting: per
//! relationship the meetings held (how many, the first, the last), the feedback
//! ratings, the milestones set and achieved, the mentees seated and the
//! signatures; per program and month (UTC) the meetings held.
//!
//! The database keeps them, in triggers, so that every write (a service's, a
//! cascade's, an erasure's, a bulk load's) moves them in its own transaction.
//! A relationship's row is recounted from its (indexed, few) children whenever
//! one of them changes what is counted; on PostgreSQL the row is locked before
//! it is recounted, so two transactions never count from stale snapshots. The
//! months move by one up or down.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table whose rows are counted per relationship: its name, the columns
/// whose change alters the counts (None: any insert or delete, no update), and
/// the counts recomputed, each `(column, expression over the table's rows of
/// relationship {id})`.
struct Counted {
    table: &'static str,
    watched: &'static [&'static str],
    counts: &'static [(&'static str, &'static str)],
}

const COUNTED: &[Counted] = &[
    Counted {
        table: "meetings",
        watched: &["status", "starts_at"],
        counts: &[
            ("held", "SELECT count(*) FROM meetings WHERE mentorship_id = {id} AND status = 'held'"),
            (
                "first_held_at",
                "SELECT min(starts_at) FROM meetings WHERE mentorship_id = {id} AND status = 'held'",
            ),
            (
                "last_held_at",
                "SELECT max(starts_at) FROM meetings WHERE mentorship_id = {id} AND status = 'held'",
            ),
        ],
    },
    Counted {
        table: "feedback",
        watched: &["rating"],
        counts: &[
            ("rating_sum", "SELECT coalesce(sum(rating), 0) FROM feedback WHERE mentorship_id = {id}"),
            ("ratings", "SELECT count(rating) FROM feedback WHERE mentorship_id = {id}"),
        ],
    },
    Counted {
        table: "milestones",
        watched: &["status"],
        counts: &[
            ("milestones", "SELECT count(*) FROM milestones WHERE mentorship_id = {id}"),
            (
                "achieved",
                "SELECT count(*) FROM milestones WHERE mentorship_id = {id} AND status = 'achieved'",
            ),
        ],
    },
    Counted {
        table: "mentorship_mentees",
        watched: &["mentee_id"],
        counts: &[(
            "mentees",
            "SELECT count(mentee_id) FROM mentorship_mentees WHERE mentorship_id = {id}",
        )],
    },
    Counted {
        table: "agreement_signatures",
        watched: &[],
        counts: &[(
            "signed",
            "SELECT count(*) FROM agreement_signatures WHERE mentorship_id = {id}",
        )],
    },
];

impl Counted {
    /// `a = (…), b = (…)` for the relationship `id`.
    fn set(&self, id: &str) -> String {
        self.counts
            .iter()
            .map(|(c, q)| format!("{c} = ({})", q.replace("{id}", id)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// On SQLite: a trigger per event, recounting the relationship's row.
    fn sqlite(&self) -> Vec<String> {
        let t = self.table;
        let recount = |id: &str| {
            format!(
                "UPDATE relationship_counts SET {} WHERE mentorship_id = {id};",
                self.set(id)
            )
        };
        let mut out = vec![
            format!(
                "CREATE TRIGGER trg_counts_{t}_insert AFTER INSERT ON {t} BEGIN {} END",
                recount("NEW.mentorship_id")
            ),
            format!(
                "CREATE TRIGGER trg_counts_{t}_delete AFTER DELETE ON {t} BEGIN {} END",
                recount("OLD.mentorship_id")
            ),
        ];
        if !self.watched.is_empty() {
            let changed = self
                .watched
                .iter()
                .chain(["mentorship_id"].iter())
                .map(|c| format!("OLD.{c} IS NOT NEW.{c}"))
                .collect::<Vec<_>>()
                .join(" OR ");
            out.push(format!(
                "CREATE TRIGGER trg_counts_{t}_update AFTER UPDATE ON {t} WHEN {changed} \
                 BEGIN {} {} END",
                recount("NEW.mentorship_id"),
                recount("OLD.mentorship_id")
            ));
        }
        out
    }

    /// On PostgreSQL: one function and its trigger, locking the row before
    /// recounting it (the recount then reads what committed before the lock).
    fn postgres(&self) -> Vec<String> {
        let t = self.table;
        let unchanged = if self.watched.is_empty() {
            "TRUE".to_string()
        } else {
            self.watched
                .iter()
                .chain(["mentorship_id"].iter())
                .map(|c| format!("OLD.{c} IS NOT DISTINCT FROM NEW.{c}"))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let events = if self.watched.is_empty() {
            "INSERT OR DELETE".to_string()
        } else {
            format!(
                "INSERT OR DELETE OR UPDATE OF {}, mentorship_id",
                self.watched.join(", ")
            )
        };
        vec![
            format!(
                "CREATE FUNCTION tandem_counts_{t}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[];
    rel text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF {unchanged} THEN
            RETURN NULL;
        END IF;
        ids := ARRAY[NEW.mentorship_id, OLD.mentorship_id];
    ELSIF TG_OP = 'INSERT' THEN
        ids := ARRAY[NEW.mentorship_id];
    ELSE
        ids := ARRAY[OLD.mentorship_id];
    END IF;
    FOR rel IN SELECT DISTINCT x FROM unnest(ids) AS x ORDER BY x LOOP
        PERFORM 1 FROM relationship_counts WHERE mentorship_id = rel FOR UPDATE;
        UPDATE relationship_counts SET {} WHERE mentorship_id = rel;
    END LOOP;
    RETURN NULL;
END
$$",
                self.set("rel")
            ),
            format!(
                "CREATE TRIGGER trg_counts_{t} AFTER {events} ON {t} \
                 FOR EACH ROW EXECUTE FUNCTION tandem_counts_{t}()"
            ),
        ]
    }
}

/// The month of a meeting, as `YYYY-MM` in UTC.
fn month(backend: DatabaseBackend, starts_at: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("to_char({starts_at} AT TIME ZONE 'UTC', 'YYYY-MM')"),
        _ => format!("substr({starts_at}, 1, 7)"),
    }
}

/// Meetings held per program and month move by one as a meeting becomes held
/// or stops being held (or, held, moves).
fn month_statements(backend: DatabaseBackend) -> Vec<String> {
    let add = |row: &str| {
        format!(
            "INSERT INTO program_month_counts (program_id, month, held) \
             SELECT program_id, {}, 1 FROM mentorships WHERE id = {row}.mentorship_id \
             ON CONFLICT (program_id, month) DO UPDATE SET held = program_month_counts.held + 1;",
            month(backend, &format!("{row}.starts_at"))
        )
    };
    let remove = |row: &str| {
        format!(
            "UPDATE program_month_counts SET held = held - 1 \
             WHERE program_id = (SELECT program_id FROM mentorships WHERE id = {row}.mentorship_id) \
             AND month = {};",
            month(backend, &format!("{row}.starts_at"))
        )
    };
    match backend {
        DatabaseBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION tandem_counts_months() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND OLD.starts_at IS NOT DISTINCT FROM NEW.starts_at
        AND OLD.mentorship_id IS NOT DISTINCT FROM NEW.mentorship_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.status = 'held' THEN
        {}
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'held' THEN
        {}
    END IF;
    RETURN NULL;
END
$$",
                remove("OLD"),
                add("NEW")
            ),
            "CREATE TRIGGER trg_counts_months AFTER INSERT OR DELETE OR UPDATE OF status, \
             starts_at, mentorship_id ON meetings FOR EACH ROW EXECUTE FUNCTION \
             tandem_counts_months()"
                .into(),
        ],
        _ => vec![
            format!(
                "CREATE TRIGGER trg_counts_months_insert AFTER INSERT ON meetings \
                 WHEN NEW.status = 'held' BEGIN {} END",
                add("NEW")
            ),
            format!(
                "CREATE TRIGGER trg_counts_months_delete AFTER DELETE ON meetings \
                 WHEN OLD.status = 'held' BEGIN {} END",
                remove("OLD")
            ),
            format!(
                "CREATE TRIGGER trg_counts_months_unheld AFTER UPDATE ON meetings \
                 WHEN OLD.status = 'held' AND (NEW.status IS NOT 'held' \
                 OR OLD.starts_at IS NOT NEW.starts_at OR OLD.mentorship_id IS NOT NEW.mentorship_id) \
                 BEGIN {} END",
                remove("OLD")
            ),
            format!(
                "CREATE TRIGGER trg_counts_months_held AFTER UPDATE ON meetings \
                 WHEN NEW.status = 'held' AND (OLD.status IS NOT 'held' \
                 OR OLD.starts_at IS NOT NEW.starts_at OR OLD.mentorship_id IS NOT NEW.mentorship_id) \
                 BEGIN {} END",
                add("NEW")
            ),
        ],
    }
}

/// A relationship's row exists from its start, so the triggers above only update.
fn relationship_row(backend: DatabaseBackend) -> Vec<String> {
    let insert = "INSERT INTO relationship_counts (mentorship_id) VALUES (NEW.id);";
    match backend {
        DatabaseBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION tandem_counts_relationship() RETURNS trigger LANGUAGE plpgsql \
                 AS $$ BEGIN {insert} RETURN NULL; END $$"
            ),
            "CREATE TRIGGER trg_counts_relationship AFTER INSERT ON mentorships \
             FOR EACH ROW EXECUTE FUNCTION tandem_counts_relationship()"
                .into(),
        ],
        _ => vec![format!(
            "CREATE TRIGGER trg_counts_relationship AFTER INSERT ON mentorships BEGIN {insert} END"
        )],
    }
}

/// The counts of what is already there.
fn backfill(backend: DatabaseBackend) -> Vec<String> {
    let mut out =
        vec!["INSERT INTO relationship_counts (mentorship_id) SELECT id FROM mentorships".into()];
    for c in COUNTED {
        out.push(format!(
            "UPDATE relationship_counts SET {}",
            c.set("relationship_counts.mentorship_id")
        ));
    }
    out.push(format!(
        "INSERT INTO program_month_counts (program_id, month, held) \
         SELECT r.program_id, {m}, count(*) FROM meetings x \
         JOIN mentorships r ON r.id = x.mentorship_id WHERE x.status = 'held' \
         GROUP BY r.program_id, {m}",
        m = month(backend, "x.starts_at")
    ));
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let count = |name: &'static str| big_integer(name).default(0).to_owned();
        m.create_table(
            Table::create()
                .table("relationship_counts")
                .col(string_len("mentorship_id", 36).primary_key())
                .col(count("held"))
                .col(timestamp_with_time_zone_null("first_held_at"))
                .col(timestamp_with_time_zone_null("last_held_at"))
                .col(count("rating_sum"))
                .col(count("ratings"))
                .col(count("milestones"))
                .col(count("achieved"))
                .col(count("mentees"))
                .col(count("signed"))
                .foreign_key(
                    ForeignKey::create()
                        .from("relationship_counts", "mentorship_id")
                        .to("mentorships", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("program_month_counts")
                .col(string_len("program_id", 36))
                .col(string_len("month", 7))
                .col(count("held"))
                .primary_key(Index::create().col("program_id").col("month"))
                .foreign_key(
                    ForeignKey::create()
                        .from("program_month_counts", "program_id")
                        .to("programs", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        let backend = m.get_database_backend();
        let db = m.get_connection();
        let mut statements = backfill(backend);
        statements.extend(relationship_row(backend));
        for c in COUNTED {
            statements.extend(match backend {
                DatabaseBackend::Postgres => c.postgres(),
                _ => c.sqlite(),
            });
        }
        statements.extend(month_statements(backend));
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let backend = m.get_database_backend();
        let db = m.get_connection();
        if backend == DatabaseBackend::Postgres {
            let mut names: Vec<String> = COUNTED.iter().map(|c| c.table.to_string()).collect();
            names.extend(["months".to_string(), "relationship".to_string()]);
            for n in names {
                db.execute_unprepared(&format!(
                    "DROP FUNCTION IF EXISTS tandem_counts_{n}() CASCADE"
                ))
                .await?;
            }
        } else {
            let mut names: Vec<String> = COUNTED
                .iter()
                .flat_map(|c| {
                    ["insert", "delete", "update"].map(|e| format!("trg_counts_{}_{e}", c.table))
                })
                .collect();
            names.extend(
                [
                    "months_insert",
                    "months_delete",
                    "months_unheld",
                    "months_held",
                    "relationship",
                ]
                .map(|n| format!("trg_counts_{n}")),
            );
            for n in names {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {n}"))
                    .await?;
            }
        }
        m.drop_table(Table::drop().table("program_month_counts").to_owned())
            .await?;
        m.drop_table(Table::drop().table("relationship_counts").to_owned())
            .await
    }
}
