// Prints the first-load size of the built app: every file the page loads (html, js, wasm, css),
// raw and gzip -9, against the 200 KB gzip target (aim: 150), and apart from it the files the
// page loads only when needed (zh.txt, scenarios/*.scn, the wasm's split chunks split_*.wasm).
// A benchmark figure, not a pass/fail gate.
// Given a second argument (a copy of the same wasm with its names kept, see scripts/dev.sh
// wasm_size) and twiggy on the PATH, it also says where the wasm's bytes go: the 15 largest items
// and a per-crate rollup, by shallow size (an item's own bytes, raw, before gzip), so a regression
// has a name.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';

export function bundleSize(dist) {
  const rows = [];
  for (const f of fs.readdirSync(dist)) {
    const ext = path.extname(f);
    if (!['.html', '.js', '.wasm', '.css'].includes(ext)) continue;
    if (isChunk(f)) continue;
    const raw = fs.readFileSync(path.join(dist, f));
    rows.push({ file: f, ext, raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length });
  }
  const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
  return { rows, total };
}

// The wasm's split chunks (scripts/split.mjs): each is fetched after the first render, when a
// view of it is first shown (src/ui/components/lazy.rs); tests/e2e/split.test.mjs checks that
// none is asked for before the page answers its first click.
export const isChunk = (f) => /^split_.*\.wasm$/.test(f);

// What the page fetches only when needed (src/ui/ondemand.rs), not part of the first load: the
// Chinese table (zh.txt, when the language is Chinese), each scenario file (when its lesson
// is opened) and the wasm's chunks.
export function onDemandSize(dist) {
  const files = ['zh.txt', ...fs.readdirSync(dist).filter(isChunk).sort()];
  const scn = path.join(dist, 'scenarios');
  if (fs.existsSync(scn)) files.push(...fs.readdirSync(scn).filter((f) => f.endsWith('.scn')).sort().map((f) => `scenarios/${f}`));
  return files.filter((f) => fs.existsSync(path.join(dist, f))).map((file) => {
    const raw = fs.readFileSync(path.join(dist, file));
    return { file, raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length };
  });
}

// One CSV record of twiggy's output: a quoted field may hold commas and doubled quotes.
function csvRecord(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') { v += '"'; i += 2; } else if (line[i] === '"') { i++; break; } else v += line[i++];
      }
      out.push(v);
      i++; // the comma
    } else {
      const j = line.indexOf(',', i);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

// A symbol without rustc's crate hashes ("yew[98020e104c5f2618]::" -> "yew::").
export const plainName = (name) => name.replace(/\[[0-9a-f]{8,}\]/g, '');

// The crate an item belongs to: the first path segment of its symbol (for `<A as B>::f` and
// `<A<T>>::f`, the crate of A, where the code was written); this crate's own items by module
// (`replscope::ui::components::topology`), data segments and wasm sections apart.
export function crateOf(name) {
  const n = plainName(name);
  if (n.startsWith('data segment')) return '(data segments: strings, tables, embedded scenario files)';
  if (/^"?[a-z ]+"? ?(sub)?section/.test(n) || n.startsWith('"')) return '(wasm sections)';
  const bare = n.replace(/^[<&(*]+/, '').replace(/^(mut|const|dyn) /, '').replace(/^[<&(*]+/, '');
  const m = bare.match(/^([A-Za-z_][A-Za-z0-9_]*)/);
  if (!m) return '(other)';
  if (m[1] === 'replscope') {
    const mod = bare.match(/^replscope::(ui::components::[a-z_]+|[a-z_]+::[a-z_]+|[a-z_]+)/);
    return mod ? `replscope::${mod[1]}` : 'replscope';
  }
  return m[1];
}

// twiggy's items of a wasm with names. Name sections are dropped: the shipped wasm has none.
export function wasmItems(namedWasm) {
  const csv = execFileSync('twiggy', ['top', '--format', 'csv', namedWasm], { maxBuffer: 1 << 28 }).toString();
  const items = [];
  for (const line of csv.split('\n').slice(1)) {
    if (!line) continue;
    const [name, shallow] = csvRecord(line);
    if (/names" subsection|custom section/.test(name)) continue;
    items.push({ name, shallow: Number(shallow) });
  }
  return items;
}

export function rollup(items) {
  const by = new Map();
  for (const it of items) {
    const k = crateOf(it.name);
    const e = by.get(k) ?? { crate: k, shallow: 0, items: 0 };
    e.shallow += it.shallow;
    e.items += 1;
    by.set(k, e);
  }
  return [...by.values()].sort((a, b) => b.shallow - a.shallow);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const short = (s, n = 110) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = path.resolve(process.argv[2] ?? 'dist');
  const { rows, total } = bundleSize(dist);
  for (const r of rows) console.log(`bundle: ${r.file.padEnd(40)} ${String(r.raw).padStart(9)} B raw ${String(r.gzip).padStart(8)} B gzip`);
  console.log(`bench: first load ${(total.raw / 1024).toFixed(1)} KB raw, ${(total.gzip / 1024).toFixed(1)} KB gzip (target <= 200 KB gzip, aim 150)`);
  for (const r of onDemandSize(dist)) console.log(`bench: loaded when needed: ${r.file.padEnd(52)} ${String(r.raw).padStart(7)} B raw ${String(r.gzip).padStart(6)} B gzip`);
  const named = process.argv[3];
  if (!named) {
    console.log('bench: wasm breakdown: not measured (needs twiggy and the named wasm: scripts/dev.sh wasm-size)');
  } else {
    const items = wasmItems(named);
    const sum = items.reduce((a, it) => a + it.shallow, 0);
    console.log(`bench: wasm breakdown by shallow size (own bytes, raw, before gzip) of ${items.length} items, ${kb(sum)} in all:`);
    items.slice(0, 15).forEach((it, i) =>
      console.log(`bench: wasm top ${String(i + 1).padStart(2)}: ${String(it.shallow).padStart(7)} B ${((100 * it.shallow) / sum).toFixed(1).padStart(4)} %  ${short(plainName(it.name))}`),
    );
    for (const c of rollup(items).slice(0, 15)) {
      console.log(`bench: wasm crate: ${String(c.shallow).padStart(7)} B ${((100 * c.shallow) / sum).toFixed(1).padStart(4)} %  ${c.crate} (${c.items} items)`);
    }
  }
}
