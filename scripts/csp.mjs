// Trunk post_build hook (Trunk.toml [[hooks]]): give the page a Content-Security-Policy that
// allows scripts from its own origin only. Trunk writes its wasm loader as an inline
// <script type="module">; this moves every inline script of the staged index.html into a file
// named by its content's hash, and adds the policy as the first thing in <head>, so `build`,
// `serve` and the tests all ship the same page; it also moves trunk's preload links up (`preloadEarly`).
// Runs with node, no dependencies.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

// What the page needs and no more: its own scripts and WebAssembly.instantiate
// ('wasm-unsafe-eval'), its own styles (plus style attributes the SVG drawing sets), its own
// lessons and files (fetch), data: for the inline icon, blob: for exports. Nothing from another
// origin, no plugins, no <base> rewriting, no form posts.
export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function externalise(html, write) {
  const moved = [];
  let out = html.replace(/<script(\s+type="module")?\s*>([\s\S]*?)<\/script>/g, (whole, module, body) => {
    if (!body.trim()) return whole;
    const name = `boot-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`;
    write(name, body);
    moved.push(name);
    // Relative to the page, so a sub-path deployment finds it beside index.html.
    return `<script${module ?? ''} src="./${name}"></script>`;
  });
  const meta = `<meta http-equiv="Content-Security-Policy" content="${POLICY}" />`;
  // Idempotent: a page already given a policy gets this one instead.
  out = out.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/g, '');
  // After <meta charset> (which must come first), else at the top of <head>.
  const placed = /<meta charset="[^"]*"\s*\/?>/.test(out)
    ? out.replace(/(<meta charset="[^"]*"\s*\/?>)/, `$1\n    ${meta}`)
    : out.replace(/<head>/, `<head>\n    ${meta}`);
  return { html: placed, moved };
}

// trunk writes the wasm's and its JS's preload links at the end of <head>, where Chromium asked
// for them only once a blocking script above had arrived: on a 300 ms round trip the wasm, the
// page's critical path, left about 200 ms late. They go before the first script instead.
export function preloadEarly(html) {
  const links = html.match(/<link rel="(?:modulepreload|preload)"[^>]*>/g) ?? [];
  if (!links.length) return html;
  let out = html;
  for (const link of links) out = out.replace(link, '');
  const first = out.search(/<script[\s>]/);
  if (first < 0) return html;
  return `${out.slice(0, first)}${links.join('\n    ')}\n    ${out.slice(first)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const dir = process.env.TRUNK_STAGING_DIR || process.argv[2];
  if (!dir) throw new Error('csp.mjs: no TRUNK_STAGING_DIR (run it as a trunk post_build hook, or pass the dist folder)');
  const file = path.join(dir, 'index.html');
  const { html, moved } = externalise(readFileSync(file, 'utf8'), (name, body) => writeFileSync(path.join(dir, name), body));
  writeFileSync(file, preloadEarly(html));
  console.log(`csp.mjs: ${moved.length} inline script(s) moved to ${moved.join(', ') || '-'}; policy added`);
}
