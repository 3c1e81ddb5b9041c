import type { MigrationClass } from '@lib/platform';
import { Platform1795910400000 } from './1795910400000-platform.js';

/** Every migration, in order. A new migration is added here as well as in its own file. */
export const migrations: MigrationClass[] = [Platform1795910400000];
