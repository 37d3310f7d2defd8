// The P2 chart, drawn by hand (no chart library): one latency-by-percentile curve per rate. The
// x axis spreads the tail ("nines": p50, p90, p99, p99.9), where latency problems live; the y
// axis is logarithmic, so 2 ms and 200 ms both stay readable. Its own white background keeps it
// legible on GitHub's light and dark themes alike.

export type Series = { label: string; points: { q: number; ms: number }[] };
export type Chart = { title: string; subtitle: string; series: Series[]; targets: { ms: number; label: string }[] };

const W = 760;
const H = 420;
const M = { left: 64, right: 24, top: 56, bottom: 56 };
const LEGEND_ROW = 18;
const COLORS = ["#0969da", "#bc4c00", "#8250df", "#1a7f37"];
const DASHES = ["", "8 4", "3 3", "12 4 3 4"];
const MAX_X = 3.3; // where "max" sits, past p99.9

/** Percentile -> x in "nines": p50 -> 0.3, p90 -> 1, p99 -> 2, p99.9 -> 3, max -> 3.3. */
function nines(q: number): number {
  if (q >= 1) return MAX_X;
  return Math.min(MAX_X, -Math.log10(1 - q));
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (v: number) => (v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1).replace(/\.0$/, "") : v.toFixed(2));

export function percentileChart(chart: Chart): string {
  const all = chart.series
    .flatMap((s) => s.points.map((p) => p.ms))
    .concat(chart.targets.map((t) => t.ms))
    .filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.log10(Math.max(0.1, Math.min(...all, 1)));
  const yMin = Math.floor(lo);
  const yMax = Math.max(yMin + 1, Math.ceil(Math.log10(Math.max(...all, 10))));
  // The legend sits between the subtitle and the plot, one row per series, never over a curve.
  const top = M.top + chart.series.length * LEGEND_ROW;
  const height = H + chart.series.length * LEGEND_ROW;
  const plotW = W - M.left - M.right;
  const plotH = height - top - M.bottom;
  const x = (q: number) => M.left + (nines(q) / MAX_X) * plotW;
  const y = (ms: number) => top + plotH - ((Math.log10(Math.max(ms, 10 ** yMin)) - yMin) / (yMax - yMin)) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<title>${esc(chart.title)}</title>`);
  out.push(`<rect width="${W}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${M.left}" y="24" font-size="15" font-weight="600" fill="#1f2328">${esc(chart.title)}</text>`);
  out.push(`<text x="${M.left}" y="42" fill="#57606a">${esc(chart.subtitle)}</text>`);

  // Grid: 1-2-5 steps on the log axis.
  for (let d = yMin; d <= yMax; d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      if (Math.log10(v) > yMax + 1e-9) continue;
      const yy = y(v).toFixed(1);
      out.push(
        `<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="${m === 1 ? "#d0d7de" : "#eaeef2"}"/>`,
      );
      out.push(`<text x="${M.left - 8}" y="${yy}" dy="4" text-anchor="end" fill="#57606a">${fmt(v)}</text>`);
    }
  }
  for (const [q, label] of [
    [0.5, "p50"],
    [0.9, "p90"],
    [0.99, "p99"],
    [0.999, "p99.9"],
    [1, "max"],
  ] as const) {
    const xx = x(q).toFixed(1);
    out.push(`<line x1="${xx}" x2="${xx}" y1="${top}" y2="${top + plotH}" stroke="#eaeef2"/>`);
    out.push(`<text x="${xx}" y="${top + plotH + 18}" text-anchor="middle" fill="#57606a">${label}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#8c959f"/>`);
  out.push(
    `<text x="${M.left + plotW / 2}" y="${height - 12}" text-anchor="middle" fill="#1f2328">percentile of likes (tail spread out)</text>`,
  );
  out.push(
    `<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#1f2328">ms, like scheduled → owner's socket event (log scale)</text>`,
  );

  for (const t of chart.targets) {
    const yy = y(t.ms).toFixed(1);
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="#cf222e" stroke-dasharray="2 4"/>`,
    );
    out.push(`<text x="${W - M.right - 4}" y="${yy}" dy="-4" text-anchor="end" fill="#cf222e">${esc(t.label)}</text>`);
  }

  chart.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.ms) && p.ms > 0 && p.q >= 0.1);
    if (pts.length === 0) return;
    const d = pts.map((p, j) => `${j ? "L" : "M"}${x(p.q).toFixed(1)} ${y(p.ms).toFixed(1)}`).join(" ");
    const dash = DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : "";
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.2"${dash}/>`);
    for (const p of pts)
      out.push(`<circle cx="${x(p.q).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="2.6" fill="${color}"/>`);
    const ly = M.top + i * LEGEND_ROW;
    out.push(
      `<line x1="${M.left + 12}" x2="${M.left + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2.2"${dash}/>`,
    );
    out.push(`<text x="${M.left + 46}" y="${ly}" dy="4" fill="#1f2328">${esc(s.label)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
