// One self-contained HTML file from a release build (scripts/dev.sh single): the CSS, the
// wasm-bindgen glue, the wasm module and its split chunks (base64) inlined, so the page opens
// from file:// with no server and asks the network for nothing. What the served page fetches when needed (the
// scenario files, the Chinese table zh.txt: src/ui/ondemand.rs) is inlined as text the page reads
// instead: a <script type="text/plain" id="scn-<name>"> per file and one id="replscope-zh".
//   node scripts/single.mjs <dist dir> <output .html>
import fs from 'node:fs';
import path from 'node:path';

const [dist, out] = process.argv.slice(2);
if (!dist || !out) {
  console.error('usage: node scripts/single.mjs <dist dir> <output .html>');
  process.exit(2);
}
const read = (name) => fs.readFileSync(path.join(dist, name));
let html = read('index.html').toString();
const must = (m, what) => {
  if (!m) throw new Error(`${dist}/index.html: no ${what} (was it built by trunk with this index.html?)`);
  return m;
};
// A script body must not close its own <script> element early.
const safe = (text) => text.replace(/<\/(script)/gi, '<\\/$1');

// The stylesheet is inline in index.html itself (its frame paints with the HTML alone); a
// linked one would be a request the single file must not make.
if (/<link rel="stylesheet"/.test(html)) throw new Error('single.mjs: index.html links a stylesheet; keep it inline (trunk rel="inline")');
html = html.replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, '');

// The loader trunk wrote is a file since the page has a Content-Security-Policy
// (scripts/csp.mjs moves inline scripts out); an older build may still have it inline.
const bootTag = must(html.match(/<script type="module"(?: src="(?:\.\/)?([^"]+)")?>([\s\S]*?)<\/script>/), 'module script');
const bootText = bootTag[1] ? read(bootTag[1]).toString() : bootTag[2];
const boot = [bootTag[0], bootText];
const js = must(bootText.match(/from '(?:\.\/|\/)?([^']+\.js)'/), 'glue import')[1];
const wasm = must(bootText.match(/module_or_path: '(?:\.\/|\/)?([^']+\.wasm)'/), 'wasm path')[1];
// Classic scripts trunk copied (the internal-error handler): inlined too.
html = html.replace(/<script src="(?:\.\/|\/)?([^"]+\.js)"[^>]*><\/script>/g, (tag, name) => `<script>\n${safe(read(name).toString())}\n</script>`);
// The glue is minified (scripts/split.mjs): its init function is the one `export{...}` names
// `default`, and the statement goes (this script is not a module anyone imports).
let glue = read(js).toString();
const exported = must(glue.match(/export\s*\{([^}]*)\};?\s*$/), 'export list in the glue');
const exports = exported[1].split(',').map((e) => e.trim().split(/\s+as\s+/)).map(([local, name]) => [local, name ?? local]);
const init = must(exports.find(([, name]) => name === 'default'), 'default export in the glue')[0];
// The loader below calls the glue's initSync by its exported name.
glue = glue.slice(0, exported.index) + exports.filter(([local, name]) => name !== 'default' && name !== local).map(([local, name]) => `const ${name} = ${local};`).join('\n');
// The wasm's split chunks (scripts/split.mjs): the glue imports their loader as a module, and the
// loader fetches each chunk by URL, neither of which a file:// page may do. The loader goes into
// the same script (its exports become an object the glue's import names are bound to) and each
// chunk's fetch becomes a Response made from its inlined bytes.
const importOf = /import\s*\*\s*as\s*(\w+)\s*from\s*(['"])\.\/([^'"]+\.js)\2;?/g;
const loaderImports = [...glue.matchAll(importOf)];
let split = '';
if (loaderImports.length) {
  const loaderFile = loaderImports[0][3];
  if (loaderImports.some((m) => m[3] !== loaderFile)) throw new Error('single.mjs: the glue imports more than one module');
  glue = glue.replace(importOf, '');
  if (/\bimport\s*[\w*{]/.test(glue.replace(/import\.meta/g, ''))) throw new Error('single.mjs: the glue has an import this script does not inline');
  let loader = read(loaderFile).toString().replace(/^import \{ initSync \} from "[^"]+";\s*$/m, '');
  const names = [...loader.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
  loader = loader.replace(/^export const /gm, 'const ');
  loader = loader.replace(/fetch\(new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)\)/g, (_, chunk) =>
    `Promise.resolve(new Response(Uint8Array.from(atob("${read(chunk).toString('base64')}"), (c) => c.charCodeAt(0)), { headers: { "Content-Type": "application/wasm" } }))`);
  if (/import\.meta|^import |^export /m.test(loader)) throw new Error(`single.mjs: ${loaderFile} has an import or a URL this script does not rewrite`);
  split = `const __replscopeSplit = (() => {\n${loader}\nreturn { ${names.join(', ')} };\n})();\n`
    + [...new Set(loaderImports.map((m) => m[1]))].map((name) => `const ${name} = __replscopeSplit;`).join('\n');
}
const b64 = read(wasm).toString('base64');
const script = `<script type="module">
${safe(glue)}
${safe(split)}
const __replscopeBytes = Uint8Array.from(atob("${b64}"), (c) => c.charCodeAt(0));
const __replscopeWasm = await ${init}({ module_or_path: __replscopeBytes });
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm: __replscopeWasm } }));
</script>`;
html = html.replace(boot[0], () => script);
// Never run (type text/plain), so the Content-Security-Policy has nothing to allow for them.
// Its text is read as written (no entities), so one that would end the element early is refused.
const plain = (id, text) => {
  if (/<\/script|<!--/i.test(text)) throw new Error(`${id}: holds "</script" or "<!--", which cannot be inlined as it is`);
  return `<script type="text/plain" id="${id}">${text}</script>\n`;
};
let onDemand = plain('replscope-zh', read('zh.txt').toString());
for (const f of fs.readdirSync(path.join(dist, 'scenarios')).filter((f) => f.endsWith('.scn')).sort()) {
  onDemand += plain(`scn-${f.slice(0, -4)}`, read(path.join('scenarios', f)).toString());
}
// In <head>, before its first script: Yew empties <body> when it mounts the app, and
// www/early.js (which would otherwise fetch these texts) looks for them when it runs.
const firstScript = must(html.match(/<script[\s>]/), 'a script in <head>').index;
html = html.slice(0, firstScript) + onDemand + html.slice(firstScript);
// The same Content-Security-Policy, its scripts now allowed by their hashes (a file opened from
// file:// has no origin of its own to allow them by).
const { createHash } = await import('node:crypto');
const hashes = [...html.matchAll(/<script(?: type="module")?>([\s\S]*?)<\/script>/g)]
  .map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
html = html.replace(/(<meta http-equiv="Content-Security-Policy" content="[^"]*script-src )'self'/, `$1${hashes.join(' ')}`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, html);
const kb = (n) => (n / 1024).toFixed(1);
const gz = (await import('node:zlib')).gzipSync(html).length;
console.log(`single file: ${out}: ${kb(html.length)} KB (${kb(gz)} KB gzip)`);
