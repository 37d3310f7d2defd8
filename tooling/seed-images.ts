// The seed's pictures: SVG scenes (skies, water, hills, still lifes) in the style of the original
// hand-made ones, drawn from shapes and gradients so they ship as small text files and nothing is
// downloaded. The output is committed in public/seed/; after changing a scene, write it again with
// scripts/seed-images.ts.
//
// The first three photos and the avatars of alice, bob and carol are hand-made: never touched here.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
// random(): deterministic numbers per picture, so rerunning the generator gives the same files.
import { random, SEED_USERS } from "../prisma/seed";

const S = 1080;

type Rng = () => number;
const between = (rng: Rng, lo: number, hi: number) => Math.round(lo + rng() * (hi - lo));

const linear = (id: string, stops: string[], horizontal = false) =>
  `<linearGradient id="${id}" x1="0" y1="0" x2="${horizontal ? 1 : 0}" y2="${horizontal ? 0 : 1}">${stops
    .map(
      (c, i) => `<stop offset="${stops.length === 1 ? 0 : +(i / (stops.length - 1)).toFixed(2)}" stop-color="${c}"/>`,
    )
    .join("")}</linearGradient>`;
const glow = (id: string, color: string) =>
  `<radialGradient id="${id}" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="${color}" stop-opacity="1"/><stop offset="1" stop-color="${color}" stop-opacity="0"/></radialGradient>`;

type Scene = { defs: string[]; body: string[] };
const scene = (): Scene => ({ defs: [], body: [] });

/** A smooth ridge across the picture: baseline y, wave height, bumps. */
function ridge(rng: Rng, y: number, height: number, bumps: number, fill: string, opacity = 1): string {
  const step = S / bumps;
  let d = `M0 ${y + between(rng, -height, height)}`;
  for (let i = 1; i <= bumps; i++) {
    const x = Math.round(i * step);
    const peak = y - between(rng, 0, height);
    d += ` Q${Math.round(x - step / 2)} ${peak - between(rng, 0, height)} ${x} ${y + between(rng, -height / 2, height / 2)}`;
  }
  return `<path d="${d} V${S} H0z" fill="${fill}"${opacity < 1 ? ` opacity="${opacity}"` : ""}/>`;
}

/** Sharp peaks (mountains), optionally with snow caps. */
function peaks(
  rng: Rng,
  baseY: number,
  count: number,
  minH: number,
  maxH: number,
  fill: string,
  snow: string | null,
): string {
  const out: string[] = [];
  const width = S / (count - 1);
  let d = `M-60 ${baseY}`;
  const caps: string[] = [];
  for (let i = 0; i < count; i++) {
    const x = Math.round(i * width + between(rng, -40, 40));
    const top = baseY - between(rng, minH, maxH);
    const half = between(rng, Math.round(width * 0.45), Math.round(width * 0.7));
    d += ` L${x - half} ${baseY} L${x} ${top} L${x + half} ${baseY}`;
    if (snow) {
      const cap = Math.round((baseY - top) * 0.22);
      const capHalf = Math.round((half * cap) / (baseY - top));
      caps.push(
        `<path d="M${x} ${top}L${x + capHalf} ${top + cap}l-${Math.round(capHalf * 0.5)} -14l-${Math.round(capHalf * 0.5)} 18l-${Math.round(capHalf * 0.5)} -16L${x - capHalf} ${top + cap}z" fill="${snow}"/>`,
      );
    }
  }
  out.push(`<path d="${d} L${S + 60} ${baseY} V${S} H-60z" fill="${fill}"/>`, ...caps);
  return out.join("");
}

function stars(rng: Rng, count: number, maxY: number): string {
  let out = `<g fill="#fff">`;
  for (let i = 0; i < count; i++)
    out += `<circle cx="${between(rng, 10, S - 10)}" cy="${between(rng, 10, maxY)}" r="${(0.8 + rng() * 2.4).toFixed(1)}" opacity="${(0.35 + rng() * 0.65).toFixed(2)}"/>`;
  return out + "</g>";
}

function birds(x: number, y: number, color: string): string {
  return `<g fill="none" stroke="${color}" stroke-width="5" stroke-linecap="round"><path d="M${x} ${y}q18-16 36 0q18-16 36 0"/><path d="M${x + 100} ${y - 50}q12-10 24 0q12-10 24 0"/></g>`;
}

function pine(x: number, base: number, h: number, fill: string, snow?: string): string {
  const w = h * 0.42;
  const tiers = [0, 0.28, 0.52].map((t, i) => {
    const top = base - h + t * h;
    const bottom = base - h * 0.12 - (2 - i) * h * 0.2;
    const spread = w * (0.55 + i * 0.22);
    return (
      `<path d="M${x} ${Math.round(top)}L${Math.round(x + spread)} ${Math.round(bottom)}H${Math.round(x - spread)}z" fill="${fill}"/>` +
      (snow
        ? `<path d="M${x} ${Math.round(top)}L${Math.round(x + spread * 0.35)} ${Math.round(top + (bottom - top) * 0.35)}H${Math.round(x - spread * 0.35)}z" fill="${snow}"/>`
        : "")
    );
  });
  return `<rect x="${Math.round(x - h * 0.03)}" y="${Math.round(base - h * 0.14)}" width="${Math.round(h * 0.06)}" height="${Math.round(h * 0.14)}" fill="#4a3426"/>${tiers.join("")}`;
}

const SKIES = {
  dawn: ["#7fa8d8", "#f6b8a8", "#ffe2b4"],
  day: ["#4f9de0", "#9fd0f2", "#e6f5ff"],
  dusk: ["#2f2b5e", "#a3587d", "#f6a072"],
  night: ["#070b1f", "#141d45", "#27346b"],
  grey: ["#8e9aab", "#b9c2cf", "#dfe4ea"],
} as const;
type Sky = keyof typeof SKIES;

// ---------------------------------------------------------------------------------------------
// Scenes. Each takes its own options and a generator for the small irregularities.

function mountains(rng: Rng, o: { sky: Sky; snow: boolean; lake: boolean; moon?: boolean; walker?: boolean }): Scene {
  const s = scene();
  s.defs.push(linear("sky", [...SKIES[o.sky]]), glow("glow", o.sky === "night" ? "#f4f1d0" : "#fff2c4"));
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#sky)"/>`);
  if (o.sky === "night") s.body.push(stars(rng, 90, 520));
  const sunX = between(rng, 300, 780);
  const sunY = o.sky === "day" ? 230 : 470;
  s.body.push(`<circle cx="${sunX}" cy="${sunY}" r="260" fill="url(#glow)"/>`);
  s.body.push(
    o.moon
      ? `<circle cx="${sunX}" cy="${sunY}" r="70" fill="#f7f3dc"/><circle cx="${sunX - 18}" cy="${sunY - 12}" r="12" fill="#e4dfc0"/><circle cx="${sunX + 22}" cy="${sunY + 18}" r="8" fill="#e4dfc0"/>`
      : `<circle cx="${sunX}" cy="${sunY}" r="80" fill="${o.sky === "day" ? "#fff6d5" : "#ffcf70"}"/>`,
  );
  const tones =
    o.sky === "night"
      ? ["#35406e", "#252e55", "#161c38"]
      : o.sky === "dusk"
        ? ["#7a5a8c", "#553f6e", "#33284a"]
        : o.sky === "dawn"
          ? ["#8b8fb8", "#62668f", "#3e4266"]
          : ["#8aa7c7", "#5d7fa3", "#3d5a7a"];
  s.body.push(peaks(rng, 600, 5, 180, 330, tones[0]!, o.snow ? "#f4f7fb" : null));
  s.body.push(peaks(rng, 700, 4, 150, 260, tones[1]!, o.snow ? "#e3e9f2" : null));
  if (o.lake) {
    s.defs.push(linear("water", o.sky === "day" ? ["#5d8fc0", "#2d5a85"] : ["#3c4a7a", "#151b36"]));
    s.body.push(`<rect y="720" width="${S}" height="360" fill="url(#water)"/>`);
    for (let i = 0; i < 7; i++)
      s.body.push(
        `<rect x="${between(rng, 200, 700)}" y="${750 + i * 42}" width="${between(rng, 80, 260)}" height="6" rx="3" fill="#fff" opacity="${(0.15 + rng() * 0.25).toFixed(2)}"/>`,
      );
    s.body.push(
      `<path d="M0 720q160-30 300 0t300 0v16H0z" fill="${tones[2]}"/><path d="M0 1080V900q140-40 260 10 90 40 80 170z" fill="${tones[2]}"/>`,
    );
    s.body.push(
      pine(90, 980, 190, "#1d3b32", o.snow ? "#eef3f8" : undefined),
      pine(190, 1010, 150, "#244a3e", o.snow ? "#eef3f8" : undefined),
    );
  } else {
    s.body.push(ridge(rng, 800, 60, 3, tones[2]!));
    if (o.walker)
      s.body.push(
        `<g fill="#1a1430"><circle cx="700" cy="690" r="14"/><path d="M690 706h22l8 50h-10l-8-34-6 34h-12z"/><path d="M712 712l26 20" stroke="#1a1430" stroke-width="6"/><path d="M740 700v70" stroke="#1a1430" stroke-width="4"/></g>`,
      );
  }
  if (o.sky !== "night") s.body.push(birds(between(rng, 160, 420), between(rng, 200, 320), "#3b4a5a"));
  return s;
}

function water(rng: Rng, o: { sky: Sky; boat: "canoe" | "sail" | "harbour" }): Scene {
  const s = scene();
  s.defs.push(
    linear("sky", [...SKIES[o.sky]]),
    linear("sea", o.sky === "day" ? ["#4f95c9", "#1f5b8a"] : ["#5a4f86", "#1c1a3d"]),
    glow("glow", "#ffd9a0"),
  );
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#sky)"/>`);
  const sunX = between(rng, 250, 800);
  s.body.push(
    `<circle cx="${sunX}" cy="560" r="300" fill="url(#glow)" opacity=".8"/><circle cx="${sunX}" cy="${o.sky === "day" ? 220 : 580}" r="${o.sky === "day" ? 70 : 95}" fill="${o.sky === "day" ? "#fff5cf" : "#ffb866"}"/>`,
  );
  s.body.push(ridge(rng, 610, 50, 4, o.sky === "day" ? "#6f9a78" : "#4a3e6b", 0.9));
  s.body.push(`<rect y="640" width="${S}" height="440" fill="url(#sea)"/>`);
  for (let i = 0; i < 9; i++)
    s.body.push(
      `<rect x="${sunX - between(rng, 40, 200)}" y="${660 + i * 44}" width="${between(rng, 100, 320)}" height="6" rx="3" fill="#ffe7b0" opacity="${(0.2 + rng() * 0.45).toFixed(2)}"/>`,
    );
  if (o.boat === "canoe") {
    s.body.push(
      `<g transform="translate(360 800)"><path d="M0 0h380q-30 50-120 56H110Q30 50 0 0z" fill="#d9572b"/><path d="M20 6h340" stroke="#f29b6b" stroke-width="8"/><circle cx="190" cy="-50" r="22" fill="#f1c7a5"/><path d="M160 -2q30-60 60 0z" fill="#2f6f9f"/><path d="M110 -90l160 130" stroke="#6b4a2b" stroke-width="8" stroke-linecap="round"/><path d="M262 32l26 24-10 8-26-22z" fill="#6b4a2b"/></g>`,
    );
  } else if (o.boat === "sail") {
    s.body.push(
      `<g transform="translate(420 560)"><path d="M-20 220h300l-40 50H20z" fill="#23233f"/><path d="M130 210V0" stroke="#23233f" stroke-width="8"/><path d="M136 10l120 190H136z" fill="#fbe8d0"/><path d="M124 40L20 200h104z" fill="#f3c9a8"/></g>`,
    );
  } else {
    s.body.push(
      `<g fill="#1f1b33"><rect x="0" y="700" width="520" height="26"/>${[40, 160, 280, 400, 500].map((x) => `<rect x="${x}" y="726" width="12" height="90"/>`).join("")}<rect x="120" y="640" width="60" height="60"/><path d="M110 640h80l-40-34z"/><rect x="136" y="656" width="16" height="16" fill="#ffcf70"/></g>`,
    );
    for (const [x, y, h] of [
      [620, 780, 150],
      [800, 860, 120],
      [560, 930, 90],
    ] as const) {
      s.body.push(
        `<path d="M${x - 80} ${y}h170l-26 30H${x - 54}z" fill="#23233f"/><path d="M${x} ${y}V${y - h}" stroke="#23233f" stroke-width="6"/><path d="M${x + 4} ${y - h + 10}l${Math.round(h * 0.5)} ${h - 20}H${x + 4}z" fill="#f7dcc2"/>`,
      );
    }
    s.body.push(
      `<g fill="#ffcf70">${[
        [60, 690],
        [220, 690],
        [340, 690],
        [460, 690],
      ]
        .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="6"/>`)
        .join("")}</g>`,
    );
  }
  return s;
}

function balloons(rng: Rng, o: { sky: Sky; count: number }): Scene {
  const s = scene();
  s.defs.push(linear("sky", [...SKIES[o.sky]]), glow("glow", "#fff1c9"));
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#sky)"/><circle cx="800" cy="760" r="340" fill="url(#glow)"/>`,
  );
  s.body.push(
    ridge(rng, 760, 60, 3, "#9bb48a", 0.8),
    ridge(rng, 840, 50, 4, "#6f9467"),
    ridge(rng, 930, 40, 3, "#4d7550"),
  );
  const palettes = [
    ["#e63946", "#f1faee"],
    ["#ffb703", "#fb8500"],
    ["#2a9d8f", "#e9c46a"],
    ["#8e7dbe", "#f6bd60"],
    ["#3a86ff", "#ffbe0b"],
    ["#ef476f", "#06d6a0"],
  ];
  const placed: [number, number, number][] = [];
  for (let i = 0; i < o.count; i++) {
    const r = between(rng, 36, 110) * (i === 0 ? 1.3 : 1);
    // Where it overlaps no other balloon, if a few tries find such a place.
    let x = 0;
    let y = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      x = between(rng, 120, 960);
      y = between(rng, 150, 620);
      if (placed.every(([px, py, pr]) => Math.hypot(px - x, py - y) > (pr + r) * 1.25)) break;
    }
    placed.push([x, y, r]);
    const [a, b] = palettes[(i + between(rng, 0, 5)) % palettes.length]!;
    s.body.push(
      `<g transform="translate(${x} ${y})"><path d="M${-r} 0a${r} ${r} 0 1 1 ${2 * r} 0c0 ${Math.round(r * 0.6)}-${Math.round(r * 0.55)} ${Math.round(r * 0.9)}-${Math.round(r * 0.3)} ${Math.round(r * 1.15)}H${-Math.round(r * 0.3)}c${-Math.round(r * 0.45)}-${Math.round(r * 0.25)}-${Math.round(r * 0.7)}-${Math.round(r * 0.55)}-${Math.round(r * 0.7)}-${Math.round(r * 1.15)}z" fill="${a}"/>` +
        `<path d="M${-Math.round(r * 0.35)} ${-r}q${Math.round(r * 0.35)} ${Math.round(r * 1.1)} 0 ${Math.round(r * 2.1)}h${Math.round(r * 0.7)}q${-Math.round(r * 0.35)}-${Math.round(r)} 0-${Math.round(r * 2.1)}z" fill="${b}" opacity=".9"/>` +
        `<rect x="${-Math.round(r * 0.2)}" y="${Math.round(r * 1.3)}" width="${Math.round(r * 0.4)}" height="${Math.round(r * 0.3)}" rx="4" fill="#7a4e2d"/></g>`,
    );
  }
  return s;
}

function forest(rng: Rng, o: { season: "fog" | "snow" | "autumn" }): Scene {
  const s = scene();
  const sky =
    o.season === "fog"
      ? ["#c7d1d9", "#e4e9ec", "#f2f4f3"]
      : o.season === "snow"
        ? ["#9fb7d4", "#d6e2ef", "#f4f8fc"]
        : ["#f2b880", "#f6d7a7", "#fbeed3"];
  s.defs.push(linear("sky", sky), linear("mist", ["#ffffff00", "#ffffffcc"]));
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#sky)"/>`);
  const rows =
    o.season === "autumn"
      ? [
          ["#d08b5b", 560],
          ["#b5603a", 690],
          ["#8c3b26", 830],
        ]
      : o.season === "snow"
        ? [
            ["#7d96a8", 560],
            ["#4f6b7a", 690],
            ["#2b4350", 830],
          ]
        : [
            ["#9aaab3", 560],
            ["#6d8290", 690],
            ["#3f5561", 830],
          ];
  for (const [i, [color, base]] of rows.entries()) {
    for (let x = -20; x < S + 40; x += between(rng, 50, 90) + i * 20) {
      const h = between(rng, 140, 240) + i * 70;
      if (o.season === "autumn" && i > 0 && rng() < 0.5) {
        const r = Math.round(h * 0.28);
        s.body.push(
          `<rect x="${x - 6}" y="${(base as number) - r}" width="12" height="${r + 40}" fill="#5a3522"/><circle cx="${x}" cy="${(base as number) - r - 10}" r="${r}" fill="${["#e76f51", "#f4a261", "#e9c46a", "#c0392b"][between(rng, 0, 3)]}"/>`,
        );
      } else
        s.body.push(pine(x, (base as number) + 40, h, color as string, o.season === "snow" ? "#f5f8fb" : undefined));
    }
    // The ground in front of the row hides the trunks' feet.
    s.body.push(ridge(rng, (base as number) + 24, 14, 3, color as string));
    if (o.season !== "autumn")
      s.body.push(
        `<rect y="${(base as number) - 120}" width="${S}" height="200" fill="url(#mist)" opacity="${0.5 - i * 0.12}"/>`,
      );
  }
  if (o.season === "snow")
    s.body.push(`<path d="M0 880q270-40 540 0t540 0V1080H0z" fill="#f5f8fb"/>` + stars(rng, 70, 900));
  if (o.season === "autumn")
    for (let i = 0; i < 24; i++)
      s.body.push(
        `<ellipse cx="${between(rng, 0, S)}" cy="${between(rng, 300, 1060)}" rx="10" ry="5" transform="rotate(${between(rng, 0, 180)})" fill="${["#e76f51", "#f4a261", "#e9c46a"][between(rng, 0, 2)]}" opacity=".85"/>`,
      );
  if (o.season === "fog") s.body.push(birds(660, 240, "#56636e"));
  return s;
}

function skyline(rng: Rng, o: { sky: Sky; rain: boolean }): Scene {
  const s = scene();
  s.defs.push(linear("sky", [...SKIES[o.sky]]), glow("glow", o.sky === "dusk" ? "#ffb27a" : "#c8d0ff"));
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#sky)"/>`);
  if (o.sky === "night")
    s.body.push(
      stars(rng, 60, 380),
      `<circle cx="820" cy="180" r="54" fill="#f6f1d5"/><circle cx="840" cy="168" r="50" fill="#141d45"/>`,
    );
  else s.body.push(`<circle cx="540" cy="720" r="420" fill="url(#glow)" opacity=".7"/>`);
  const layers = o.sky === "grey" ? ["#9aa3b0", "#6f7988", "#4b5362"] : ["#3b3566", "#272347", "#15132b"];
  const lit = o.sky === "grey" ? "#fbe7a1" : "#ffd66b";
  for (const [i, color] of layers.entries()) {
    let x = -20;
    while (x < S) {
      const w = between(rng, 70, 150);
      const h = between(rng, 180, 480) - i * 60;
      const top = 1000 - h - i * 10;
      s.body.push(`<rect x="${x}" y="${top}" width="${w}" height="${S - top}" fill="${color}"/>`);
      if (i === 2 || (i === 1 && rng() < 0.5)) {
        for (let wy = top + 24; wy < 980; wy += 34)
          for (let wx = x + 14; wx < x + w - 20; wx += 28)
            if (rng() < (o.sky === "grey" ? 0.25 : 0.45))
              s.body.push(
                `<rect x="${wx}" y="${wy}" width="14" height="18" fill="${lit}" opacity="${(0.55 + rng() * 0.45).toFixed(2)}"/>`,
              );
      }
      if (i === 0 && rng() < 0.3)
        s.body.push(
          `<rect x="${x + Math.round(w / 2) - 3}" y="${top - 70}" width="6" height="70" fill="${color}"/><circle cx="${x + Math.round(w / 2)}" cy="${top - 74}" r="6" fill="#ff5a5f"/>`,
        );
      x += w + between(rng, 0, 16);
    }
  }
  s.body.push(`<rect y="1000" width="${S}" height="80" fill="${o.sky === "grey" ? "#3a404b" : "#0d0c1d"}"/>`);
  if (o.rain) {
    let drops = `<g stroke="#e8eef6" stroke-width="3" stroke-linecap="round" opacity=".55">`;
    for (let i = 0; i < 140; i++) {
      const x = between(rng, 0, S + 100);
      const y = between(rng, 0, S);
      drops += `<path d="M${x} ${y}l-14 ${between(rng, 30, 60)}"/>`;
    }
    s.body.push(drops + "</g>");
    s.body.push(
      `<g transform="translate(300 930)"><path d="M-70 0a70 50 0 0 1 140 0z" fill="#e63946"/><path d="M0 0v70q0 14 12 14" stroke="#222" stroke-width="5" fill="none"/><circle cx="0" cy="30" r="0"/></g>`,
    );
  } else
    s.body.push(
      `<rect x="0" y="0" width="${S}" height="${S}" fill="none" stroke="#0d0c1d" stroke-width="60"/><rect x="510" y="0" width="60" height="${S}" fill="#0d0c1d"/>`,
    );
  return s;
}

function bowl(rng: Rng, o: { table: string; kind: "ramen" | "noodles" }): Scene {
  const s = scene();
  s.defs.push(
    linear("table", [o.table, shade(o.table, -0.15)]),
    linear("broth", o.kind === "ramen" ? ["#e9b872", "#c98a3d"] : ["#f3e0b5", "#e5c88e"]),
  );
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#table)"/>`);
  for (let y = 90; y < S; y += 180) s.body.push(`<rect y="${y}" width="${S}" height="4" fill="#000" opacity=".06"/>`);
  s.body.push(
    `<ellipse cx="560" cy="560" rx="360" ry="360" fill="#000" opacity=".12"/><circle cx="540" cy="540" r="350" fill="${o.kind === "ramen" ? "#1f2a44" : "#f4efe6"}"/><circle cx="540" cy="540" r="300" fill="url(#broth)"/>`,
  );
  let noodles = `<g fill="none" stroke="#fbe7a8" stroke-width="12" stroke-linecap="round">`;
  for (let i = 0; i < 9; i++)
    noodles += `<path d="M${between(rng, 330, 420)} ${between(rng, 420, 700)}q${between(rng, 40, 90)} ${between(rng, -80, 80)} ${between(rng, 120, 200)} 0t${between(rng, 120, 200)} ${between(rng, -20, 20)}"/>`;
  s.body.push(noodles + "</g>");
  if (o.kind === "ramen") {
    s.body.push(
      `<g transform="translate(640 420)"><ellipse rx="70" ry="56" fill="#fff"/><ellipse rx="34" ry="30" fill="#f4a300"/></g><g transform="translate(420 660)"><ellipse rx="62" ry="50" fill="#fff"/><ellipse rx="30" ry="26" fill="#f4a300"/></g>`,
    );
    s.body.push(
      `<rect x="600" y="560" width="150" height="120" rx="20" fill="#c97b63"/><rect x="612" y="572" width="126" height="20" rx="10" fill="#e8a890"/><path d="M380 380l120-50 20 40-120 50z" fill="#1b3a2f"/>`,
    );
    for (let i = 0; i < 14; i++)
      s.body.push(`<circle cx="${between(rng, 320, 760)}" cy="${between(rng, 330, 760)}" r="9" fill="#7cc47f"/>`);
  } else {
    for (let i = 0; i < 10; i++)
      s.body.push(
        `<circle cx="${between(rng, 330, 760)}" cy="${between(rng, 330, 760)}" r="${between(rng, 16, 26)}" fill="${["#e63946", "#2a9d8f", "#f4a261"][i % 3]}"/>`,
      );
    s.body.push(`<path d="M700 380q40-60 90-40-20 50-90 40z" fill="#52b788"/>`);
  }
  s.body.push(
    `<g transform="rotate(-28 880 860)"><rect x="620" y="850" width="440" height="18" rx="9" fill="#8a5a3b"/><rect x="620" y="884" width="440" height="18" rx="9" fill="#a06a45"/></g>`,
  );
  return s;
}

function cake(rng: Rng, o: { wall: string; icing: string; sponge: string; candles: number; lemon: boolean }): Scene {
  const s = scene();
  s.defs.push(linear("wall", [o.wall, shade(o.wall, -0.08)]), linear("cloth", ["#ffffff", "#e9e3d8"]));
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#wall)"/>`);
  for (let i = 0; i < 8; i++)
    s.body.push(
      `<path d="M${i * 140} 0l70 90 70-90" fill="${["#e63946", "#ffb703", "#2a9d8f", "#8e7dbe"][i % 4]}" opacity=".8"/>`,
    );
  s.body.push(
    `<path d="M0 0${Array.from({ length: 9 }, (_, i) => `Q${i * 140 + 70} 40 ${(i + 1) * 140} 0`).join("")}" stroke="#6d597a" stroke-width="4" fill="none"/>`,
  );
  s.body.push(
    `<rect y="760" width="${S}" height="320" fill="url(#cloth)"/><ellipse cx="540" cy="800" rx="330" ry="50" fill="#d9d2c5"/><ellipse cx="540" cy="790" rx="300" ry="40" fill="#fff"/>`,
  );
  s.body.push(
    `<path d="M290 560v210q250 60 500 0V560z" fill="${o.sponge}"/><ellipse cx="540" cy="560" rx="250" ry="56" fill="${o.icing}"/>`,
  );
  s.body.push(
    `<path d="M290 560q0 60 30 70t40-20 40 30 40-20 40 30 40-20 40 30 40-20 40 30 40-20 40 30 40-20 30-70" fill="${o.icing}"/>`,
  );
  s.body.push(`<path d="M290 680q250 50 500 0" stroke="${o.icing}" stroke-width="14" fill="none" opacity=".8"/>`);
  if (o.lemon) {
    for (let i = 0; i < 5; i++) {
      const x = 380 + i * 80;
      s.body.push(
        `<g transform="translate(${x} ${550 + (i % 2) * 16})"><ellipse rx="34" ry="14" fill="#ffd23f"/><ellipse rx="26" ry="9" fill="#fff3a3"/></g>`,
      );
    }
    s.body.push(
      `<path d="M520 520q20-40 60-30-20 30-60 30z" fill="#52b788"/><g transform="translate(860 820)"><ellipse rx="70" ry="50" fill="#ffd23f"/><ellipse cx="-62" rx="14" ry="10" fill="#f4c20d"/></g>`,
    );
  }
  for (let i = 0; i < o.candles; i++) {
    const x = 400 + Math.round((i * 280) / Math.max(1, o.candles - 1));
    const y = 540 + between(rng, -10, 14);
    s.body.push(
      `<rect x="${x - 8}" y="${y - 90}" width="16" height="90" rx="4" fill="${["#8ecae6", "#ffb4a2", "#b5e48c", "#cdb4db"][i % 4]}"/><path d="M${x} ${y - 140}q18 26 0 44q-18-18 0-44z" fill="#ffb703"/><circle cx="${x}" cy="${y - 116}" r="34" fill="#ffe8a3" opacity=".25"/>`,
    );
  }
  return s;
}

function flowers(rng: Rng, o: { kind: "tulips" | "sunflowers-field" }): Scene {
  const s = scene();
  if (o.kind === "sunflowers-field") {
    s.defs.push(linear("sky", [...SKIES.day]));
    s.body.push(
      `<rect width="${S}" height="${S}" fill="url(#sky)"/><circle cx="860" cy="170" r="70" fill="#fff6cf"/>`,
      ridge(rng, 560, 40, 3, "#8fb36b"),
      ridge(rng, 620, 20, 4, "#5e8c45"),
    );
    for (const [row, size] of [
      [640, 26],
      [720, 40],
      [840, 62],
      [1000, 96],
    ] as const) {
      for (let x = between(rng, -20, 40); x < S + 60; x += size * 2.6 + between(rng, 0, 20)) {
        const y = row + between(rng, -14, 14);
        s.body.push(
          `<path d="M${x} ${y}v${size * 4}" stroke="#3d7a35" stroke-width="${Math.max(3, size / 7)}"/><path d="M${x} ${y + size * 1.6}q${size} -${size * 0.4} ${size * 1.3} ${size * 0.2}q-${size * 0.8} ${size * 0.4} -${size * 1.3} -${size * 0.2}z" fill="#4f9a45"/>`,
        );
        let petals = "";
        for (let k = 0; k < 12; k++)
          petals += `<ellipse cx="0" cy="${-size * 0.9}" rx="${(size * 0.28).toFixed(0)}" ry="${(size * 0.6).toFixed(0)}" transform="rotate(${k * 30})"/>`;
        s.body.push(
          `<g transform="translate(${x} ${y})" fill="#ffc300">${petals}<circle r="${Math.round(size * 0.55)}" fill="#6b3e1f"/></g>`,
        );
      }
    }
    return s;
  }
  s.defs.push(linear("wall", ["#f6efe6", "#eadfce"]), linear("glass", ["#cfe8f3", "#a7d3e8"]));
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#wall)"/><rect x="140" y="90" width="800" height="560" rx="10" fill="url(#glass)"/><path d="M540 90v560M140 370h800" stroke="#fbf7f0" stroke-width="22"/><rect x="140" y="90" width="800" height="560" rx="10" fill="none" stroke="#e5d6bf" stroke-width="22"/>`,
  );
  s.body.push(ridge(rng, 560, 30, 3, "#b9d6a9", 0.8));
  s.body.push(
    `<rect x="100" y="650" width="880" height="40" rx="8" fill="#e5d6bf"/><rect y="690" width="${S}" height="390" fill="#d8c4a5"/>`,
  );
  s.body.push(
    `<path d="M440 690q-40-100 0-210h200q40 110 0 210z" fill="#8ecae6" opacity=".85"/><path d="M460 520h160" stroke="#ffffff" stroke-width="8" opacity=".6"/>`,
  );
  const colors = ["#e63946", "#ff8fab", "#ffb703", "#f07167", "#c77dff"];
  for (let i = 0; i < 7; i++) {
    const x = 360 + i * 60 + between(rng, -10, 10);
    const top = between(rng, 230, 330);
    s.body.push(
      `<path d="M540 520Q${(540 + x) / 2} ${top + 120} ${x} ${top + 40}" stroke="#3f8f4a" stroke-width="9" fill="none"/><path d="M${x - 8} ${top + 160}q-50-40-40-110 30 50 48 110z" fill="#57a05f"/>`,
    );
    const c = colors[(i + between(rng, 0, 4)) % colors.length]!;
    s.body.push(
      `<g transform="translate(${x} ${top})"><path d="M-30 0q0 50 30 50t30-50l-15 14-15-24-15 24z" fill="${c}"/><path d="M-8 -12q8-10 16 0l-4 40h-8z" fill="${shade(c, 0.2)}"/></g>`,
    );
  }
  return s;
}

function camp(rng: Rng, o: { focus: "stars" | "fire" }): Scene {
  const s = scene();
  s.defs.push(
    linear("sky", o.focus === "stars" ? ["#050816", "#0f1640", "#2a2f6b"] : [...SKIES.dusk]),
    glow("fire", "#ffb347"),
    linear("milky", ["#ffffff00", "#c8c8ff55", "#ffffff00"], true),
  );
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#sky)"/>`);
  if (o.focus === "stars")
    s.body.push(
      `<rect x="-200" y="200" width="1500" height="260" fill="url(#milky)" transform="rotate(-24 540 330)"/>`,
      stars(rng, 260, 720),
    );
  else s.body.push(stars(rng, 40, 300));
  s.body.push(ridge(rng, 700, 70, 3, "#1c2340"), ridge(rng, 820, 30, 2, "#121830"));
  for (const x of [60, 150, 950, 1030]) s.body.push(pine(x, 860, between(rng, 220, 300), "#0b1022"));
  const tentX = o.focus === "stars" ? 620 : 300;
  s.body.push(
    `<g transform="translate(${tentX} 860)"><path d="M-150 0L0 -200 150 0z" fill="#f4a261"/><path d="M0 -200L60 0H-60z" fill="#7a3e1d"/><path d="M0 -200L-150 0" stroke="#e76f51" stroke-width="8"/><path d="M0 -200v-30" stroke="#3b2a20" stroke-width="6"/></g>`,
  );
  const fireX = o.focus === "stars" ? 380 : 640;
  const scale = o.focus === "fire" ? 1.6 : 1;
  s.body.push(
    `<circle cx="${fireX}" cy="840" r="${Math.round(220 * scale)}" fill="url(#fire)" opacity=".55"/><g transform="translate(${fireX} 880) scale(${scale})"><path d="M-50 0l100-26M-50-26l100 26" stroke="#5a3a22" stroke-width="14" stroke-linecap="round"/><path d="M0-110q40 40 30 80-10 24-30 24t-30-24q-6-40 30-80z" fill="#ff7b00"/><path d="M0-70q20 24 14 46-6 12-14 12t-14-12q-2-24 14-46z" fill="#ffd000"/></g>`,
  );
  if (o.focus === "fire") {
    for (const [x, flip] of [
      [460, 1],
      [820, -1],
    ] as const)
      s.body.push(
        `<g transform="translate(${x} 900) scale(${flip} 1)"><circle cx="0" cy="-120" r="28" fill="#2b1d2e"/><path d="M-40 0q0-90 40-90t40 90z" fill="#2b1d2e"/><path d="M20-70l70 40" stroke="#2b1d2e" stroke-width="10" stroke-linecap="round"/></g>`,
      );
    for (let i = 0; i < 16; i++)
      s.body.push(
        `<circle cx="${640 + between(rng, -80, 80)}" cy="${between(rng, 560, 760)}" r="3" fill="#ffcf70" opacity="${(0.4 + rng() * 0.6).toFixed(2)}"/>`,
      );
  }
  s.body.push(`<rect y="${S - 120}" width="${S}" height="120" fill="#0a0e1f"/>`);
  return s;
}

function desert(rng: Rng, o: { sky: Sky; road: boolean }): Scene {
  const s = scene();
  s.defs.push(
    linear("sky", o.sky === "day" ? ["#3c8ede", "#9ccff0", "#f7efd6"] : [...SKIES.dusk]),
    glow("glow", "#fff0c0"),
  );
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#sky)"/><circle cx="${o.sky === "day" ? 780 : 540}" cy="${o.sky === "day" ? 200 : 600}" r="260" fill="url(#glow)" opacity=".8"/><circle cx="${o.sky === "day" ? 780 : 540}" cy="${o.sky === "day" ? 200 : 600}" r="80" fill="${o.sky === "day" ? "#fffbe6" : "#ffb35c"}"/>`,
  );
  const tones =
    o.sky === "day" ? ["#f1c27d", "#e3a857", "#cf8b3e", "#b8732f"] : ["#c97b63", "#a85a4a", "#7f3f3a", "#5a2a30"];
  s.body.push(`<path d="M0 640q200-60 420-10t380-20 280 30V${S}H0z" fill="${tones[0]}"/>`);
  s.body.push(`<path d="M0 720q300-120 620-10 260 80 460 10V${S}H0z" fill="${tones[1]}"/>`);
  s.body.push(`<path d="M0 840q260-90 560 10 280 70 520-20V${S}H0z" fill="${tones[2]}"/>`);
  s.body.push(`<path d="M620 730q-60 80-20 350" stroke="${tones[0]}" stroke-width="6" fill="none" opacity=".6"/>`);
  if (o.road) {
    s.body.push(`<path d="M500 660L560 660 900 ${S}H140z" fill="#3b3340"/>`);
    for (let i = 0; i < 6; i++) {
      const t = i / 6;
      const y = 670 + Math.round(t * t * 410);
      s.body.push(
        `<rect x="${530 - Math.round(t * 10)}" y="${y}" width="${4 + Math.round(t * 16)}" height="${10 + Math.round(t * 40)}" fill="#ffd166"/>`,
      );
    }
    s.body.push(
      `<g transform="translate(620 640)"><rect x="-40" y="-18" width="80" height="28" rx="8" fill="#e63946"/><rect x="-26" y="-34" width="52" height="20" rx="6" fill="#f1faee"/><circle cx="-22" cy="12" r="8" fill="#222"/><circle cx="22" cy="12" r="8" fill="#222"/></g>`,
    );
  } else {
    s.body.push(
      `<g transform="translate(230 820)" fill="#2d6a4f"><rect x="-22" y="-200" width="44" height="220" rx="22"/><path d="M-22-100h-50a22 22 0 0 1-22-22v-50h30v40h42z"/><path d="M22-60h50a22 22 0 0 0 22-22v-60h-30v50H22z"/></g>`,
    );
    for (let i = 0; i < 5; i++)
      s.body.push(
        `<path d="M${between(rng, 400, 1000)} ${between(rng, 900, 1040)}q30-8 60 0" stroke="${tones[3]}" stroke-width="5" fill="none"/>`,
      );
  }
  return s;
}

function beach(rng: Rng, o: { sky: Sky; umbrella: boolean }): Scene {
  const s = scene();
  s.defs.push(
    linear("sky", [...SKIES[o.sky]]),
    linear("sea", o.sky === "day" ? ["#2ec4b6", "#118ab2"] : ["#8d6a9f", "#3b3561"]),
    linear("sand", ["#f6e2b3", "#e9c98d"]),
    glow("glow", "#ffe0a8"),
  );
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#sky)"/>`);
  const sunX = o.sky === "day" ? 240 : 620;
  s.body.push(
    `<circle cx="${sunX}" cy="${o.sky === "day" ? 200 : 520}" r="240" fill="url(#glow)" opacity=".8"/><circle cx="${sunX}" cy="${o.sky === "day" ? 200 : 520}" r="76" fill="${o.sky === "day" ? "#fff7d6" : "#ffb25b"}"/>`,
  );
  s.body.push(`<rect y="540" width="${S}" height="300" fill="url(#sea)"/>`);
  for (let i = 0; i < 8; i++)
    s.body.push(
      `<rect x="${between(rng, 40, 900)}" y="${560 + i * 30}" width="${between(rng, 60, 200)}" height="5" rx="3" fill="#fff" opacity="${(0.25 + rng() * 0.35).toFixed(2)}"/>`,
    );
  s.body.push(
    `<path d="M0 760q180-40 360 0t360 0 360 0V${S}H0z" fill="#ffffff" opacity=".7"/><path d="M0 790q180-40 360 0t360 0 360 0V${S}H0z" fill="url(#sand)"/>`,
  );
  if (o.umbrella) {
    s.body.push(
      `<g transform="translate(700 700)"><path d="M0 0v260" stroke="#6b4a2b" stroke-width="10"/><path d="M-200 20a200 120 0 0 1 400 0q-50-30-100 0-50-30-100 0-50-30-100 0-50-30-100 0z" fill="#ef476f"/><path d="M-100 20q0-110 100-120 100 10 100 120-50-30-100 0-50-30-100 0z" fill="#ffd166"/></g>`,
    );
    s.body.push(
      `<rect x="520" y="930" width="220" height="70" rx="10" fill="#06d6a0" transform="rotate(-6 630 965)"/><rect x="520" y="930" width="220" height="14" fill="#fff" opacity=".5" transform="rotate(-6 630 965)"/>`,
    );
    s.body.push(
      `<g transform="translate(170 980)"><path d="M0 0q30-260 70-420" stroke="#7a5230" stroke-width="22" fill="none"/>${[-60, -20, 20, 60, 100].map((r) => `<path d="M70 -420q${90 * Math.cos((r * Math.PI) / 180)} ${-20 + r} ${170 * Math.cos((r * Math.PI) / 180)} ${40 + r * 1.2}q-70-60-170-${40 - r / 4}z" fill="#2d6a4f"/>`).join("")}</g>`,
    );
  } else {
    for (let i = 0; i < 6; i++)
      s.body.push(
        `<ellipse cx="${between(rng, 100, 1000)}" cy="${between(rng, 880, 1040)}" rx="${between(rng, 10, 22)}" ry="8" fill="${["#f4a261", "#ffffff", "#e9c46a"][i % 3]}"/>`,
      );
    s.body.push(birds(760, 260, "#3b2e4a"));
  }
  return s;
}

function books(rng: Rng): Scene {
  const s = scene();
  s.defs.push(linear("wall", ["#2f3e46", "#354f52"]), glow("lamp", "#ffe8a3"), linear("chair", ["#c1666b", "#9e4a50"]));
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#wall)"/><circle cx="780" cy="360" r="420" fill="url(#lamp)" opacity=".55"/>`,
  );
  for (const [y, from] of [
    [170, 80],
    [330, 80],
  ] as const) {
    s.body.push(`<rect x="${from}" y="${y}" width="420" height="16" fill="#8a5a3b"/>`);
    let x = from + 10;
    while (x < from + 400) {
      const w = between(rng, 18, 36);
      const h = between(rng, 90, 130);
      s.body.push(
        `<rect x="${x}" y="${y - h}" width="${w}" height="${h}" rx="3" fill="${["#e9c46a", "#e76f51", "#2a9d8f", "#f4a261", "#84a98c", "#cad2c5", "#6d597a"][between(rng, 0, 6)]}"/>`,
      );
      x += w + 4;
    }
  }
  s.body.push(
    `<rect y="860" width="${S}" height="220" fill="#6b4f3a"/><ellipse cx="540" cy="950" rx="460" ry="70" fill="#b56576" opacity=".6"/>`,
  );
  s.body.push(
    `<path d="M300 560q0-110 110-110h300q110 0 110 110v180H300z" fill="url(#chair)"/><rect x="240" y="640" width="110" height="240" rx="40" fill="#b0575d"/><rect x="730" y="640" width="110" height="240" rx="40" fill="#b0575d"/><rect x="330" y="720" width="420" height="120" rx="30" fill="#d07a80"/><rect x="300" y="880" width="20" height="50" fill="#3d2b1f"/><rect x="760" y="880" width="20" height="50" fill="#3d2b1f"/>`,
  );
  s.body.push(
    `<rect x="450" y="690" width="170" height="40" rx="6" fill="#f1faee" transform="rotate(-8 535 710)"/><path d="M450 700h170" stroke="#264653" stroke-width="6" transform="rotate(-8 535 710)"/><path d="M880 880V420" stroke="#222" stroke-width="10"/><path d="M820 430h120l-30-90h-60z" fill="#ffd166"/><ellipse cx="880" cy="880" rx="60" ry="14" fill="#222"/>`,
  );
  s.body.push(
    `<g transform="translate(180 860)"><path d="M-30 0h60l-10-60h-40z" fill="#e07a5f"/><path d="M0-60c-40-60-20-120 0-140 20 20 40 80 0 140z" fill="#52b788"/><path d="M0-60c30-50 80-60 100-40-40 0-60 20-100 40z" fill="#40916c"/></g>`,
  );
  return s;
}

function cup(rng: Rng, o: { kind: "espresso" | "tea" }): Scene {
  const s = scene();
  const table = o.kind === "espresso" ? "#3d2c2e" : "#c9b79c";
  s.defs.push(
    linear("wall", o.kind === "espresso" ? ["#f4e3d7", "#e8cfbe"] : ["#e8efe9", "#d5e2d8"]),
    linear("table", [table, shade(table, -0.15)]),
  );
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#wall)"/><rect x="620" y="120" width="320" height="260" rx="14" fill="#fff" opacity=".7"/><path d="M640 360l80-110 60 60 40-40 100 90z" fill="${o.kind === "espresso" ? "#e29578" : "#95d5b2"}"/>`,
  );
  s.body.push(
    `<rect y="640" width="${S}" height="440" fill="url(#table)"/><rect y="640" width="${S}" height="14" fill="${shade(table, 0.15)}"/>`,
  );
  if (o.kind === "espresso") {
    s.body.push(
      `<ellipse cx="420" cy="800" rx="190" ry="40" fill="#f8f4ee"/><path d="M320 620h200l-20 170q-80 30-160 0z" fill="#ffffff"/><ellipse cx="420" cy="620" rx="100" ry="24" fill="#f1ebe3"/><ellipse cx="420" cy="624" rx="84" ry="16" fill="#6f3b1f"/><ellipse cx="408" cy="622" rx="40" ry="6" fill="#c08552"/><path d="M520 660q60 0 56 50t-66 40" stroke="#fff" stroke-width="18" fill="none"/>`,
    );
    s.body.push(
      `<g transform="translate(760 820) rotate(-12)"><path d="M-170 0q30-110 170-110t170 110q-80 40-170 40t-170-40z" fill="#e0a458"/><path d="M-100-60q20 40 0 90M-30-100q10 60 0 130M40-100q-10 60 0 130M110-60q-20 40 0 90" stroke="#b5762e" stroke-width="10" fill="none" stroke-linecap="round"/></g>`,
    );
  } else {
    s.body.push(
      `<g transform="translate(690 760)"><path d="M-200 40l380 -30 20 100-380 30z" fill="#264653"/><path d="M-190 30l380-30 6 20-380 30z" fill="#f1faee"/></g>`,
    );
    s.body.push(
      `<path d="M240 560q0 170 130 190h60q130-20 130-190z" fill="#b7e4c7"/><ellipse cx="400" cy="560" rx="160" ry="34" fill="#95d5b2"/><ellipse cx="400" cy="564" rx="140" ry="24" fill="#c9a227"/><path d="M560 600q70 0 60 60t-70 50" stroke="#b7e4c7" stroke-width="20" fill="none"/><ellipse cx="400" cy="760" rx="210" ry="26" fill="#f1faee"/>`,
    );
    s.body.push(
      `<path d="M300 560l-60-120" stroke="#f1faee" stroke-width="3"/><rect x="220" y="420" width="34" height="40" rx="4" fill="#e76f51"/>`,
    );
  }
  let steam = `<g fill="none" stroke="#ffffff" stroke-width="12" stroke-linecap="round" opacity=".7">`;
  for (let i = 0; i < 3; i++) {
    const x = 360 + i * 50 + between(rng, -8, 8);
    steam += `<path d="M${x} 560q-30-40 0-80t0-80"/>`;
  }
  s.body.push(steam + "</g>");
  return s;
}

function rainWindow(rng: Rng): Scene {
  const s = scene();
  s.defs.push(linear("out", ["#5c6f82", "#8b9bb0", "#a9b7c6"]), linear("wall", ["#3a3f4b", "#2c303a"]));
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#wall)"/><rect x="120" y="100" width="840" height="680" fill="url(#out)"/>`,
  );
  for (let x = 120; x < 960; x += between(rng, 60, 120)) {
    const h = between(rng, 120, 380);
    s.body.push(
      `<rect x="${x}" y="${780 - h}" width="${between(rng, 50, 110)}" height="${h}" fill="#4a5868" opacity=".8"/>`,
    );
    for (let k = 0; k < 4; k++)
      if (rng() < 0.6)
        s.body.push(
          `<circle cx="${x + between(rng, 10, 60)}" cy="${780 - between(rng, 20, h - 10)}" r="10" fill="#ffd166" opacity=".5"/>`,
        );
  }
  let drops = `<g fill="#e6eef7">`;
  for (let i = 0; i < 90; i++) {
    const x = between(rng, 130, 950);
    const y = between(rng, 110, 760);
    const r = between(rng, 4, 12);
    drops += `<ellipse cx="${x}" cy="${y}" rx="${r}" ry="${Math.round(r * 1.3)}" opacity="${(0.35 + rng() * 0.45).toFixed(2)}"/>`;
    if (rng() < 0.25)
      drops += `<path d="M${x} ${y}v${between(rng, 30, 90)}" stroke="#e6eef7" stroke-width="${Math.max(2, r / 3)}" opacity=".35"/>`;
  }
  s.body.push(drops + "</g>");
  s.body.push(
    `<path d="M540 100v680M120 440h840" stroke="#d9d4cc" stroke-width="20"/><rect x="120" y="100" width="840" height="680" fill="none" stroke="#e6e1d8" stroke-width="28"/><rect x="80" y="780" width="920" height="44" rx="8" fill="#e6e1d8"/>`,
  );
  s.body.push(
    `<g transform="translate(760 780)"><path d="M-50 0q-10-60 0-80h100q10 20 0 80z" fill="#f4a261"/><path d="M50-50q50 0 46 30t-46 24" stroke="#f4a261" stroke-width="14" fill="none"/><path d="M-10-110q-20-30 0-60M20-110q-20-30 0-60" stroke="#ffffff" stroke-width="8" fill="none" opacity=".5" stroke-linecap="round"/></g>`,
  );
  s.body.push(
    `<g transform="translate(300 790)"><rect x="-60" y="-40" width="120" height="40" rx="6" fill="#8e7dbe"/><rect x="-50" y="-70" width="100" height="30" rx="6" fill="#e9c46a"/></g>`,
  );
  return s;
}

function bicycle(rng: Rng): Scene {
  const s = scene();
  s.defs.push(linear("sky", ["#ffd6a5", "#fdffb6", "#caffbf"]), linear("road", ["#9a8c98", "#6d6875"]));
  s.body.push(`<rect width="${S}" height="${S}" fill="url(#sky)"/>`);
  s.body.push(ridge(rng, 560, 60, 3, "#a3c4a1"), ridge(rng, 650, 40, 4, "#7fae7a"));
  for (let x = 40; x < S; x += between(rng, 120, 200))
    s.body.push(
      `<rect x="${x - 6}" y="520" width="12" height="140" fill="#6b4f3a"/><circle cx="${x}" cy="${between(rng, 480, 520)}" r="${between(rng, 50, 80)}" fill="${["#57a773", "#3e8e5e", "#8cc084"][between(rng, 0, 2)]}"/>`,
    );
  s.body.push(
    `<rect y="760" width="${S}" height="320" fill="url(#road)"/><path d="M0 900h${S}" stroke="#f1faee" stroke-width="10" stroke-dasharray="70 50"/>`,
  );
  const c = "#e63946";
  const spoke = (cx: number, a: number) => {
    const dx = Math.round(122 * Math.cos((a * Math.PI) / 180));
    const dy = Math.round(122 * Math.sin((a * Math.PI) / 180));
    return `<path d="M${cx + dx} ${dy}L${cx - dx} ${-dy}"/>`;
  };
  const spokes = [0, 30, 60, 90, 120, 150].map((a) => spoke(-200, a) + spoke(200, a)).join("");
  s.body.push(
    `<g transform="translate(540 760)" fill="none" stroke-linecap="round" stroke-linejoin="round"><g stroke="#9a9a9a" stroke-width="3">${spokes}</g>` +
      `<circle cx="-200" cy="0" r="130" stroke="#222" stroke-width="16"/><circle cx="200" cy="0" r="130" stroke="#222" stroke-width="16"/><circle cx="-200" cy="0" r="10" fill="#666" stroke="none"/><circle cx="200" cy="0" r="10" fill="#666" stroke="none"/>` +
      `<path d="M-200 0L-40 0 120-190H-110z M-40 0L-110-190 M120-190L200 0" stroke="${c}" stroke-width="20"/><path d="M-140-200h70" stroke="#222" stroke-width="18"/><path d="M120-190l-20-60h70" stroke="#222" stroke-width="12"/><circle cx="-40" cy="0" r="26" stroke="${c}" stroke-width="10"/><path d="M140-250h40v50h-40z" fill="#f4a261" stroke="#b5762e" stroke-width="6"/></g>`,
  );
  s.body.push(`<circle cx="880" cy="160" r="64" fill="#fff3b0"/>`);
  return s;
}

function cat(rng: Rng): Scene {
  const s = scene();
  s.defs.push(linear("sky", [...SKIES.dawn]), linear("wall", ["#f1dcc9", "#e4c6ad"]), glow("sun", "#fff1c9"));
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#wall)"/><rect x="180" y="120" width="720" height="560" rx="16" fill="url(#sky)"/><circle cx="700" cy="420" r="260" fill="url(#sun)"/><circle cx="700" cy="420" r="60" fill="#ffd27a"/>`,
  );
  s.body.push(ridge(rng, 600, 40, 4, "#9a8fb8", 0.8));
  for (let x = 200; x < 880; x += between(rng, 60, 110))
    s.body.push(
      `<rect x="${x}" y="${between(rng, 460, 560)}" width="${between(rng, 40, 70)}" height="200" fill="#7d7299" opacity=".8"/>`,
    );
  s.body.push(
    `<path d="M540 120v560M180 400h720" stroke="#fbf1e6" stroke-width="20"/><rect x="180" y="120" width="720" height="560" rx="16" fill="none" stroke="#fbf1e6" stroke-width="28"/><rect x="130" y="680" width="820" height="50" rx="10" fill="#fbf1e6"/><rect y="730" width="${S}" height="350" fill="#cda889"/>`,
  );
  s.body.push(
    `<path d="M130 0h160q-40 300 0 700H130z" fill="#7b9e89" opacity=".85"/><path d="M950 0H790q40 300 0 700h160z" fill="#7b9e89" opacity=".85"/>`,
  );
  s.body.push(
    `<g transform="translate(420 680)" fill="#2b2d42"><ellipse cx="0" cy="-90" rx="110" ry="95"/><circle cx="-40" cy="-210" r="66"/><path d="M-96-240l10-70 40 44z"/><path d="M16-250l-6-70 50 40z" transform="translate(-10 0)"/><path d="M100-20q120 0 110-90 0-40-30-40" stroke="#2b2d42" stroke-width="26" fill="none" stroke-linecap="round"/></g>`,
  );
  s.body.push(
    `<g transform="translate(680 680)"><path d="M-40 0h80l-10-70h-60z" fill="#e07a5f"/><path d="M0-70c-50-40-40-120-10-150 0 60 30 90 10 150z" fill="#52b788"/><path d="M0-70c40-50 100-60 120-40-50 10-80 20-120 40z" fill="#40916c"/></g>`,
  );
  return s;
}

function blossom(rng: Rng): Scene {
  const s = scene();
  s.defs.push(linear("sky", ["#a8d8f0", "#dff1fb", "#fdf0f5"]), linear("grass", ["#9bd17c", "#6fae5a"]));
  s.body.push(
    `<rect width="${S}" height="${S}" fill="url(#sky)"/>`,
    ridge(rng, 680, 30, 3, "#b9dca0"),
    `<rect y="720" width="${S}" height="360" fill="url(#grass)"/>`,
  );
  s.body.push(`<path d="M0 1080q400-200 540-330" stroke="#d9c7a8" stroke-width="60" fill="none"/>`);
  s.body.push(
    `<path d="M520 900q-20-180 10-330M530 620q-80-80-200-100M540 580q80-90 230-110M530 700q60-40 140-40" stroke="#5b3a29" stroke-width="40" fill="none" stroke-linecap="round"/>`,
  );
  const pinks = ["#ffc2d1", "#ffb3c6", "#ff8fab", "#fbe0e8"];
  for (let i = 0; i < 46; i++)
    s.body.push(
      `<circle cx="${between(rng, 180, 900)}" cy="${between(rng, 200, 600)}" r="${between(rng, 50, 110)}" fill="${pinks[between(rng, 0, 3)]}" opacity=".85"/>`,
    );
  for (let i = 0; i < 60; i++)
    s.body.push(
      `<ellipse cx="${between(rng, 0, S)}" cy="${between(rng, 250, 1060)}" rx="8" ry="5" transform="rotate(${between(rng, 0, 180)} 0 0)" fill="#ff8fab" opacity=".7"/>`,
    );
  s.body.push(
    `<g transform="translate(820 860)"><rect x="-90" y="-40" width="180" height="14" rx="6" fill="#8a5a3b"/><rect x="-90" y="-10" width="180" height="14" rx="6" fill="#8a5a3b"/><rect x="-80" y="0" width="12" height="60" fill="#4a3426"/><rect x="68" y="0" width="12" height="60" fill="#4a3426"/></g>`,
  );
  return s;
}

/** Lightens (amount > 0) or darkens a #rrggbb colour. */
function shade(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const channel = (v: number) =>
    Math.max(0, Math.min(255, Math.round(amount > 0 ? v + (255 - v) * amount : v * (1 + amount))));
  return `#${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => channel(v).toString(16).padStart(2, "0")).join("")}`;
}

/** Every generated photo, by file name: the hand-made ones (alice, bob, carol 1–3) are not here. */
const POSTS: Record<string, (rng: Rng) => Scene> = {
  "alice-4": (r) => water(r, { sky: "day", boat: "canoe" }),
  "alice-5": (r) => balloons(r, { sky: "dawn", count: 4 }),
  "alice-6": (r) => forest(r, { season: "fog" }),
  "bob-4": (r) => skyline(r, { sky: "night", rain: false }),
  "bob-5": (r) => bowl(r, { table: "#3b2f2f", kind: "ramen" }),
  "bob-6": (r) => cake(r, { wall: "#e9f1f7", icing: "#fbe2e9", sponge: "#f7c59f", candles: 5, lemon: false }),
  "carol-4": (r) => flowers(r, { kind: "tulips" }),
  "carol-5": (r) => camp(r, { focus: "stars" }),
  "carol-6": (r) => desert(r, { sky: "day", road: false }),
  "dana-1": (r) => mountains(r, { sky: "dawn", snow: true, lake: false }),
  "dana-2": (r) => beach(r, { sky: "day", umbrella: true }),
  "dana-3": (r) => books(r),
  "dana-4": (r) => water(r, { sky: "dusk", boat: "sail" }),
  "dana-5": (r) => mountains(r, { sky: "day", snow: true, lake: true }),
  "eli-1": (r) => skyline(r, { sky: "dusk", rain: false }),
  "eli-2": (r) => cup(r, { kind: "espresso" }),
  "eli-3": (r) => rainWindow(r),
  "eli-4": (r) => bicycle(r),
  "eli-5": (r) => forest(r, { season: "snow" }),
  "farah-1": (r) => desert(r, { sky: "dusk", road: true }),
  "farah-2": (r) => flowers(r, { kind: "sunflowers-field" }),
  "farah-3": (r) => balloons(r, { sky: "day", count: 9 }),
  "farah-4": (r) => cake(r, { wall: "#fff8e1", icing: "#fffbea", sponge: "#f9d976", candles: 0, lemon: true }),
  "farah-5": (r) => beach(r, { sky: "dusk", umbrella: false }),
  "gus-1": (r) => cat(r),
  "gus-2": (r) => camp(r, { focus: "fire" }),
  "gus-3": (r) => mountains(r, { sky: "dusk", snow: false, lake: false, walker: true }),
  "gus-4": (r) => bowl(r, { table: "#d8c3a5", kind: "noodles" }),
  "gus-5": (r) => water(r, { sky: "dusk", boat: "harbour" }),
  "hana-1": (r) => blossom(r),
  "hana-2": (r) => cup(r, { kind: "tea" }),
  "hana-3": (r) => skyline(r, { sky: "grey", rain: true }),
  "hana-4": (r) => forest(r, { season: "autumn" }),
  "hana-5": (r) => mountains(r, { sky: "night", snow: false, lake: true, moon: true }),
};

type Face = {
  bg: [string, string];
  skin: string;
  hair: string;
  hairStyle: "short" | "long" | "bun" | "curly" | "bald";
  shirt: string;
  glasses?: boolean;
  beard?: boolean;
};
const AVATARS: Record<string, Face> = {
  dana: {
    bg: ["#a1c4fd", "#c2e9fb"],
    skin: "#f3cfb3",
    hair: "#c0612b",
    hairStyle: "bun",
    shirt: "#2a9d8f",
    glasses: true,
  },
  eli: {
    bg: ["#84fab0", "#8fd3f4"],
    skin: "#c68e6a",
    hair: "#2b1d16",
    hairStyle: "short",
    shirt: "#264653",
    beard: true,
  },
  farah: { bg: ["#fbc2eb", "#a6c1ee"], skin: "#a8704f", hair: "#1f1410", hairStyle: "long", shirt: "#e76f51" },
  gus: {
    bg: ["#fddb92", "#d1fdff"],
    skin: "#f1c9a5",
    hair: "#d9b26f",
    hairStyle: "curly",
    shirt: "#6d597a",
    beard: true,
  },
  hana: {
    bg: ["#ffecd2", "#fcb69f"],
    skin: "#f0d0b4",
    hair: "#1b1b2f",
    hairStyle: "short",
    shirt: "#457b9d",
    glasses: true,
  },
};

function avatar(username: string, f: Face): string {
  const hairBack = {
    long: `<path d="M66 120c0-62 28-86 62-86s62 24 62 86v96H66z" fill="${f.hair}"/>`,
    bun: `<circle cx="128" cy="46" r="26" fill="${f.hair}"/>`,
    short: "",
    curly: "",
    bald: "",
  }[f.hairStyle];
  const hairFront = {
    long: `<path d="M76 112c4-40 26-60 54-60 30 0 48 22 50 56-26-6-52-20-64-36-8 18-22 32-40 40z" fill="${shade(f.hair, 0.12)}"/>`,
    bun: `<path d="M78 112c2-38 24-60 52-60s50 22 50 58c-30-12-66-14-102 2z" fill="${f.hair}"/>`,
    short: `<path d="M76 112c0-42 24-64 54-64 28 0 50 20 50 60-8-12-22-24-50-26-24 2-40 12-54 30z" fill="${f.hair}"/>`,
    curly: [
      [86, 84],
      [104, 66],
      [128, 60],
      [152, 66],
      [170, 84],
      [78, 104],
      [178, 104],
    ]
      .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="20" fill="${f.hair}"/>`)
      .join(""),
    bald: "",
  }[f.hairStyle];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256"><title>${username}</title><defs>${linear("bg", f.bg, false).replace('x2="0" y2="1"', 'x2="1" y2="1"')}</defs>` +
    `<rect width="256" height="256" fill="url(#bg)"/>${hairBack}<path d="M40 256c4-52 42-80 88-80s84 28 88 80z" fill="${f.shirt}"/><rect x="110" y="146" width="36" height="40" rx="14" fill="${f.skin}"/>` +
    `<ellipse cx="128" cy="116" rx="50" ry="56" fill="${f.skin}"/>${hairFront}` +
    (f.beard ? `<path d="M82 128q2 52 46 56 44-4 46-56-8 22-46 24-38-2-46-24z" fill="${f.hair}" opacity=".9"/>` : "") +
    `<circle cx="110" cy="120" r="5" fill="#2b2230"/><circle cx="146" cy="120" r="5" fill="#2b2230"/>` +
    (f.glasses
      ? `<g fill="none" stroke="#2b2230" stroke-width="4"><circle cx="110" cy="120" r="15"/><circle cx="146" cy="120" r="15"/><path d="M125 120h6"/></g>`
      : "") +
    `<path d="M114 ${f.beard ? 150 : 144}q14 11 28 0" fill="none" stroke="${f.beard ? "#f6e7da" : "#2b2230"}" stroke-width="5" stroke-linecap="round"/>` +
    `<circle cx="98" cy="138" r="8" fill="#ff8fa3" opacity=".35"/><circle cx="158" cy="138" r="8" fill="#ff8fa3" opacity=".35"/></svg>\n`
  );
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

export function renderPost(name: string, caption: string): string {
  const draw = POSTS[name];
  if (!draw) throw new Error(`no scene for ${name}`);
  const s = draw(random(hash(name)));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${S} ${S}" width="${S}" height="${S}"><title>${caption.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</title><defs>${s.defs.join("")}</defs>${s.body.join("")}</svg>\n`;
}

/** Writes the generated images; returns the files written. */
export function writeSeedImages(root: string, force: boolean): string[] {
  const written: string[] = [];
  const write = (file: string, content: string) => {
    if (!force && existsSync(file)) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    written.push(path.relative(root, file));
  };
  for (const user of SEED_USERS) {
    user.posts.forEach((post, i) => {
      const name = `${user.username}-${i + 1}`;
      if (POSTS[name]) write(path.join(root, "public/seed/posts", `${name}.svg`), renderPost(name, post.caption));
      else if (!existsSync(path.join(root, "public/seed/posts", `${name}.svg`)))
        throw new Error(`no scene and no file for ${name}`);
    });
    const face = AVATARS[user.username];
    if (face) write(path.join(root, "public/seed/avatars", `${user.username}.svg`), avatar(user.username, face));
  }
  return written;
}
