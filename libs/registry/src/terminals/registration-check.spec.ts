import { checkRegistration, type RegistrationOutcome } from './registration-check.js';

const binding = { makerId: 'HZCM', plateColour: 2, registered: false };
const vehicle = { plate: '苏B12345', status: 'active' };
const claim = { makerId: 'HZCM', model: 'T-808', plate: '苏B12345', plateColour: 2 };

describe('checkRegistration', () => {
  it.each<[string, Parameters<typeof checkRegistration>, RegistrationOutcome]>([
    ['the bound terminal with its vehicle’s plate', [binding, vehicle, claim], 'ok'],
    ['a plate written with a space and lower case', [binding, vehicle, { ...claim, plate: '苏b 12345' }], 'ok'],
    ['a number bound to nothing', [null, null, claim], 'no_terminal'],
    ['another maker', [binding, vehicle, { ...claim, makerId: 'EVIL' }], 'no_terminal'],
    ['another plate', [binding, vehicle, { ...claim, plate: '苏B99999' }], 'no_vehicle'],
    ['a blue plate for a yellow-plated tanker', [binding, vehicle, { ...claim, plateColour: 1 }], 'no_vehicle'],
    ['a retired vehicle', [binding, { ...vehicle, status: 'retired' }, claim], 'no_vehicle'],
    [
      'any maker while the binding names none (transport must complete it)',
      [{ ...binding, makerId: null }, vehicle, claim],
      'no_terminal',
    ],
    [
      'a registered terminal, even the same device',
      [{ ...binding, registered: true }, vehicle, claim],
      'terminal_registered',
    ],
    [
      'a registered terminal claimed by another maker and plate',
      [{ ...binding, registered: true }, vehicle, { ...claim, makerId: 'EVIL', plate: '苏B99999' }],
      'terminal_registered',
    ],
  ])('%s', (_, args, outcome) => {
    expect(checkRegistration(...args).outcome).toBe(outcome);
  });
});
