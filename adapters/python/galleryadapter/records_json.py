"""The JSON-lines record shape (adapters/python/README.md) to and from gallery.v1.Record.

Parsing checks shape and types and names the field at fault; the hub's own checks
(NHS number check digit, record type syntax, ...) come back as its Rejects. Error messages
name fields, never their values: they go to logs.
"""
import datetime
import json

from google.protobuf import timestamp_pb2

from gallery.v1 import record_pb2

RECORD_KEYS = {"record_id", "record_type", "subject", "labels", "sections", "amends",
               "retracts", "occurred_at", "recorded_at"}
SUBJECT_KEYS = {"nhs_number", "local_id", "registered_gp_ods", "given_name", "family_name",
                "birth_date", "gender", "address", "postcode", "phone"}
DEMOGRAPHIC_TEXT = ("given_name", "family_name", "birth_date", "gender", "postcode", "phone")
SECTION_KEYS = {"heading", "labels", "fields"}
CODED_KEYS = {"system", "code", "display"}


class FieldError(Exception):
    """A line that cannot become a record: `field` is where, as a JSON path."""

    def __init__(self, field, message):
        super().__init__("%s: %s" % (field, message))
        self.field, self.message = field, message


def _expect(value, kind, field, what):
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise FieldError(field, "must be " + what)
    return value


def _text(obj, key, path, required=False):
    if key not in obj:
        if required:
            raise FieldError(path + key, "is required")
        return ""
    value = _expect(obj[key], str, path + key, "a string")
    if required and not value:
        raise FieldError(path + key, "must not be empty")
    return value


def _unknown(obj, allowed, path):
    for key in obj:
        if key not in allowed:
            raise FieldError(path + key, "unknown key (allowed: %s)" % ", ".join(sorted(allowed)))


def _labels(obj, path):
    labels = _expect(obj.get("labels", []), list, path + "labels", "a list of strings")
    for i, label in enumerate(labels):
        _expect(label, str, "%slabels[%d]" % (path, i), "a string")
    return labels


def _timestamp(text, field):
    """RFC 3339 with a zone ("2026-11-20T09:30:00Z", "...+01:00") to a Timestamp."""
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(field, "must be a date-time such as 2026-11-20T09:30:00Z") from None
    if when.tzinfo is None:
        raise FieldError(field, "needs a time zone (Z or +hh:mm)")
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(when.astimezone(datetime.timezone.utc).replace(tzinfo=None))
    return stamp


def _date(text, field):
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise FieldError(field, "must be a date written YYYY-MM-DD") from None
    if len(text) != 10:
        raise FieldError(field, "must be a date written YYYY-MM-DD")
    return text


def _set_value(field, value, path):
    """JSON string, integer, number, boolean, {"date"}, {"date_time"} or {"code", ...}."""
    if isinstance(value, bool):
        field.boolean = value
    elif isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise FieldError(path, "integer out of range")
        field.integer = value
    elif isinstance(value, float):
        field.decimal = value
    elif isinstance(value, str):
        field.text = value
    elif isinstance(value, dict) and set(value) == {"date"}:
        field.date = _date(_expect(value["date"], str, path + ".date", "a string"),
                           path + ".date")
    elif isinstance(value, dict) and set(value) == {"date_time"}:
        text = _expect(value["date_time"], str, path + ".date_time", "a string")
        field.date_time.CopyFrom(_timestamp(text, path + ".date_time"))
    elif isinstance(value, dict) and "code" in value:
        _unknown(value, CODED_KEYS, path + ".")
        field.coded.code = _text(value, "code", path + ".", required=True)
        field.coded.system = _text(value, "system", path + ".")
        field.coded.display = _text(value, "display", path + ".")
    else:
        raise FieldError(path, "must be a string, number, boolean, {\"date\": ...}, "
                               "{\"date_time\": ...} or {\"code\": ...}")


def _subject(obj, record):
    subject = record.subject
    subject.nhs_number = _text(obj, "nhs_number", "subject.")
    local_id = _text(obj, "local_id", "subject.")
    if local_id:
        subject.local_ids.add(agency=record.source_agency, value=local_id)
    subject.registered_gp_ods = _text(obj, "registered_gp_ods", "subject.")
    demographics = subject.demographics
    for key in DEMOGRAPHIC_TEXT:
        setattr(demographics, key, _text(obj, key, "subject."))
    if demographics.birth_date:
        _date(demographics.birth_date, "subject.birth_date")
    address = _expect(obj.get("address", []), list, "subject.address", "a list of strings")
    for i, line in enumerate(address):
        demographics.address_lines.append(
            _expect(line, str, "subject.address[%d]" % i, "a string"))
    if not subject.nhs_number and not local_id:
        raise FieldError("subject", "needs nhs_number or local_id")


def _sections(sections, record):
    _expect(sections, list, "sections", "a list of {heading, labels, fields}")
    for i, obj in enumerate(sections):
        path = "sections[%d]." % i
        _expect(obj, dict, path[:-1], "an object")
        _unknown(obj, SECTION_KEYS, path)
        section = record.sections.add(heading=_text(obj, "heading", path, required=True))
        section.sensitivity_labels.extend(_labels(obj, path))
        fields = _expect(obj.get("fields", {}), dict, path + "fields",
                         "an object of field name to value")
        for name, value in fields.items():
            _set_value(section.fields.add(name=name), value, "%sfields.%s" % (path, name))


def parse_record(line, agency):
    """One JSON line to a Record of `agency`; raises FieldError naming the field."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise FieldError("(line)", "not JSON: %s at character %d" % (e.msg, e.pos + 1)) from None
    if not isinstance(obj, dict):
        raise FieldError("(line)", "must be a JSON object")
    _unknown(obj, RECORD_KEYS, "")
    record = record_pb2.Record()
    record.source_agency = agency
    record.record_id = _text(obj, "record_id", "", required=True)
    record.record_type = _text(obj, "record_type", "", required=True)
    _subject(_expect(obj.get("subject"), dict, "subject", "an object"), record)
    record.sensitivity_labels.extend(_labels(obj, ""))
    _sections(obj.get("sections", []), record)
    record.amends = _text(obj, "amends", "")
    record.retracts = _text(obj, "retracts", "")
    for key in ("occurred_at", "recorded_at"):
        if key in obj:
            text = _expect(obj[key], str, key, "a string")
            getattr(record, key).CopyFrom(_timestamp(text, key))
    return record


def _stamp_text(stamp):
    return stamp.ToDatetime().strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")


def _value_json(field):
    kind = field.WhichOneof("value")
    if kind == "date":
        return {"date": field.date}
    if kind == "date_time":
        return {"date_time": _stamp_text(field.date_time)}
    if kind == "coded":
        coded = {"code": field.coded.code}
        for key in ("system", "display"):
            if getattr(field.coded, key):
                coded[key] = getattr(field.coded, key)
        return coded
    return getattr(field, kind) if kind else None


def record_json(record):
    """A delivered Record in the same shape, plus source_agency and received_at.

    Local ids of every agency are kept as {"agency", "value"} pairs under local_ids.
    """
    subject, demographics = record.subject, record.subject.demographics
    out_subject = {}
    if subject.nhs_number:
        out_subject["nhs_number"] = subject.nhs_number
    if subject.local_ids:
        out_subject["local_ids"] = [{"agency": i.agency, "value": i.value}
                                    for i in subject.local_ids]
    if subject.registered_gp_ods:
        out_subject["registered_gp_ods"] = subject.registered_gp_ods
    for key in DEMOGRAPHIC_TEXT:
        if getattr(demographics, key):
            out_subject[key] = getattr(demographics, key)
    if demographics.address_lines:
        out_subject["address"] = list(demographics.address_lines)
    out = {"record_id": record.record_id, "source_agency": record.source_agency,
           "record_type": record.record_type, "subject": out_subject}
    if record.sensitivity_labels:
        out["labels"] = list(record.sensitivity_labels)
    sections = []
    for section in record.sections:
        entry = {"heading": section.heading}
        if section.sensitivity_labels:
            entry["labels"] = list(section.sensitivity_labels)
        entry["fields"] = {f.name: _value_json(f) for f in section.fields}
        sections.append(entry)
    if sections:
        out["sections"] = sections
    for key in ("amends", "retracts"):
        if getattr(record, key):
            out[key] = getattr(record, key)
    for key in ("occurred_at", "recorded_at", "received_at"):
        if record.HasField(key):
            out[key] = _stamp_text(getattr(record, key))
    return out
