import type { PersonView, VehicleView } from '@lib/registry';
import { busyAssets } from './assets.js';
import type { Resolved } from './context.js';

const vehicle = (carrierId: string) => ({ id: 'v1', plate: '苏B12345', carrierId }) as unknown as VehicleView;
const person = (employerId: string) => ({ id: 'd1', name: '张三', employerId }) as unknown as PersonView;
const resolved = (over: Partial<Resolved>): Resolved => ({
  chemicals: new Map(),
  wasteLots: new Map(),
  busy: [],
  ...over,
});

describe('busy vehicle and crew (one trip at a time)', () => {
  it("reports the carrier's own vehicle and driver busy, naming its own trip", () => {
    const r = resolved({
      vehicle: vehicle('carrier-a'),
      driver: person('carrier-a'),
      busy: [
        { kind: 'vehicle', waybillId: 'w-own', own: true },
        { kind: 'driver', waybillId: 'w-other', own: false },
      ],
    });
    expect(busyAssets({ carrierId: 'carrier-a' }, r)).toEqual([
      { path: 'vehicleId', rule: 'VEHICLE_BUSY', message: 'the vehicle is on another active waybill (w-own)' },
      { path: 'driverId', rule: 'DRIVER_BUSY', message: 'the driver is on another active waybill' },
    ]);
  });

  it("says nothing of another carrier's vehicle or driver: whether it is on the road is not the submitter's to learn", () => {
    const r = resolved({
      vehicle: vehicle('carrier-b'),
      escort: person('carrier-b'),
      busy: [
        { kind: 'vehicle', waybillId: 'w1', own: false },
        { kind: 'escort', waybillId: 'w1', own: false },
      ],
    });
    expect(busyAssets({ carrierId: 'carrier-a' }, r)).toEqual([]);
  });
});
