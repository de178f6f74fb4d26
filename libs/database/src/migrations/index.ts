import { Foundation1795700000000 } from './1795700000000-foundation.js';

/** Every migration, oldest first. `npm run migration:generate` prints the line to add here. */
export const MIGRATIONS = [Foundation1795700000000];
