// FNV-1a 64 of a file's bytes, printed as 16 hex digits: the native half of the wasm
// "same scenario, same trace" test (tests/wasm.rs hashes its own trace JSON the same way).
import fs from 'node:fs';
const bytes = fs.readFileSync(process.argv[2]);
let h = 0xcbf29ce484222325n;
const prime = 0x100000001b3n, mask = (1n << 64n) - 1n;
for (const b of bytes) { h ^= BigInt(b); h = (h * prime) & mask; }
console.log(h.toString(16).padStart(16, '0'));
