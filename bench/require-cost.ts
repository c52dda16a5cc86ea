// One measured run: the wall time, in a fresh process, of loading a module and the class a user
// takes from it (aws-cdk-lib's modules load their classes lazily, on first access).
import { performance } from 'perf_hooks';

const [path, className] = [process.argv[2], process.argv[3]];
const start = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- require() itself is what is measured
const loaded = require(path)[className];
const ms = performance.now() - start;
if (typeof loaded !== 'function') throw new Error(`${path} has no class ${className}`);
console.log(JSON.stringify({ ms }));
