import { type Agency, reaches } from '@lib/platform';
import { AgencyReads, readGrants } from './read-grants.js';
import { DEFAULT_POLICY, policyProblems, type SharingPolicy } from './sharing-policy.js';

const readsOf = (policy: SharingPolicy, agency: Agency, escalated: string[] = []): AgencyReads =>
  new AgencyReads(agency, 7, readGrants(policy, agency), escalated);

const person = {
  id: 'p1',
  name: '王师傅',
  idNumber: '320102198001011234',
  phone: '13912345678',
  masked: false,
  role: 'driver',
};

describe('REST reads under the sharing policy', () => {
  it.each([
    // agency, positions, tracks, violations, waybills, crew: what the plan gives each agency
    ['police', true, true, true, 'all', true],
    ['transport', true, true, true, 'all', true],
    ['emergency', false, false, true, 'with-discrepancy', false],
    ['market', false, false, false, 'with-discrepancy', false],
    ['ecology', false, false, false, 'none', false],
  ] as const)(
    'gives %s by default: positions %s, tracks %s, violations %s, waybills %s, crew %s',
    (agency, ...want) => {
      const r = readsOf(DEFAULT_POLICY, agency);
      expect([r.may('positions'), r.may('tracks'), r.may('violations'), r.waybills, r.may('crew')]).toEqual(want);
    },
  );

  it('refuses a resource the policy does not give, naming the agency, the resource and the policy version', () => {
    const market = readsOf(DEFAULT_POLICY, 'market');
    expect(() => market.require('positions')).toThrow(
      expect.objectContaining({ code: 'READ_NOT_GRANTED', status: 403, detail: expect.stringMatching(/version 7/) }),
    );
    expect(() => market.shape('crew', person)).toThrow(expect.objectContaining({ code: 'READ_NOT_GRANTED' }));
  });

  it('reaches the violations whose alert the agency receives, and those escalated to it', () => {
    const police = readsOf(DEFAULT_POLICY, 'police').violations;
    expect(reaches(police, { id: 'a', rule: 'ROUTE_DEVIATION', severity: 'low' })).toBe(true);
    expect(reaches(police, { id: 'b', rule: 'OVERSPEED', severity: 'critical' })).toBe(false);
    const emergency = readsOf(DEFAULT_POLICY, 'emergency', ['c']).violations;
    expect(reaches(emergency, { id: 'c', rule: 'OVERSPEED', severity: 'medium' })).toBe(true);
    expect(reaches(emergency, { id: 'd', rule: 'ROUTE_DEVIATION', severity: 'critical' })).toBe(false);
    // Escalations to an agency whose policy no longer covers violation.escalated give it nothing.
    expect(readsOf(DEFAULT_POLICY, 'market', ['c']).violations.escalatedIds).toEqual([]);
    const strict = structuredClone(DEFAULT_POLICY);
    strict.agencies.transport.alerts.minSeverity = 'high';
    expect(readsOf(strict, 'transport').violations).toMatchObject({ rules: null, severities: ['high', 'critical'] });
  });

  it('shows crew in clear only where every crew-carrying rule does: police in clear, transport phones only', () => {
    expect(readsOf(DEFAULT_POLICY, 'police').shape('crew', person)).toEqual(person);
    expect(readsOf(DEFAULT_POLICY, 'transport').shape('crew', person)).toEqual({
      ...person,
      idNumber: '320***********1234',
      masked: true,
    });
    const escort = { ...person, role: 'escort' };
    const mixed = structuredClone(DEFAULT_POLICY);
    mixed.agencies.police.events[0]!.unmasked = ['driver.idNumber', 'driver.phone'];
    expect(readsOf(mixed, 'police').shape('crew', person)).toMatchObject({ masked: false });
    expect(readsOf(mixed, 'police').shape('crew', escort)).toMatchObject({
      idNumber: '320***********1234',
      phone: '139****5678',
      masked: true,
    });
  });

  it('keeps only the fields a rule gives, and always the id', () => {
    const narrow = structuredClone(DEFAULT_POLICY);
    narrow.agencies.transport.events[0]!.fields = ['rule', 'severity'];
    narrow.agencies.transport.reads = [{ resources: ['positions'], fields: ['ts', 'lon', 'lat'] }];
    const transport = readsOf(narrow, 'transport');
    expect(transport.shape('violations', { id: 'v', rule: 'OVERSPEED', severity: 'low', points: [] })).toEqual({
      id: 'v',
      rule: 'OVERSPEED',
      severity: 'low',
    });
    expect(
      transport.shape('positions', { vehicleId: 'x', ts: 't', lon: 1, lat: 2, speedKmh: 50, openRules: ['A'] }),
    ).toEqual({ vehicleId: 'x', ts: 't', lon: 1, lat: 2 });
    expect(transport.may('tracks')).toBe(false);
    expect(transport.whole('waybills')).toBe(true);
    expect(transport.whole('violations')).toBe(false);
  });

  it('shows a waybill to a reader of waybill.discrepancy alone as that event does: number, parties, lines', () => {
    const waybill = {
      id: 'w',
      number: 'WB1',
      status: 'closed',
      content: { driverId: 'd', vehicleId: 'v' },
      parties: { consignorId: 'a', carrierId: 'b', consigneeId: 'c' },
      discrepancy: [{ line: 1, differenceKg: 200 }],
    };
    expect(readsOf(DEFAULT_POLICY, 'market').shape('waybills', waybill)).toEqual({
      id: 'w',
      number: 'WB1',
      parties: waybill.parties,
      discrepancy: waybill.discrepancy,
    });
    expect(readsOf(DEFAULT_POLICY, 'market').whole('waybills')).toBe(false);
    expect(readsOf(DEFAULT_POLICY, 'police').shape('waybills', waybill)).toEqual(waybill);
  });

  it('draws no track line for a reader not given the points’ positions', () => {
    const track = {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [[120.3, 31.5]] },
      properties: { vehicleId: 'x', points: [{ ts: 't', lon: 120.3, lat: 31.5, speedKmh: 40 }] },
    };
    const slow = structuredClone(DEFAULT_POLICY);
    slow.agencies.police.reads = [{ resources: ['tracks'], fields: ['speedKmh'] }];
    expect(readsOf(slow, 'police').shape('tracks', track)).toEqual({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [] },
      properties: { vehicleId: 'x', points: [{ ts: 't', speedKmh: 40 }] },
    });
  });

  it('names every problem of a reads list', () => {
    // oxlint-disable-next-line typescript/no-explicit-any -- a deliberately malformed document
    const broken = structuredClone(DEFAULT_POLICY) as unknown as Record<string, any>;
    broken.agencies.market.reads = [{ resources: ['positions', 'violations', 'radar'], fields: ['lon', 'a.b'] }, 7];
    broken.agencies.ecology.reads = 'positions';
    expect(policyProblems(broken).map((p) => `${p.path} ${p.rule}`)).toEqual([
      'agencies.market.reads[0].resources[1] UNKNOWN_READ_RESOURCE',
      'agencies.market.reads[0].resources[2] UNKNOWN_READ_RESOURCE',
      'agencies.market.reads[0].fields[1] BAD_FIELD',
      'agencies.market.reads[1] NOT_AN_OBJECT',
      'agencies.ecology.reads NOT_A_LIST',
    ]);
  });
});
