// Numbers, rates, durations and times as the dashboard shows them (British English).

const numberFormat = new Intl.NumberFormat("en-GB");
const rateFormat = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export function count(value) { return numberFormat.format(value ?? 0); }
export function rate(value) { return rateFormat.format(value ?? 0) + "/s"; }

export function duration(seconds) {
  if (seconds == null) return "–";
  if (seconds < 60) return rateFormat.format(seconds) + " s";
  const s = Math.floor(seconds);
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
}

export function clock(date) { return date.toLocaleTimeString("en-GB"); }
