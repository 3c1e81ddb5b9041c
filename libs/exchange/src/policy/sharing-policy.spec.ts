import { audienceOf, DEFAULT_POLICY, deliveryFor, policyProblems, shapeFor, typeMatches } from './sharing-policy.js';
import { retryDelayMs } from '../webhooks/webhook-sender.js';
import { sign, verifySignature } from '../webhooks/signature.js';

const crew = {
  driver: { id: 'd1', name: '王师傅', idNumber: '320102198001011234', phone: '13912345678' },
  escort: { id: 'e1', name: '李押运', idNumber: '32010219850202567X', phone: '13800001111' },
};

describe('the sharing policy', () => {
  it('matches types exactly, by stream.* and by *', () => {
    expect(typeMatches('violation.*', 'violation.opened')).toBe(true);
    expect(typeMatches('violation.*', 'waybill.submitted')).toBe(false);
    expect(typeMatches('waybill.closed', 'waybill.closed')).toBe(true);
    expect(typeMatches('*', 'ledger.discrepancy')).toBe(true);
  });

  it('routes alerts by rule and severity: deviations to police and transport, overspeed to transport only', () => {
    expect(audienceOf(DEFAULT_POLICY, 'violation.opened', { rule: 'ROUTE_DEVIATION', severity: 'high' })).toEqual([
      'police',
      'transport',
    ]);
    expect(audienceOf(DEFAULT_POLICY, 'violation.opened', { rule: 'OVERSPEED', severity: 'medium' })).toEqual([
      'transport',
    ]);
    // Someone not on the waybill driving (JT/T 808 driver cards): police as for a deviation.
    expect(audienceOf(DEFAULT_POLICY, 'violation.opened', { rule: 'CREW_MISMATCH', severity: 'high' })).toEqual([
      'police',
      'transport',
    ]);
    expect(audienceOf(DEFAULT_POLICY, 'waybill.discrepancy', {})).toEqual([
      'police',
      'transport',
      'emergency',
      'market',
    ]);
    expect(audienceOf(DEFAULT_POLICY, 'waste.discrepancy', {})).toEqual(['emergency', 'market', 'ecology']);
    // The chains' signed checkpoints go to emergency management, which keeps them out of the service's reach.
    expect(audienceOf(DEFAULT_POLICY, 'integrity.checkpoint', {})).toEqual(['emergency']);
    // A second device claiming a bound terminal goes to transport, which binds terminals.
    expect(audienceOf(DEFAULT_POLICY, 'terminal.conflict', {})).toEqual(['transport']);
    const strict = structuredClone(DEFAULT_POLICY);
    strict.agencies.transport.alerts.minSeverity = 'high';
    expect(audienceOf(strict, 'violation.opened', { rule: 'OVERSPEED', severity: 'medium' })).toEqual([]);
  });

  it('sends an escalation to the level named and to those alerted before, within their policies', () => {
    const payload = { rule: 'ROUTE_DEVIATION', level: 1, to: ['emergency'], alerted: ['police', 'transport'] };
    expect(audienceOf(DEFAULT_POLICY, 'violation.escalated', payload)).toEqual(['police', 'transport', 'emergency']);
  });

  it('masks personal fields unless the policy names them, and keeps only the fields given', () => {
    const payload = { violationId: 'v', plate: '苏B12345', ...crew };
    const police = shapeFor(DEFAULT_POLICY, 'police', 'violation.opened', payload)!;
    expect(police.driver).toEqual({ ...crew.driver, masked: false });
    const transport = shapeFor(DEFAULT_POLICY, 'transport', 'violation.opened', payload)!;
    expect(transport.driver).toEqual({ ...crew.driver, idNumber: '320***********1234', masked: true });
    expect(transport.escort).toMatchObject({ idNumber: '320***********567X', phone: '13800001111' });
    expect(shapeFor(DEFAULT_POLICY, 'market', 'violation.opened', payload)).toBeNull();
    const narrow = structuredClone(DEFAULT_POLICY);
    narrow.agencies.market.events = [{ types: ['violation.opened'], fields: ['violationId', 'driver'], unmasked: [] }];
    expect(shapeFor(narrow, 'market', 'violation.opened', payload)).toEqual({
      violationId: 'v',
      driver: { ...crew.driver, idNumber: '320***********1234', phone: '139****5678', masked: true },
    });
  });

  it('accepts the default policy and names every problem of a broken one', () => {
    expect(policyProblems(DEFAULT_POLICY)).toEqual([]);
    // oxlint-disable-next-line typescript/no-explicit-any -- a deliberately malformed document
    const broken = structuredClone(DEFAULT_POLICY) as unknown as Record<string, any>;
    broken.agencies.police.events[1].unmasked = ['driver.address'];
    broken.agencies.transport.alerts.rules = ['SPEEDING'];
    broken.agencies.fire = { events: [], alerts: { rules: [], minSeverity: 'low' } };
    broken.escalation.levels = [{ agencies: ['army'], note: 'x' }];
    expect(policyProblems(broken).map((p) => `${p.path} ${p.rule}`)).toEqual([
      'agencies.fire UNKNOWN_AGENCY',
      'agencies.police.events[1].unmasked[0] UNKNOWN_PERSONAL_FIELD',
      'agencies.transport.alerts.rules[0] UNKNOWN_RULE',
      'escalation.levels[0].agencies[0] UNKNOWN_AGENCY',
    ]);
  });
});

describe('webhook signatures and retries', () => {
  it('verifies a signature over timestamp and body, and refuses a changed body, another secret or an old timestamp', () => {
    const body = JSON.stringify({ id: 'e1', type: 'violation.opened' });
    const at = new Date('2026-11-30T03:00:00Z');
    const header = sign('whsec_a', body, at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_a', body, header, at.getTime())).toBe(true);
    expect(verifySignature('whsec_a', `${body} `, header, at.getTime())).toBe(false);
    expect(verifySignature('whsec_b', body, header, at.getTime())).toBe(false);
    expect(verifySignature('whsec_a', body, header, at.getTime() + 301_000)).toBe(false);
  });

  it('shapes a delivery as the policy shapes the event for the agency, or gives none when the event no longer reaches it', () => {
    const alert = { violationId: 'v1', rule: 'ROUTE_DEVIATION', severity: 'high', plate: '苏A12345', ...crew };
    expect(deliveryFor(DEFAULT_POLICY, 'police', 'violation.opened', alert)).toEqual(
      shapeFor(DEFAULT_POLICY, 'police', 'violation.opened', alert),
    );
    const tightened = structuredClone(DEFAULT_POLICY);
    tightened.agencies.police.events = [{ types: ['violation.*'], fields: ['violationId', 'driver'], unmasked: [] }];
    expect(deliveryFor(tightened, 'police', 'violation.opened', alert)).toEqual({
      violationId: 'v1',
      driver: { id: 'd1', name: '王师傅', idNumber: '320***********1234', phone: '139****5678', masked: true },
    });
    // The type withdrawn, or the rule no longer alerting police: nothing to deliver.
    expect(deliveryFor(tightened, 'police', 'waybill.submitted', { waybillId: 'w1', ...crew })).toBeNull();
    tightened.agencies.police.alerts.rules = ['ZONE_INTRUSION'];
    expect(deliveryFor(tightened, 'police', 'violation.opened', alert)).toBeNull();
  });

  it('backs off exponentially with jitter between half and all of the step, capped', () => {
    expect(retryDelayMs(1, 1000, 60_000, 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, 1)).toBe(1000);
    expect(retryDelayMs(4, 1000, 60_000, 1)).toBe(8000);
    expect(retryDelayMs(30, 1000, 60_000, 0.5)).toBe(45_000);
    // The default schedule (1 s doubling, 30 min cap) spends its 25 h budget in about 60 attempts.
    let spent = 0;
    let n = 0;
    while (spent < 25 * 3600_000) spent += retryDelayMs(++n, 1000, 1_800_000, 0.5);
    expect(n).toBeGreaterThan(40);
  });
});
