// Prints the first-load size of the built app: every file the page loads (html, js, wasm, css),
// raw and gzip -9, against the 200 KB gzip target (aim: 150). A benchmark figure, not a pass/fail gate.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export function bundleSize(dist) {
  const rows = [];
  for (const f of fs.readdirSync(dist)) {
    const ext = path.extname(f);
    if (!['.html', '.js', '.wasm', '.css'].includes(ext)) continue;
    const raw = fs.readFileSync(path.join(dist, f));
    rows.push({ file: f, ext, raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length });
  }
  const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
  return { rows, total };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = path.resolve(process.argv[2] ?? 'dist');
  const { rows, total } = bundleSize(dist);
  for (const r of rows) console.log(`bundle: ${r.file.padEnd(40)} ${String(r.raw).padStart(9)} B raw ${String(r.gzip).padStart(8)} B gzip`);
  console.log(`bench: first load ${(total.raw / 1024).toFixed(1)} KB raw, ${(total.gzip / 1024).toFixed(1)} KB gzip (target <= 200 KB gzip, aim 150)`);
}
