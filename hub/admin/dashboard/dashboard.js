// The ops dashboard: reads GET /admin/overview every two seconds and draws it. Everything
// shown is set as text (never parsed as HTML), so agency names and reasons cannot inject
// markup.
import { drawFlowGraph } from "./flow_graph.js";
import { clock, count, duration, rate } from "./format.js";

const POLL_MS = 2000;
const REQUEST_TIMEOUT_MS = 5000;
const TOKEN_KEY = "gallery-admin-token";
// A recipient whose oldest delivery waits longer than this is shown as late.
const LATE_AFTER_S = 60;

const WITHHELD_REASONS = {
  "no-rule": "No rule permits it",
  "no-relationship": "No relationship with the person",
  "label": "Sensitive label not permitted",
  "consent-missing": "Consent required, none given",
  "objection": "Person objected or withdrew consent",
  "protocol-expired": "Protocol past its review date",
};

const state = {
  agencies: new Map(),  // id -> {name, kind, connected}
  lastSuccess: null,     // Date of the last overview read
  timer: null,
  polls: 0,  // counts polls, so that a poll overtaken by a newer one draws nothing
  waitingForToken: false,
};

const $ = (id) => document.getElementById(id);

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

async function request(method, path) {
  const headers = { "Accept": "application/json" };
  if (token()) headers["Authorization"] = "Bearer " + token();
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(path, { method, headers, signal: controller.signal, cache: "no-store" });
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    return { status: response.status, body };
  } finally {
    clearTimeout(timeout);
  }
}

function agencyName(id) {
  const agency = state.agencies.get(id);
  return agency && agency.name ? agency.name : id;
}

// ---- DOM helpers ----

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// A table cell naming an agency: its name, and its id beneath.
function agencyCell(id) {
  const cell = element("td", {}, agencyName(id));
  if (agencyName(id) !== id) cell.append(element("span", { className: "agency-id" }, id));
  return cell;
}

function fillBody(table, rows, columns, emptyText) {
  const body = $(table).tBodies[0];
  if (rows.length === 0) {
    body.replaceChildren(element("tr", {}, element("td", { className: "empty", colspan: String(columns) }, emptyText)));
  } else {
    body.replaceChildren(...rows);
  }
}

// ---- sections ----

function renderSummary(overview) {
  const records = overview.records || {};
  const hub = overview.hub || {};
  $("received-total").textContent = count(records.received_total);
  $("received-rate").textContent = rate(records.received_per_s);
  $("confirmed-total").textContent = count(records.confirmed_total);
  $("rejected-total").textContent = count(records.rejected_total);
  const dead = (overview.dead_letters || {}).total ?? 0;
  $("dead-total").textContent = count(dead);
  $("dead-total").className = dead > 0 ? "bad" : "";
  $("rule-set").replaceChildren(count(hub.rules) + " rules",
    element("span", { className: "detail", title: hub.rule_set_hash || "" }, String(hub.rule_set_hash || "").slice(0, 12)));
  const intact = hub.audit_chain_intact;
  $("audit-chain").replaceChildren(intact === false ? "BROKEN" : "intact",
    element("span", { className: "detail" }, count(hub.audit_chain_length) + " entries"));
  $("audit-chain").className = intact === false ? "bad" : "ok";
  $("uptime").textContent = duration(hub.uptime_s);
  $("hub-id").textContent = hub.id || "";
}

function renderAlerts(alerts) {
  const list = $("alerts");
  if (alerts.length === 0) {
    list.replaceChildren(element("li", { className: "none" }, "No alerts: every check passes."));
    return;
  }
  list.replaceChildren(...alerts.map((alert) => {
    const severity = alert.severity || "warning";
    const item = element("li", { className: severity === "critical" ? "critical" : "warning" },
      element("span", { className: "severity" }, severity), alert.summary || alert.name);
    const summary = alert.summary || "";
    if (alert.agency && !summary.includes(agencyName(alert.agency))) item.append(" — " + agencyName(alert.agency));
    item.append(element("span", { className: "name" }, alert.name));
    return item;
  }));
}

// Recipients with deliveries waiting or without a session get a row each; the rest, all
// well, share one, so that a region of many agencies still fits the screen.
function renderBacklogs(backlogs) {
  const needsLook = (b) => b.pending + b.in_flight > 0 || !b.connected;
  const quiet = backlogs.filter((b) => !needsLook(b));
  const rows = backlogs.filter(needsLook)
    .sort((a, b) => (b.oldest_age_s || 0) - (a.oldest_age_s || 0) || b.pending - a.pending ||
      agencyName(a.recipient).localeCompare(agencyName(b.recipient)))
    .map((b) => {
      const late = (b.oldest_age_s || 0) > LATE_AFTER_S;
      const idle = b.pending + b.in_flight === 0;
      const row = element("tr", { className: late ? "late" : idle ? "idle" : "", "data-recipient": b.recipient });
      row.append(agencyCell(b.recipient),
        element("td", { className: "num pending" }, count(b.pending)),
        element("td", { className: "num" }, count(b.in_flight)),
        element("td", { className: "num age" }, b.pending + b.in_flight > 0 ? duration(b.oldest_age_s) : "–"),
        element("td", { className: b.connected ? "link-up" : "link-down" }, b.connected ? "connected" : "not connected"));
      return row;
    });
  if (quiet.length > 0) {
    const names = quiet.map((b) => agencyName(b.recipient)).sort().join(", ");
    rows.push(element("tr", { className: "idle" },
      element("td", { colspan: "5" },
        `${quiet.length} ${quiet.length === 1 ? "other recipient" : "other recipients"}: connected, nothing waiting`,
        element("span", { className: "agency-id" }, names))));
  }
  fillBody("backlogs", rows, 5, "No recipients.");
}

function renderWithheld(withheld) {
  const rows = [...withheld].sort((a, b) => b.total - a.total).map((w) => {
    const reason = element("td", {}, WITHHELD_REASONS[w.reason] || w.reason);
    reason.append(element("span", { className: "agency-id" }, w.reason));
    return element("tr", { "data-reason": w.reason }, reason, element("td", { className: "num" }, count(w.total)));
  });
  fillBody("withheld", rows, 2, "Nothing withheld.");
}

function renderDeadLetters(deadLetters) {
  const recent = deadLetters.recent || [];
  const rows = recent.map((letter) => {
    const describe = `dead letter ${letter.id} (record ${letter.record_id} to ${agencyName(letter.recipient)})`;
    const retry = element("button", { type: "button", "aria-label": "Retry " + describe }, "Retry");
    retry.addEventListener("click", () => act(letter, "retry", retry));
    const drop = element("button", { type: "button", className: "danger", "aria-label": "Drop " + describe }, "Drop");
    drop.addEventListener("click", () => {
      if (confirm(`Drop ${describe}? It will never be delivered.`)) act(letter, "drop", drop);
    });
    const since = letter.at ? new Date(letter.at) : null;
    const deadFor = since && !isNaN(since) ? duration(Math.max(0, (Date.now() - since) / 1000)) : "–";
    return element("tr", { "data-dead-letter": String(letter.id) },
      element("td", { className: "num" }, String(letter.id)),
      element("td", {}, letter.record_id),
      agencyCell(letter.source_agency),
      agencyCell(letter.recipient),
      element("td", {}, letter.record_type || ""),
      element("td", { className: "num" }, count(letter.attempts)),
      element("td", { className: "reason" }, letter.reason || ""),
      element("td", { className: "nowrap", title: letter.at || "" }, deadFor),
      element("td", { className: "nowrap" }, retry, drop));
  });
  const total = deadLetters.total || 0;
  const more = total > recent.length ? ` (the ${recent.length} most recent of ${count(total)} shown)` : "";
  fillBody("dead-letters", rows, 9, "No dead letters.");
  $("dead-heading").textContent = "Dead letters" + more;
}

async function act(letter, action, button) {
  button.disabled = true;
  const result = $("action-result");
  try {
    const answer = await request("POST", `/admin/deadletters/${letter.id}/${action}`);
    if (answer.status === 401) { askForToken("The token was refused."); return; }
    if (answer.status !== 200) {
      result.className = "action-result error";
      result.textContent = `Could not ${action} dead letter ${letter.id}: ${(answer.body && answer.body.error) || "status " + answer.status}`;
      return;
    }
    result.className = "action-result";
    result.textContent = action === "retry"
      ? `Dead letter ${letter.id} requeued to ${agencyName(answer.body.recipient)} as delivery ${answer.body.delivery_id}.`
      : `Dead letter ${letter.id} dropped: record ${letter.record_id} will not reach ${agencyName(letter.recipient)}.`;
    poll();
  } catch (error) {
    result.className = "action-result error";
    result.textContent = `Could not ${action} dead letter ${letter.id}: the hub did not answer.`;
  } finally {
    button.disabled = false;
  }
}

// ---- connection ----

function showConnection(kind, text) {
  const line = $("connection");
  line.className = "connection " + kind;
  line.textContent = text;
  $("dashboard").classList.toggle("stale", kind !== "live");
}

function askForToken(message) {
  state.waitingForToken = true;
  sessionStorage.removeItem(TOKEN_KEY);
  $("token-error").textContent = message || "";
  $("token-form").hidden = false;
  showConnection("waiting", "Waiting for the admin token");
  $("token-input").focus();
}

function render(overview) {
  state.agencies = new Map((overview.agencies || []).map((a) => [a.id, a]));
  renderSummary(overview);
  renderAlerts(overview.alerts || []);
  drawFlowGraph($("flow-graph"), $("flow-summary"), overview.flows || [], state.agencies);
  renderBacklogs(overview.backlogs || []);
  renderWithheld(overview.withheld || []);
  renderDeadLetters(overview.dead_letters || {});
  const generated = overview.generated_at ? new Date(overview.generated_at) : new Date();
  $("generated-at").textContent = "Hub figures as of " + generated.toLocaleString("en-GB") + "; refreshed every 2 s.";
}

async function poll() {
  clearTimeout(state.timer);
  if (state.waitingForToken) return;
  const thisPoll = ++state.polls;
  try {
    const answer = await request("GET", "/admin/overview");
    if (thisPoll !== state.polls) return;
    if (answer.status === 401) {
      askForToken(token() ? "The token was refused." : "");
      return;
    }
    if (answer.status !== 200 || !answer.body) {
      const reason = (answer.body && answer.body.error) || "status " + answer.status;
      showConnection("down", `Hub answered with an error (${reason})`);
    } else {
      render(answer.body);
      state.lastSuccess = new Date();
      showConnection("live", "Live · updated " + clock(state.lastSuccess));
    }
  } catch {
    if (thisPoll !== state.polls) return;
    const since = state.lastSuccess ? "; last update " + clock(state.lastSuccess) : "";
    showConnection("down", "Hub unreachable" + since + "; retrying");
  }
  state.timer = setTimeout(poll, POLL_MS);
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("token-input").value.trim();
  if (value.length < 16) {
    $("token-error").textContent = "A hub token has at least 16 characters.";
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, value);
  $("token-input").value = "";
  $("token-form").hidden = true;
  state.waitingForToken = false;
  showConnection("waiting", "Connecting to the hub…");
  poll();
});

poll();
