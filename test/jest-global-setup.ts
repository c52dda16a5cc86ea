export { setup as default } from './jest-outdir';
