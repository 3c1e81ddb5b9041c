import type { AlertFacts, WaybillAlertFacts } from '../assignments/alert-facts.js';
import { factsPayload, violationFacts } from './violation-facts.js';

const trip = (over: Partial<WaybillAlertFacts> = {}): WaybillAlertFacts => ({
  id: 'w1',
  number: 'DG20261208000001X',
  status: 'loaded',
  consignor: { id: 'e1', name: '无锡锡化化工有限公司' },
  carrier: { id: 'e2', name: '无锡安运危险品运输有限公司' },
  consignee: { id: 'e3', name: '江阴澄星贸易有限公司' },
  loadingFacility: { id: 'f1', name: '锡化一号罐区' },
  unloadingFacility: { id: 'f2', name: '澄星仓库' },
  route: { id: 'r1', name: 'S228 锡澄线' },
  items: [
    {
      chemicalId: 'c1',
      name: '甲醇',
      unNumber: '1230',
      properShippingName: '甲醇',
      unClass: '3',
      packingGroup: 'II',
      quantityKg: 10_000,
    },
  ],
  driver: { id: 'p1', name: '王建国', idNumber: '320211198001011234', phone: '13912345678' },
  escort: null,
  ...over,
});

const assignment = (waybill: WaybillAlertFacts | null, plate: string | null = '苏B12345') => ({
  waybillId: waybill?.id ?? null,
  alertFacts: { plate, plateColour: 2, routeName: 'S228 锡澄线', waybill } satisfies AlertFacts,
});

const noVehicle = { plate: null, plateColour: null };

describe('violation facts', () => {
  it('takes the trip from the assignment when the violation is that trip’s', () => {
    const f = violationFacts(assignment(trip()), 'w1', noVehicle, { kind: 'route', name: 'S228 锡澄线' });
    expect(f).toEqual({ plate: '苏B12345', plateColour: 2, targetName: 'S228 锡澄线', waybill: trip() });
  });

  it('names no trip when the assignment now holds another waybill, or none', () => {
    expect(violationFacts(assignment(trip()), 'w2', noVehicle, { kind: 'zone', name: 'Z' }).waybill).toBeNull();
    expect(violationFacts(assignment(trip()), null, noVehicle, { kind: 'zone', name: 'Z' }).waybill).toBeNull();
  });

  it('falls back to the registry’s plate for a vehicle with no assignment', () => {
    const f = violationFacts(undefined, null, { plate: '苏B99999', plateColour: 1 }, { kind: null, name: null });
    expect(f).toEqual({ plate: '苏B99999', plateColour: 1, targetName: null, waybill: null });
  });

  it('names a NOT_DEPARTED alert by its waybill number', () => {
    expect(violationFacts(assignment(trip()), 'w1', noVehicle, { kind: 'waybill', name: null }).targetName).toBe(
      'DG20261208000001X',
    );
  });

  it('keeps the payload shape receivers read, names beside ids, and names no crew it does not have', () => {
    const p = factsPayload(violationFacts(assignment(trip()), 'w1', noVehicle, { kind: 'route', name: 'R' }));
    expect(p).toMatchObject({
      plate: '苏B12345',
      plateColour: 2,
      targetName: 'R',
      waybill: {
        number: 'DG20261208000001X',
        status: 'loaded',
        consignorId: 'e1',
        consignorName: '无锡锡化化工有限公司',
        carrierId: 'e2',
        consigneeId: 'e3',
        routeId: 'r1',
        routeName: 'S228 锡澄线',
        items: [expect.objectContaining({ chemicalId: 'c1', name: '甲醇', unNumber: '1230' })],
      },
      driverId: 'p1',
      driver: { id: 'p1', name: '王建国', idNumber: '320211198001011234', phone: '13912345678' },
    });
    expect(p).not.toHaveProperty('escort');
    expect(p).not.toHaveProperty('escortId');
    expect(factsPayload(null)).toEqual({});
  });
});
