// Drives the hub's ops dashboard in headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM) and checks what it shows against the region dashboard_test.cc builds.
//   [GALLERY_ADMIN_TOKEN=...] node dashboard_test.mjs <admin-url> <screenshot-path>
// With GALLERY_ADMIN_TOKEN (the hub's admin.token_file), the page must ask for the token.
// Exits 0 when every check holds, 1 naming the first that does not.
import { chromium } from "playwright-core";

const [adminUrl, screenshotPath] = process.argv.slice(2);
if (!adminUrl || !screenshotPath) {
  console.error("usage: node dashboard_test.mjs <admin-url> <screenshot-path>");
  process.exit(2);
}
const TOKEN = process.env.GALLERY_ADMIN_TOKEN || "";
const STEP_TIMEOUT_MS = 10_000;
// The whole run, browser start included; dashboard_test.cc kills it a little after.
const RUN_TIMEOUT_MS = 35_000;

// The region of dashboard_test.cc: deliveries journaled per flow, and the names.
const NAMES = {
  asc: "County Adult Social Care",
  gp: "Riverside Surgery",
  dn: "Central District Nursing",
  hosp: "General Hospital",
};
const FLOWS = [["asc", "dn", 3], ["asc", "hosp", 3], ["gp", "dn", 2]];

function check(condition, what) {
  if (!condition) throw new Error("check failed: " + what);
  console.log("ok: " + what);
}

async function api(path) {
  const headers = TOKEN ? { Authorization: "Bearer " + TOKEN } : {};
  const response = await fetch(new URL(path, adminUrl), { headers, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  check(response.ok, `GET ${path} answers 200 (got ${response.status})`);
  return response.json();
}

async function run(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("dialog", (dialog) => dialog.dismiss());

  const response = await page.goto(adminUrl);
  check(response.status() === 200, "the page answers 200");
  check(response.headers()["content-type"].startsWith("text/html"), "the page is text/html");
  const policy = response.headers()["content-security-policy"] || "";
  check(policy.includes("default-src 'none'") && !policy.includes("http"),
    "a Content-Security-Policy forbids other sources: " + policy);
  check(await page.getByRole("heading", { level: 1 }).textContent() !== "", "the page has a title heading");

  if (TOKEN) {
    const refused = await fetch(new URL("/admin/overview", adminUrl), { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
    check(refused.status === 401, `the admin API refuses a request without the token (${refused.status})`);
    await page.getByLabel("Bearer token").fill(TOKEN);
    await page.getByRole("button", { name: "Use token" }).click();
    await page.locator("#connection.live").waitFor();
    check(await page.locator("#token-form").isHidden(), "the page asks for the token and reads the API with it");
    // The browser logs the refused first read as an error; only later errors count.
    problems.length = 0;
    await page.reload();
    await page.locator("#connection.live").waitFor();
    check(await page.locator("#token-form").isHidden(), "the page keeps the token across a reload");
  }
  await page.locator("#connection.live").waitFor();
  check(true, "the page reads the overview and shows it live");
  const uptime = await page.locator("#uptime").textContent();
  await page.locator("#uptime").filter({ hasNotText: uptime }).waitFor();
  check(true, `the page updates without a reload (hub up for ${uptime}, then ${await page.locator("#uptime").textContent()})`);

  for (const [source, recipient, delivered] of FLOWS) {
    const label = page.locator(`#flow-graph text.rate[data-source="${source}"][data-recipient="${recipient}"]`);
    const text = await label.textContent();
    check(text.startsWith(`${delivered} ·`) && text.endsWith("/s"),
      `flow ${source} -> ${recipient} labelled "${text}" (${delivered} delivered)`);
    const width = Number(await page.locator(
      `#flow-graph path.edge[data-source="${source}"][data-recipient="${recipient}"]`).getAttribute("stroke-width"));
    check(width >= 2, `flow ${source} -> ${recipient} drawn ${width} wide`);
  }
  const graphText = await page.locator("#flow-graph").textContent();
  for (const name of Object.values(NAMES)) check(graphText.includes(name), `the flow graph names ${name}`);
  const widths = await page.locator("#flow-graph path.edge").evaluateAll(
    (edges) => Object.fromEntries(edges.map((e) => [e.dataset.source + ">" + e.dataset.recipient, Number(e.getAttribute("stroke-width"))])));
  check(widths["asc>dn"] > widths["gp>dn"], "a flow with more deliveries is drawn wider");

  const hosp = page.locator('#backlogs tr[data-recipient="hosp"]');
  check((await hosp.locator("td.pending").textContent()) === "3", "the hospital's backlog shows 3 waiting");
  check((await hosp.textContent()).includes(NAMES.hosp) && (await hosp.textContent()).includes("not connected"),
    "the hospital's backlog names it and shows it not connected");
  check(/\d/.test(await hosp.locator("td.age").textContent()), "the hospital's backlog shows its oldest age");

  const noRule = page.locator('#withheld tr[data-reason="no-rule"]');
  check((await noRule.locator("td.num").textContent()) === "3", "3 records withheld for want of a rule");

  const letter = page.locator('#dead-letters tr[data-dead-letter="1"]');
  const letterText = await letter.textContent();
  check(letterText.includes("asc:poison") && letterText.includes(NAMES.dn) &&
    letterText.includes("no mapping for section 'Finances'"), "dead letter 1 shows its record, recipient and reason");
  check((await page.locator("#dead-total").textContent()) === "1", "the summary counts 1 dead letter");

  // A dismissed confirmation drops nothing.
  await letter.getByRole("button", { name: /^Drop dead letter 1/ }).click();
  check((await api("/admin/deadletters")).length === 1, "cancelling Drop keeps the dead letter");

  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log("screenshot (before retry): " + screenshotPath);

  await letter.getByRole("button", { name: /^Retry dead letter 1/ }).click();
  await page.locator("#action-result").filter({ hasText: `requeued to ${NAMES.dn}` }).waitFor();
  await letter.waitFor({ state: "detached" });
  check(true, "after Retry the page says the letter was requeued and no longer lists it");
  await page.locator("#dead-total", { hasText: /^0$/ }).waitFor();
  check(true, "the summary counts 0 dead letters");

  check((await api("/admin/deadletters")).length === 0, "the admin API lists no dead letter");
  const overview = await api("/admin/overview");
  const dn = overview.backlogs.find((b) => b.recipient === "dn");
  check(dn && dn.pending >= 1, `the delivery is back in dn's queue (pending ${dn && dn.pending})`);
  await page.locator('#backlogs tr[data-recipient="dn"] td.pending', { hasText: /^[1-9]/ }).waitFor();
  check(true, "the page shows the delivery back in dn's backlog");

  check(problems.length === 0, "no script or policy errors in the page: " + JSON.stringify(problems));

  // The hub out of reach: the page says so, keeps the last figures greyed, and recovers.
  await page.route("**/admin/overview", (route) => route.abort("connectionrefused"));
  await page.locator("#connection.down", { hasText: "Hub unreachable" }).waitFor();
  check(await page.locator("main.stale").count() === 1, "with the hub out of reach the page says so and greys its figures");
  await page.unroute("**/admin/overview");
  await page.locator("#connection.live").waitFor();
  check(await page.locator("main.stale").count() === 0, "once the hub answers again the page is live again");
}

const timer = setTimeout(() => {
  console.error(`dashboard_test.mjs: gave up after ${RUN_TIMEOUT_MS} ms`);
  process.exit(1);
}, RUN_TIMEOUT_MS);
let browser;
let failed = false;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    // Root in CI and containers cannot use Chromium's sandbox.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    timeout: STEP_TIMEOUT_MS,
  });
  await run(browser);
} catch (error) {
  failed = true;
  console.error(error.stack || String(error));
} finally {
  if (browser) await browser.close();
  clearTimeout(timer);
}
console.log(failed ? "dashboard_test.mjs: FAILED" : "dashboard_test.mjs: every check passed");
process.exit(failed ? 1 : 0);
