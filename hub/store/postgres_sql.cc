#include "hub/store/postgres_sql.h"

#include <iterator>

namespace gallery::store::pg {
namespace {

// {S} stands for the quoted schema name. Columns keep the database's collation, so that
// joins on them can use their indexes; reports sort with COLLATE "C", bytewise as in the
// embedded store, whatever the database's locale. Values taken from records as published
// (record id, GP practice code, withheld field paths) are bytea: text refuses some bytes (NUL)
// that the embedded store keeps, and one such record would otherwise fail every batch it is in.
// Each recipient's queue is the table `queue`: the deliveries neither acked nor dead-lettered.
// Acking deletes from it and stamps the delivery; as no index covers the stamped columns and
// pages keep room (fillfactor), the stamp is a heap-only update, with no index to maintain.
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
  payload bytea NOT NULL);
CREATE TABLE IF NOT EXISTS {S}.payloads(
  seq bigint NOT NULL,
  idx integer NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY(seq, idx));
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
INSERT INTO {S}.meta(key, value) VALUES('format', '{F}') ON CONFLICT (key) DO NOTHING;
)sql";

constexpr std::string_view kStatements[] = {
    // kFindExisting
    "SELECT record_id FROM {S}.records WHERE record_id = ANY($1::bytea[])",
    // kInsertRecords: in input order, so that seq is journal order.
    "INSERT INTO {S}.records(record_id, source_agency, record_type, registered_gp_ods,"
    " received_at_us, rule_set_hash, payload)"
    " SELECT r.id, r.src, r.typ, r.gp, r.at, $7::text, r.payload FROM unnest($1::bytea[],"
    " $2::text[], $3::text[], $4::bytea[], $5::int8[], $6::bytea[]) WITH ORDINALITY"
    " AS r(id, src, typ, gp, at, payload, ord) ORDER BY r.ord"
    " ON CONFLICT (record_id) DO NOTHING RETURNING record_id, seq",
    // kBumpCounters: row locks on the counters serialize hub instances per recipient.
    "INSERT INTO {S}.recipient_counters AS c(recipient, last_id)"
    " SELECT * FROM unnest($1::text[], $2::int8[])"
    " ON CONFLICT (recipient) DO UPDATE SET last_id = c.last_id + excluded.last_id"
    " RETURNING recipient, last_id",
    // kInsertRouted: payloads, deliveries and withholdings of the new records, one round trip.
    "WITH p AS (INSERT INTO {S}.payloads(seq, idx, bytes)"
    "  SELECT * FROM unnest($1::int8[], $2::int4[], $3::bytea[])),"
    " w AS (INSERT INTO {S}.withholdings(seq, agency, reason)"
    "  SELECT * FROM unnest($10::int8[], $11::text[], $12::text[])),"
    " q AS (INSERT INTO {S}.queue(recipient, delivery_id)"
    "  SELECT * FROM unnest($4::text[], $5::int8[]))"
    " INSERT INTO {S}.deliveries(recipient, delivery_id, seq, payload_idx, rule_ids, withheld)"
    " SELECT * FROM unnest($4::text[], $5::int8[], $6::int8[], $7::int4[], $8::text[],"
    " $9::bytea[])",
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
    " LATERAL (SELECT p.bytes, d.rule_ids, r.record_id FROM {S}.deliveries d"
    "  JOIN {S}.payloads p ON p.seq = d.seq AND p.idx = d.payload_idx"
    "  JOIN {S}.records r ON r.seq = d.seq"
    "  WHERE d.recipient = $1::text AND d.delivery_id = q.delivery_id OFFSET 0) x"
    " ORDER BY q.delivery_id",
    // kPendingCounts
    "SELECT recipient, count(*) FROM {S}.queue GROUP BY recipient"
    " ORDER BY recipient COLLATE \"C\"",
    // kSummaryRecords
    "SELECT seq, record_id, source_agency, record_type, registered_gp_ods, rule_set_hash"
    " FROM {S}.records ORDER BY seq",
    // kSummaryDeliveries
    "SELECT seq, recipient, rule_ids, withheld, acked_at_us IS NOT NULL FROM {S}.deliveries"
    " ORDER BY seq, recipient COLLATE \"C\", delivery_id",
    // kSummaryWithholdings
    "SELECT seq, agency, reason FROM {S}.withholdings ORDER BY seq, agency COLLATE \"C\"",
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
    " l.attempts, l.reason, l.at_us, CASE WHEN $2::int8 <> 0 THEN p.bytes END"
    " FROM {S}.dead_letters l JOIN {S}.records r ON r.seq = l.seq"
    " LEFT JOIN {S}.payloads p ON p.seq = l.seq AND p.idx = l.payload_idx"
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
    "WITH p AS (UPDATE {S}.records r SET payload = ''::bytea"
    "  WHERE octet_length(r.payload) > 0 AND r.received_at_us < $1::int8 AND NOT EXISTS ("
    "   SELECT 1 FROM {S}.deliveries d LEFT JOIN {S}.dead_letters l ON l.id = d.dead_letter_id"
    "   WHERE d.seq = r.seq AND NOT ("
    "    (d.acked_at_us IS NOT NULL AND d.acked_at_us < $1::int8)"
    "    OR (l.dropped_at_us IS NOT NULL AND l.dropped_at_us < $1::int8)"
    "    OR l.retried_at_us IS NOT NULL))"
    "  RETURNING r.seq),"
    " gone AS (DELETE FROM {S}.payloads WHERE seq IN (SELECT seq FROM p))"
    " SELECT count(*) FROM p",
};
static_assert(std::size(kStatements) == 16);

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
