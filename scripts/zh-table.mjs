// Writes the page's Chinese table, zh.txt, from src/ui/i18n/zh.rs (the one source of truth, whose
// native tests check it) in the order of src/ui/i18n/keys.rs. The page fetches it only when its
// language is Chinese (src/ui/i18n/table.rs reads it; the format is described there).
//   node scripts/zh-table.mjs [OUT]   OUT "-" is stdout; default $TRUNK_STAGING_DIR/zh.txt
// (a trunk post_build hook, Trunk.toml). Fails on a key missing from zh.rs, an unknown one, or a
// text written in a way this reader does not take (one `K::Name => "text",` per line).
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = (f) => fs.readFileSync(path.join(ROOT, 'src/ui/i18n', f), 'utf8');

export function table() {
  const block = src('keys.rs').match(/\nkeys! \{([\s\S]*?)\n\}/);
  if (!block) throw new Error('keys.rs: no `keys! { ... }` block');
  const names = block[1].replace(/\/\/.*$/gm, '').split(',').map((s) => s.trim()).filter(Boolean);
  const texts = new Map();
  for (const [n, line] of src('zh.rs').split('\n').entries()) {
    if (!/^\s*K::/.test(line)) continue;
    const m = line.match(/^\s*K::(\w+) => ("(?:[^"\\]|\\[nt"\\])*"),\s*$/);
    if (!m) throw new Error(`zh.rs:${n + 1}: not one \`K::Name => "text",\` line: ${line.trim()}`);
    // The escapes allowed above mean the same in Rust and JSON.
    texts.set(m[1], JSON.parse(m[2]));
  }
  const missing = names.filter((k) => !texts.has(k));
  const unknown = [...texts.keys()].filter((k) => !names.includes(k));
  if (missing.length || unknown.length) throw new Error(`zh.rs: missing ${missing.join(', ') || '-'}; unknown ${unknown.join(', ') || '-'}`);
  // FNV-1a 64 of the names, each followed by a newline (table.rs, `fingerprint`).
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(names.map((k) => `${k}\n`).join(''))) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  const esc = (s) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `replscope-zh-CN ${names.length} ${h.toString(16).padStart(16, '0')}\n${names.map((k) => `${k}\t${esc(texts.get(k))}\n`).join('')}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const out = process.argv[2] ?? (process.env.TRUNK_STAGING_DIR && path.join(process.env.TRUNK_STAGING_DIR, 'zh.txt'));
  if (!out) throw new Error('zh-table.mjs: give an output file (or "-"), or run it as a trunk hook');
  const text = table();
  if (out === '-') process.stdout.write(text);
  else {
    fs.writeFileSync(out, text);
    console.log(`zh-table.mjs: ${out}: ${text.split("\n").length - 2} texts, ${Buffer.byteLength(text)} bytes`);
  }
}
