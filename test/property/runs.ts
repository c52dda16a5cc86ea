// How many cases the property tests run: one rule for every file of test/property.
//
// - CI (CI=true, as CI sets it): the full counts, FULL_RUNS (10000) for the provider's props;
// - FC_RUNS=<n>: n in place of FULL_RUNS, anywhere (say FC_RUNS=100000 for a long hunt);
// - neither, as a local `npx projen test` runs: a hundredth of the full counts, a few hundred
//   generated cases in all, so that the whole suite stays quick.
// FC_SEED=<n> changes the seed, which is fixed otherwise so that a failure reproduces.

/** The number the counts of all property tests are derived from (10000 in CI). */
export const FULL_RUNS = 10_000;

const inCi = (process.env.CI ?? '') !== '' && !['false', '0'].includes(process.env.CI!.toLowerCase());

/** The base count of this run: FC_RUNS, else FULL_RUNS in CI, else a hundredth of it. */
export const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : inCi ? FULL_RUNS : FULL_RUNS / 100;

export const SEED = Number(process.env.FC_SEED ?? 20261128);

/** A share of the base count, at least one run. */
export const runs = (fraction: number) => Math.max(1, Math.round(RUNS * fraction));
