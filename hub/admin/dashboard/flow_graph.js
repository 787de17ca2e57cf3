// The flow graph: who sends to whom, as an SVG drawn into the page's <svg>.
import { count, rate } from "./format.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text != null) node.textContent = text;
  return node;
}

// Senders on the left, recipients on the right, one band per flow, its width by volume;
// an agency that both sends and receives appears in both columns. Each node is tall
// enough to keep its bands' ends and their labels apart.
export function drawFlowGraph(graph, summary, flows, agencies) {
  const agencyName = (id) => (agencies.get(id) && agencies.get(id).name) || id;
  const byName = (a, b) => agencyName(a).localeCompare(agencyName(b));
  const sources = [...new Set(flows.map((f) => f.source))].sort(byName);
  const recipients = [...new Set(flows.map((f) => f.recipient))].sort(byName);
  const width = 720, nodeWidth = 196, gap = 12, top = 28, band = 22;
  if (flows.length === 0) {
    graph.setAttribute("viewBox", `0 0 ${width} 120`);
    graph.replaceChildren(svg("text", { x: width / 2, y: 64, "text-anchor": "middle", class: "empty" }, "No deliveries yet"));
    summary.textContent = "No deliveries yet.";
    return;
  }
  const outgoing = new Map(sources.map((id) => [id, []]));
  const incoming = new Map(recipients.map((id) => [id, []]));
  for (const f of flows) { outgoing.get(f.source).push(f); incoming.get(f.recipient).push(f); }
  for (const list of incoming.values()) list.sort((a, b) => byName(a.source, b.source));
  const heightOf = (list) => Math.max(40, band * list.length + 8);
  const layout = (ids, edges) => {
    const places = new Map();
    let y = top;
    for (const id of ids) { places.set(id, { y, height: heightOf(edges.get(id)) }); y += heightOf(edges.get(id)) + gap; }
    return { places, bottom: y };
  };
  const left = layout(sources, outgoing);
  const right = layout(recipients, incoming);
  // The shorter column is centred against the taller one.
  const shift = (column, other) => Math.max(0, (other.bottom - column.bottom) / 2);
  const leftShift = shift(left, right), rightShift = shift(right, left);
  const height = Math.max(left.bottom, right.bottom) + 4;
  graph.setAttribute("viewBox", `0 0 ${width} ${height}`);

  const children = [
    svg("text", { x: 4, y: 18, class: "column-title" }, "Sends"),
    svg("text", { x: width - 4, y: 18, "text-anchor": "end", class: "column-title" }, "Receives"),
  ];
  const heaviest = Math.max(1, ...flows.map((f) => f.delivered_total || 0));
  const endY = (edges, id, f, place, offset) => {
    const list = edges.get(id);
    return offset + place.y + (place.height * (list.indexOf(f) + 1)) / (list.length + 1);
  };
  const labels = [];
  const x1 = nodeWidth, x2 = width - nodeWidth;
  for (const f of flows) {
    const y1 = endY(outgoing, f.source, f, left.places.get(f.source), leftShift);
    const y2 = endY(incoming, f.recipient, f, right.places.get(f.recipient), rightShift);
    const volume = f.delivered_total || 0;
    const strokeWidth = 2 + 12 * (volume / heaviest);
    const mid = (x1 + x2) / 2;
    const edge = svg("path", {
      d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
      class: (f.per_s || 0) > 0 ? "edge" : "edge idle",
      "stroke-width": strokeWidth.toFixed(1),
      "data-source": f.source, "data-recipient": f.recipient,
    });
    edge.append(svg("title", {}, `${agencyName(f.source)} to ${agencyName(f.recipient)}: ${count(volume)} delivered, ${rate(f.per_s)}`));
    children.push(edge);
    // At the recipient's end, where the bands of one recipient are kept apart.
    labels.push(svg("text", {
      x: x2 - 8, y: y2 + 4, "text-anchor": "end", class: "rate",
      "data-source": f.source, "data-recipient": f.recipient,
    }, `${count(volume)} · ${rate(f.per_s)}`));
  }
  children.push(...labels);

  const node = (id, x, place, offset) => {
    const agency = agencies.get(id);
    const offline = agency && agency.connected === false;
    const y = place.y + offset;
    const middle = y + place.height / 2;
    const group = svg("g", { class: offline ? "node offline" : "node" });
    group.append(svg("rect", { x, y, width: nodeWidth, height: place.height, rx: 6 }));
    group.append(svg("title", {}, agencyName(id)));
    group.append(svg("text", { x: x + 10, y: middle - 2, class: "agency-name" }, agencyName(id)));
    group.append(svg("text", { x: x + 10, y: middle + 13, class: "agency-id" }, id + (offline ? " · not connected" : "")));
    return group;
  };
  for (const id of sources) children.push(node(id, 0.5, left.places.get(id), leftShift));
  for (const id of recipients) children.push(node(id, width - nodeWidth - 0.5, right.places.get(id), rightShift));
  graph.replaceChildren(...children);
  for (const name of graph.querySelectorAll("text.agency-name")) fitText(name, nodeWidth - 16);
  summary.textContent = flows.map((f) =>
    `${agencyName(f.source)} to ${agencyName(f.recipient)}: ${count(f.delivered_total)} delivered, ${rate(f.per_s)}.`).join(" ");
}

// Shortens an SVG text, drawn already, to `width` user units, ending it with an ellipsis.
function fitText(text, width) {
  const full = text.textContent;
  for (let keep = full.length - 1; keep > 3 && text.getComputedTextLength() > width; --keep) {
    text.textContent = full.slice(0, keep) + "…";
  }
}
