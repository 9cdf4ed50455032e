export type { CliContext } from './command';
export { main } from './main';
