/**
 * Movement types: each row of the ledger is one leg, a signed change of one facility's stock of
 * one lot. Operations that touch two facilities or two lots write two legs with one group id.
 */
export const MOVEMENT_TYPES = [
  'produce', // + 生产
  'receive', // + 入库 (from a shipment, or from outside the system)
  'ship', // − 出库 for road transport to another enterprise
  'transfer_out', // − between two facilities of one enterprise
  'transfer_in', // +
  'use', // − consumed in a process 使用
  'sell', // − change of owner 销售 (paired with buy)
  'buy', // + 购买
  'waste_generate', // − on the product lot, + on the new waste lot (becomes hazardous waste)
  'waste_transfer', // − waste leaves the generator on a manifest (危险废物转移联单)
  'waste_receive', // + waste arrives at the licensed disposer
  'waste_return', // + a rejected manifest returns the waste to its generator
  'dispose', // − 处置: incineration, landfill, recovery, physico-chemical
  'loss', // − with a reason
  'adjust', // ± after a stock count, citing it
  'split', // − on the source lot, + on each new lot
  'merge', // − on each source lot, + on the new lot
  'reversal', // the opposite of a movement it points at
] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/** What a client may ask for at POST /v1/movements (the rest are written by pairs and manifests). */
export const OPERATIONS = [
  'produce',
  'receive',
  'ship',
  'transfer',
  'use',
  'sell',
  'waste_generate',
  'dispose',
  'loss',
  'adjust',
  'split',
  'merge',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const UNITS = ['kg', 't', 'L', 'm3'] as const;
export type Unit = (typeof UNITS)[number];

export const DISPOSAL_METHODS = ['incineration', 'landfill', 'recovery', 'physico_chemical'] as const;
export type DisposalMethod = (typeof DISPOSAL_METHODS)[number];

/** Types that take material out of the world for good. */
export const SINK_TYPES: ReadonlySet<string> = new Set(['use', 'dispose', 'loss']);
