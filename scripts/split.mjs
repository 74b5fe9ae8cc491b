// Trunk post_build hook (Trunk.toml [[hooks]], before csp.mjs): split the page's wasm so that
// the code only a click reaches (the `#[wasm_split(<chunk>)]` points, src/ui/components/lazy.rs)
// is fetched when first needed instead of in the first load. docs/wasm-split.md has the why.
//
// trunk has already run wasm-bindgen on cargo's output; that module still imports the split
// points' placeholders and cannot run. This hook starts again from cargo's own output (linked
// with --emit-relocs by build.rs) and replaces trunk's staged js/wasm pair:
//   1. wasm-split-cli: the main module, one split_<chunk>.wasm per chunk (and chunk_<n>.wasm for
//      code two chunks share), and the loader that fetches and links them (it imports the main glue by its name, so --out-name is trunk's);
//   2. wasm-bindgen --keep-lld-exports on the main module (the chunks import its function
//      table, which wasm-bindgen drops without the flag: the chunk would fail on first use);
//   3. wasm-opt -Oz with index.html's data-wasm-opt-params on the main module and each chunk
//      (index.html turns trunk's own wasm-opt off: it would optimise the discarded module);
//   4. the chunks and the loader get content-hashed names, as trunk's files have, and
//      index.html's integrity attributes are recomputed; the loader is preloaded with the glue;
//   5. index.html's inline stylesheet and early.js are minified (esbuild), its comments dropped.
// Other pages built with this Trunk.toml (the bare Yew page) have no replscope-web files and are
// left alone. `node scripts/split.mjs --flags` prints the wasm-opt flags (scripts/dev.sh reads them).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = 'replscope-web';

// index.html's wasm-opt flags (the wasm features the page uses): one reading of them, for this
// hook and for scripts/dev.sh's size breakdown (`--flags`).
export function optFlags(html) {
  const m = html.match(/data-bin="replscope-web"[^>]*data-wasm-opt-params="([^"]*)"/);
  if (!m) throw new Error('split.mjs: index.html has no data-wasm-opt-params on the replscope-web link');
  return m[1].split(/\s+/).filter(Boolean);
}

const sha = (algo, bytes) => createHash(algo).update(bytes).digest();
const hashName = (stem, ext, bytes) => `${stem}-${sha('sha256', bytes).toString('hex').slice(0, 16)}${ext}`;
const integrity = (bytes) => `sha384-${sha('sha384', bytes).toString('base64')}`;

// A tool from PATH, else the project's npm binaryen (wasm-opt), else a clear stop.
function tool(name) {
  const local = path.join(ROOT, 'tests/e2e/node_modules/.bin', name);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  if (fs.existsSync(local)) return local;
  throw new Error(`split.mjs: ${name} is not installed; run 'scripts/dev.sh setup app'`);
}

// The files chunk `name` is fetched as, its own and the shared ones it waits for, read from the
// loader wasm-split-cli wrote (`__wasm_split_load_<name> = … fetch(…"./<file>"…), [deps])`).
export function chunkFiles(loader, name) {
  const file = (body) => body.match(/fetch\(new URL\("\.\/([^"]+\.wasm)"/)[1];
  const load = loader.match(new RegExp(`__wasm_split_load_${name} = wrapAsyncCb\\(makeLoad\\(([\\s\\S]*?)\\n, \\[([^\\]]*)\\]\\)\\)`));
  if (!load) throw new Error(`split.mjs: the loader has no chunk ${name}`);
  const deps = load[2].split(',').map((d) => d.trim()).filter(Boolean).map((dep) => {
    const def = loader.match(new RegExp(`const ${dep} = makeLoad\\(([\\s\\S]*?)\\n, \\[`));
    if (!def) throw new Error(`split.mjs: the loader does not define ${dep}`);
    return file(def[1]);
  });
  return [file(load[1]), ...deps];
}

function minifyJs(js, ...more) {
  return execFileSync(tool('esbuild'), ['--minify', '--loader=js', ...more], { input: js, stdio: ['pipe', 'pipe', 'inherit'] }).toString().trim();
}

function minifyCss(css) {
  return execFileSync(tool('esbuild'), ['--minify', '--loader=css'], { input: css, stdio: ['pipe', 'pipe', 'inherit'] }).toString().trim();
}

function run(cmd, args) {
  execFileSync(tool(cmd), args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function split({ staging, targetDir, profile, sourceHtml }) {
  const staged = fs.readdirSync(staging);
  const js = staged.find((f) => new RegExp(`^${BIN}-[0-9a-f]+\\.js$`).test(f));
  const wasm = staged.find((f) => new RegExp(`^${BIN}-[0-9a-f]+_bg\\.wasm$`).test(f));
  if (!js || !wasm) return null; // another page (the bare Yew one): nothing to split
  const input = path.join(targetDir, 'wasm32-unknown-unknown', profile, `${BIN}.wasm`);
  if (!fs.existsSync(input)) throw new Error(`split.mjs: no cargo output at ${input}`);
  const stem = js.slice(0, -3);
  const work = path.join(targetDir, 'split');
  fs.rmSync(work, { recursive: true, force: true });
  const cut = path.join(work, 'cut');
  const bound = path.join(work, 'bound');
  fs.mkdirSync(bound, { recursive: true });

  run('wasm-split-cli', [input, cut, '--target', 'web', '--out-name', stem]);
  run('wasm-bindgen', [path.join(cut, `${stem}.wasm`), '--out-dir', bound, '--out-name', stem,
    '--target', 'web', '--keep-lld-exports', '--no-typescript']);
  // The main module before wasm-opt, for the size breakdown (scripts/dev.sh wasm-size).
  fs.copyFileSync(path.join(bound, `${stem}_bg.wasm`), path.join(work, 'main.wasm'));
  const flags = optFlags(fs.readFileSync(sourceHtml, 'utf8'));
  const opt = (from, to) => run('wasm-opt', ['-Oz', ...flags, from, '-o', to]);

  opt(path.join(bound, `${stem}_bg.wasm`), path.join(staging, wasm));
  // One split_<chunk>.wasm per chunk, and chunk_<n>.wasm for code two chunks share (fetched
  // with either): named split_shared<n>-<hash>.wasm here, so every chunk reads as one.
  const chunks = fs.readdirSync(cut).filter((f) => /^(split_.*|chunk_\d+)\.wasm$/.test(f)).sort();
  const stemOf = (f) => f.replace(/^chunk_(\d+)\.wasm$/, 'split_shared$1.wasm').slice(0, -5);
  let loader = fs.readFileSync(path.join(cut, '__wasm_split.js'), 'utf8');
  for (const chunk of chunks) {
    const tmp = path.join(work, chunk);
    opt(path.join(cut, chunk), tmp);
    const bytes = fs.readFileSync(tmp);
    const named = hashName(stemOf(chunk), '.wasm', bytes);
    fs.writeFileSync(path.join(staging, named), bytes);
    if (!loader.includes(`"./${chunk}"`)) throw new Error(`split.mjs: the loader does not name ./${chunk}`);
    loader = loader.replaceAll(`"./${chunk}"`, `"./${named}"`);
  }
  const loaderName = hashName('split-loader', '.js', loader);
  fs.writeFileSync(path.join(staging, loaderName), loader);
  // Only the import statements: the wasm's own imports keep the module name "./__wasm_split.js".
  const loaderImport = /^(import \* as \w+ from )(['"])\.\/__wasm_split\.js\2/gm;
  let glue = fs.readFileSync(path.join(bound, `${stem}.js`), 'utf8');
  if (glue.search(loaderImport) < 0) {
    throw new Error('split.mjs: the glue does not import ./__wasm_split.js (wasm-split-cli or wasm-bindgen changed?)');
  }
  glue = glue.replace(loaderImport, `$1'./${loaderName}'`);
  // Minified (esbuild): 9.4 -> 7.2 KB gzip of the first load. Its exports keep their names
  // (the loader imports initSync; scripts/single.mjs finds the default one in `export{...}`).
  fs.writeFileSync(path.join(staging, js), minifyJs(glue, '--format=esm'));

  const file = path.join(staging, 'index.html');
  let html = fs.readFileSync(file, 'utf8');
  const sri = (name) => integrity(fs.readFileSync(path.join(staging, name)));
  for (const name of [js, wasm]) {
    const link = new RegExp(`(<link[^>]*href="\\./${name}"[^>]*integrity=")[^"]*(")`);
    if (!link.test(html)) throw new Error(`split.mjs: index.html has no integrity for ${name}`);
    html = html.replace(link, `$1${sri(name)}$2`);
  }
  // A visit whose first render waits for the engine (a lesson, a step, a link: src/ui/shell.rs)
  // has www/early.js ask for the engine's chunk and the code it shares, with the wasm instead of
  // after it: their names go on early.js's tag (the loader's own fetch then takes the preload).
  const engineFiles = chunkFiles(loader, 'engine');
  const early = /(<script src="\.\/early-[0-9a-f]+\.js")/;
  if (!early.test(html)) throw new Error('split.mjs: index.html has no early.js');
  html = html.replace(early, `$1 data-engine="${engineFiles.join(' ')}"`);
  // The stylesheet trunk inlined (the frame paints with the HTML alone) is in the first load:
  // minified by esbuild (npm), 8.9 -> 6.5 KB gzip. (The glue is minified above.)
  html = html.replace(/<style>([\s\S]*?)<\/style>/, (_, css) => `<style>${minifyCss(css)}</style>`);
  // index.html's comments are for its readers, not the page's: 0.5 KB gzip of the first load.
  html = html.replace(/\s*<!--[\s\S]*?-->/g, '');
  // So is early.js's prose: its shipped copy is minified (0.5 KB gzip), its integrity recomputed.
  const earlyJs = html.match(/<script src="\.\/(early-[0-9a-f]+\.js)"/)[1];
  fs.writeFileSync(path.join(staging, earlyJs), minifyJs(fs.readFileSync(path.join(staging, earlyJs), 'utf8')));
  html = html.replace(new RegExp(`(<script src="\\./${earlyJs}"[^>]*integrity=")[^"]*(")`), `$1${sri(earlyJs)}$2`);
  // The glue imports the loader: preloaded beside it, it costs no round trip of its own.
  const glueLink = html.match(new RegExp(`<link rel="modulepreload" href="\\./${js}"[^>]*>`))[0];
  html = html.replace(glueLink, `${glueLink}\n<link rel="modulepreload" href="./${loaderName}" crossorigin="anonymous" integrity="${sri(loaderName)}">`);
  fs.writeFileSync(file, html);
  const size = (name) => fs.statSync(path.join(staging, name)).size;
  return { main: size(wasm), loader: loaderName, chunks: chunks.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  if (process.argv[2] === '--flags') {
    console.log(optFlags(fs.readFileSync(path.join(ROOT, 'index.html'), 'utf8')).join(' '));
  } else {
    const staging = process.env.TRUNK_STAGING_DIR;
    if (!staging) throw new Error('split.mjs: no TRUNK_STAGING_DIR (run it as a trunk post_build hook)');
    const done = split({
      staging,
      targetDir: path.resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target'),
      profile: process.env.TRUNK_PROFILE === 'debug' ? 'debug' : 'release',
      sourceHtml: process.env.TRUNK_HTML_FILE || path.join(ROOT, 'index.html'),
    });
    if (done) console.log(`split.mjs: main wasm ${done.main} B, ${done.chunks} chunk(s), loader ${done.loader}`);
  }
}
