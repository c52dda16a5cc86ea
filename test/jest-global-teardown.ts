export { teardown as default } from './jest-outdir';
