// One measured run: the wall time of require() of one module in a fresh process.
import { performance } from 'perf_hooks';

const start = performance.now();
require(process.argv[2]);
console.log(JSON.stringify({ ms: performance.now() - start }));
