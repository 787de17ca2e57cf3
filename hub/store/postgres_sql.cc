#include "hub/store/postgres_sql.h"

#include <iterator>

namespace gallery::store::pg {
namespace {

// {S} stands for the quoted schema name. Columns keep the database's collation, so that
// joins on them can use their indexes; reports sort with COLLATE "C", bytewise as in the
// embedded store, whatever the database's locale. Values taken from records as published
// (record id, GP practice code, withheld field paths) are bytea: text refuses some bytes (NUL)
// that the embedded store keeps, and one such record would otherwise fail every batch it is in.
// A record's row holds its payload as received and its distinct redactions (`redacted`,
// indexed by the deliveries' payload_idx), uncompressed and kept in the row up to about
// 8 KB: one heap tuple and no TOAST work for typical records.
// Each recipient's queue is the table `queue`: the deliveries neither acked nor dead-lettered.
// Acking deletes from it and stamps the delivery; as no index covers the stamped columns and
// pages keep room (fillfactor), the stamp is a heap-only update, with no index to maintain.
// Each transaction that appends to the audit log leaves its mark (`commit_marks`, a random
// number, the previous one removed), so that after a lost connection the store learns
// whether it committed instead of redoing it: the audit log needs no index over its entries.
// A schema of format gallery-store-2 (audit entries kept unique by an index over their md5)
// is brought to this format when opened.
constexpr std::string_view kSchema = R"sql(
CREATE SCHEMA IF NOT EXISTS {S};
CREATE TABLE IF NOT EXISTS {S}.meta(
  key text PRIMARY KEY,
  value text NOT NULL);
CREATE TABLE IF NOT EXISTS {S}.records(
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  record_id bytea NOT NULL UNIQUE,
  source_agency text NOT NULL,
  record_type text NOT NULL,
  registered_gp_ods bytea NOT NULL,
  received_at_us bigint NOT NULL,
  rule_set_hash text NOT NULL,
  payload bytea NOT NULL,
  redacted bytea[] NOT NULL)
  WITH (toast_tuple_target = 8160);
ALTER TABLE {S}.records ALTER COLUMN payload SET STORAGE EXTERNAL,
  ALTER COLUMN redacted SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS {S}.deliveries(
  recipient text NOT NULL,
  delivery_id bigint NOT NULL,
  seq bigint NOT NULL,
  payload_idx integer NOT NULL,
  rule_ids text NOT NULL,
  withheld bytea NOT NULL,
  acked_at_us bigint,
  dead_letter_id bigint,
  PRIMARY KEY(recipient, delivery_id)) WITH (fillfactor = 70);
CREATE INDEX IF NOT EXISTS deliveries_by_record ON {S}.deliveries(seq);
CREATE TABLE IF NOT EXISTS {S}.queue(
  recipient text NOT NULL,
  delivery_id bigint NOT NULL,
  PRIMARY KEY(recipient, delivery_id));
CREATE TABLE IF NOT EXISTS {S}.withholdings(
  seq bigint NOT NULL,
  agency text NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY(seq, agency));
CREATE TABLE IF NOT EXISTS {S}.recipient_counters(
  recipient text PRIMARY KEY,
  last_id bigint NOT NULL);
CREATE SEQUENCE IF NOT EXISTS {S}.dead_letter_ids;
CREATE TABLE IF NOT EXISTS {S}.dead_letters(
  id bigint PRIMARY KEY,
  recipient text NOT NULL,
  delivery_id bigint NOT NULL,
  seq bigint NOT NULL,
  payload_idx integer NOT NULL,
  attempts integer NOT NULL,
  reason text NOT NULL,
  at_us bigint NOT NULL,
  retried_at_us bigint,
  dropped_at_us bigint);
CREATE TABLE IF NOT EXISTS {S}.registry_facts(
  seq bigint NOT NULL,
  idx bigint NOT NULL,
  fact bytea NOT NULL,
  PRIMARY KEY(seq, idx));
CREATE TABLE IF NOT EXISTS {S}.audit_log(
  seq bigint PRIMARY KEY,
  entry bytea NOT NULL);
CREATE TABLE IF NOT EXISTS {S}.commit_marks(
  mark bigint PRIMARY KEY);
INSERT INTO {S}.meta(key, value) VALUES('format', '{F}') ON CONFLICT (key) DO NOTHING;
DO $$ BEGIN
  IF (SELECT value FROM {S}.meta WHERE key = 'format') = 'gallery-store-2' THEN
    DROP INDEX IF EXISTS {S}.audit_log_entries;
    UPDATE {S}.meta SET value = '{F}' WHERE key = 'format';
  END IF;
END $$;
)sql";

constexpr std::string_view kStatements[] = {
    // kFindExisting
    "SELECT record_id FROM {S}.records WHERE record_id = ANY($1::bytea[])",
    // kJournalBatch: a whole batch in one statement, so that a commit is one round trip.
    // r: the records, in input order so that seq is journal order; ids already journaled are
    // skipped, and only the new ones come back. n: each new
    // record's position in the batch. d: the deliveries of new records. c: each recipient's
    // next delivery ids, reserved in the database (row locks on the counters, taken in
    // recipient order, serialize hub instances per recipient). m: the delivery ids, in
    // journal order per recipient. a: each record's distinct redactions, in payload_idx
    // order, stored in its row. A record id twice in the batch is journaled once, at its
    // first position. Then the queue, withholdings, deliveries and registry facts (idx:
    // the fact's position in the batch, which orders a record's facts). Returns each new
    // delivery's position in the batch and its id, for the store's cache of recent ones.
    "WITH a AS (SELECT x.rec, array_agg(x.bytes ORDER BY x.idx) AS redacted"
    "  FROM unnest($13::int4[], $14::int4[], $15::bytea[]) AS x(rec, idx, bytes)"
    "  GROUP BY x.rec),"
    " r AS (INSERT INTO {S}.records(record_id, source_agency, record_type,"
    "  registered_gp_ods, received_at_us, rule_set_hash, payload, redacted)"
    "  SELECT x.id, x.src, x.typ, x.gp, x.at, $7::text, x.payload,"
    "  coalesce(a.redacted, '{}') FROM unnest($1::bytea[],"
    "  $2::text[], $3::text[], $4::bytea[], $5::int8[], $6::bytea[]) WITH ORDINALITY"
    "  AS x(id, src, typ, gp, at, payload, ord) LEFT JOIN a ON a.rec = x.ord ORDER BY x.ord"
    "  ON CONFLICT (record_id) DO NOTHING RETURNING record_id, seq),"
    " n AS (SELECT min(x.ord) AS ord, r.seq FROM r JOIN unnest($1::bytea[]) WITH ORDINALITY"
    "  AS x(id, ord) ON x.id = r.record_id GROUP BY r.seq),"
    " d AS (SELECT n.seq, x.ord, x.recipient, x.pidx, x.rules, x.withheld"
    "  FROM unnest($8::int4[], $9::text[], $10::int4[], $11::text[], $12::bytea[])"
    "  WITH ORDINALITY AS x(rec, recipient, pidx, rules, withheld, ord)"
    "  JOIN n ON n.ord = x.rec),"
    " c AS (INSERT INTO {S}.recipient_counters AS k(recipient, last_id)"
    "  SELECT recipient, count(*) FROM d GROUP BY recipient ORDER BY recipient"
    "  ON CONFLICT (recipient) DO UPDATE SET last_id = k.last_id + excluded.last_id"
    "  RETURNING recipient, last_id),"
    " m AS (SELECT d.ord, d.recipient, d.seq, d.pidx, d.rules, d.withheld, c.last_id"
    "  - count(*) OVER (PARTITION BY d.recipient)"
    "  + row_number() OVER (PARTITION BY d.recipient ORDER BY d.seq, d.ord) AS delivery_id"
    "  FROM d JOIN c ON c.recipient = d.recipient),"
    " q AS (INSERT INTO {S}.queue(recipient, delivery_id) SELECT recipient, delivery_id FROM m),"
    " w AS (INSERT INTO {S}.withholdings(seq, agency, reason) SELECT n.seq, x.agency, x.reason"
    "  FROM unnest($16::int4[], $17::text[], $18::text[]) AS x(rec, agency, reason)"
    "  JOIN n ON n.ord = x.rec),"
    " l AS (INSERT INTO {S}.deliveries(recipient, delivery_id, seq, payload_idx, rule_ids,"
    "  withheld) SELECT recipient, delivery_id, seq, pidx, rules, withheld FROM m),"
    " f AS (INSERT INTO {S}.registry_facts(seq, idx, fact) SELECT n.seq, x.ord, x.fact"
    "  FROM unnest($19::int4[], $20::bytea[]) WITH ORDINALITY AS x(rec, fact, ord)"
    "  JOIN n ON n.ord = x.rec)"
    " SELECT ord, delivery_id FROM m ORDER BY delivery_id",
    // kAckDeliveries: per recipient, so that both steps are index scans whatever the
    // statistics say (a join with the unnested acks may be planned as a scan of the table).
    "WITH q AS (DELETE FROM {S}.queue WHERE recipient = $1::text"
    "  AND delivery_id = ANY($2::int8[]) RETURNING delivery_id)"
    " UPDATE {S}.deliveries SET acked_at_us = $3::int8 WHERE recipient = $1::text"
    " AND delivery_id = ANY(ARRAY(SELECT delivery_id FROM q))",
    // kPending: the queue's first entries, then each one's delivery, payload and record by
    // primary key (OFFSET 0 keeps the planner from turning the lookups into scans).
    "SELECT q.delivery_id, x.bytes, x.rule_ids, x.record_id"
    " FROM (SELECT delivery_id FROM {S}.queue WHERE recipient = $1::text"
    "  AND delivery_id > $2::int8 ORDER BY delivery_id LIMIT $3::int8) q,"
    " LATERAL (SELECT r.redacted[d.payload_idx + 1] AS bytes, d.rule_ids, r.record_id"
    "  FROM {S}.deliveries d JOIN {S}.records r ON r.seq = d.seq"
    "  WHERE d.recipient = $1::text AND d.delivery_id = q.delivery_id OFFSET 0) x"
    " ORDER BY q.delivery_id",
    // kPendingCounts
    "SELECT recipient, count(*) FROM {S}.queue GROUP BY recipient"
    " ORDER BY recipient COLLATE \"C\"",
    // kSummaryRecords: those received at or after $1; their payloads as received when $2.
    "SELECT seq, record_id, source_agency, record_type, registered_gp_ods, rule_set_hash,"
    " received_at_us, CASE WHEN $2::int4 <> 0 THEN payload END"
    " FROM {S}.records WHERE received_at_us >= $1::int8 ORDER BY seq",
    // kSummaryDeliveries: of the records received at or after $1.
    "SELECT d.seq, d.recipient, d.rule_ids, d.withheld, d.acked_at_us IS NOT NULL"
    " FROM {S}.deliveries d JOIN {S}.records r ON r.seq = d.seq"
    " WHERE r.received_at_us >= $1::int8"
    " ORDER BY d.seq, d.recipient COLLATE \"C\", d.delivery_id",
    // kSummaryWithholdings: of the records received at or after $1.
    "SELECT w.seq, w.agency, w.reason FROM {S}.withholdings w"
    " JOIN {S}.records r ON r.seq = w.seq WHERE r.received_at_us >= $1::int8"
    " ORDER BY w.seq, w.agency COLLATE \"C\"",
    // kDeadLetter: the DELETE locks the queue entry, so two instances cannot both take it.
    "WITH q AS (DELETE FROM {S}.queue WHERE recipient = $1::text AND delivery_id = $2::int8"
    "  RETURNING delivery_id),"
    " d AS (UPDATE {S}.deliveries SET dead_letter_id = nextval('{S}.dead_letter_ids')"
    "  WHERE recipient = $1::text AND delivery_id = ANY(ARRAY(SELECT delivery_id FROM q))"
    "  RETURNING dead_letter_id, recipient, delivery_id, seq, payload_idx)"
    " INSERT INTO {S}.dead_letters(id, recipient, delivery_id, seq, payload_idx, attempts, reason,"
    " at_us) SELECT dead_letter_id, recipient, delivery_id, seq, payload_idx, $3::int4, $4::text,"
    " $5::int8 FROM d RETURNING id",
    // kListDeadLetters
    "SELECT l.id, r.record_id, r.source_agency, r.record_type, l.recipient, l.delivery_id,"
    " l.attempts, l.reason, l.at_us FROM {S}.dead_letters l JOIN {S}.records r ON r.seq = l.seq"
    " WHERE l.retried_at_us IS NULL AND l.dropped_at_us IS NULL ORDER BY l.id",
    // kGetDeadLetter
    "SELECT l.id, r.record_id, r.source_agency, r.record_type, l.recipient, l.delivery_id,"
    " l.attempts, l.reason, l.at_us, CASE WHEN $2::int8 <> 0 THEN r.redacted[l.payload_idx + 1] END"
    " FROM {S}.dead_letters l JOIN {S}.records r ON r.seq = l.seq"
    " WHERE l.id = $1::int8 AND l.retried_at_us IS NULL AND l.dropped_at_us IS NULL",
    // kRetryDeadLetter: one statement, so retiring the letter, taking the recipient's next
    // id and queueing the delivery again are one atomic step.
    "WITH l AS (UPDATE {S}.dead_letters SET retried_at_us = $2::int8 WHERE id = $1::int8"
    "  AND retried_at_us IS NULL AND dropped_at_us IS NULL RETURNING recipient, delivery_id),"
    " c AS (INSERT INTO {S}.recipient_counters AS k(recipient, last_id)"
    "  SELECT recipient, 1 FROM l"
    "  ON CONFLICT (recipient) DO UPDATE SET last_id = k.last_id + 1"
    "  RETURNING recipient, last_id),"
    " q AS (INSERT INTO {S}.queue(recipient, delivery_id) SELECT recipient, last_id FROM c)"
    " INSERT INTO {S}.deliveries(recipient, delivery_id, seq, payload_idx, rule_ids, withheld)"
    " SELECT d.recipient, c.last_id, d.seq, d.payload_idx, d.rule_ids, d.withheld"
    " FROM l JOIN {S}.deliveries d ON d.recipient = l.recipient AND d.delivery_id = l.delivery_id"
    " JOIN c ON c.recipient = l.recipient RETURNING delivery_id",
    // kDropDeadLetter
    "UPDATE {S}.dead_letters SET dropped_at_us = $2::int8 WHERE id = $1::int8"
    " AND retried_at_us IS NULL AND dropped_at_us IS NULL",
    // kPurge: a delivery is settled when acked, or when its dead letter was dropped or
    // retried (the retry is a delivery of its own), as in the embedded store.
    "WITH p AS (UPDATE {S}.records r SET payload = ''::bytea, redacted = '{}'"
    "  WHERE octet_length(r.payload) > 0 AND r.received_at_us < $1::int8 AND NOT EXISTS ("
    "   SELECT 1 FROM {S}.deliveries d LEFT JOIN {S}.dead_letters l ON l.id = d.dead_letter_id"
    "   WHERE d.seq = r.seq AND NOT ("
    "    (d.acked_at_us IS NOT NULL AND d.acked_at_us < $1::int8)"
    "    OR (l.dropped_at_us IS NOT NULL AND l.dropped_at_us < $1::int8)"
    "    OR l.retried_at_us IS NOT NULL))"
    "  RETURNING r.seq, r.record_id)"
    " SELECT record_id FROM p ORDER BY seq",
    // kRegistryFacts
    "SELECT fact FROM {S}.registry_facts ORDER BY seq, idx",
    // kAppendAudit
    "INSERT INTO {S}.audit_log(seq, entry)"
    " SELECT (SELECT coalesce(max(seq), 0) FROM {S}.audit_log) + x.ord, x.entry"
    " FROM unnest($1::bytea[]) WITH ORDINALITY AS x(entry, ord)",
    // kAuditCount
    "SELECT coalesce(max(seq), 0) FROM {S}.audit_log",
    // kAuditEntries
    "SELECT entry FROM {S}.audit_log WHERE seq > $1::int8 ORDER BY seq LIMIT $2::int8",
    // kDisclosures: the records named in $1 with each of their deliveries, a row per
    // delivery (recipient NULL for a record without any).
    "SELECT r.record_id, r.source_agency, r.payload, d.recipient, d.withheld"
    " FROM {S}.records r LEFT JOIN {S}.deliveries d ON d.seq = r.seq"
    " WHERE r.record_id = ANY($1::bytea[]) ORDER BY r.seq, d.recipient COLLATE \"C\", d.delivery_id",
    // kMarkCommit: this transaction's mark $1 replaces this store's previous one, $2.
    "WITH o AS (DELETE FROM {S}.commit_marks WHERE mark = $2::int8)"
    " INSERT INTO {S}.commit_marks(mark) VALUES ($1::int8)",
    // kFindMark: whether the transaction that left mark $1 committed.
    "SELECT count(*) FROM {S}.commit_marks WHERE mark = $1::int8",
};
static_assert(std::size(kStatements) == 21);

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string SchemaSql(std::string_view quoted_schema) {
  return ReplaceAll(ReplaceAll(std::string(kSchema), "{S}", quoted_schema), "{F}", kFormat);
}

std::string StatementSql(Stmt stmt, std::string_view quoted_schema) {
  return ReplaceAll(std::string(kStatements[stmt]), "{S}", quoted_schema);
}

}  // namespace gallery::store::pg
