import type { Operation } from '../../vocabulary.js';
import { adjust } from './adjust.js';
import type { OperationBuilder } from './context.js';
import { dispose } from './dispose.js';
import { loss } from './loss.js';
import { merge } from './merge.js';
import { produce } from './produce.js';
import { receive } from './receive.js';
import { sell } from './sell.js';
import { ship } from './ship.js';
import { split } from './split.js';
import { transfer } from './transfer.js';
import { use } from './use.js';
import { wasteGenerate } from './waste-generate.js';

export type { OperationBuild, OperationBuilder, OperationContext } from './context.js';
export { OperationKit } from './kit.js';

/** Each operation a client may ask for, and the one file that turns it into legs. */
export const OPERATION_BUILDERS: Record<Operation, OperationBuilder> = {
  produce,
  receive,
  ship,
  transfer,
  use,
  sell,
  waste_generate: wasteGenerate,
  dispose,
  loss,
  adjust,
  split,
  merge,
};
