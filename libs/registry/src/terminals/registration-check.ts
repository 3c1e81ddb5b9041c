import { normalisePlate } from '../identifiers/plate.js';

/**
 * Whether a JT/T 808 registration (0x0100) fits the terminal's binding: pure, so that the table of
 * outcomes is tested on its own. The outcomes are the standard's 0x8100 results (JT/T 808-2019
 * §8.6): the gateway maps them to their codes.
 */
export type RegistrationOutcome = 'ok' | 'vehicle_registered' | 'no_vehicle' | 'terminal_registered' | 'no_terminal';

export interface RegistrationClaim {
  makerId: string;
  model: string;
  plate: string;
  plateColour: number;
}

export function checkRegistration(
  binding: { makerId: string | null; plateColour: number; registered: boolean } | null,
  vehicle: { plate: string; status: string } | null,
  claim: RegistrationClaim,
): { outcome: RegistrationOutcome; why: string } {
  if (!binding || !vehicle) return { outcome: 'no_terminal', why: 'the terminal number is not bound to a vehicle' };
  // A code was handed out: only the bureau's reset or a new binding allows another (a second device
  // with this number, or the terminal itself after losing its code, is refused alike).
  if (binding.registered)
    return { outcome: 'terminal_registered', why: 'the terminal is registered; transport must reset it first' };
  // A binding made through the vehicle record (or carried over from before bindings) names no maker:
  // it is incomplete until transport binds the terminal with its maker. Taking the first device's
  // word for the maker would let whoever registers first (knowing the painted plate) take the number.
  if (binding.makerId === null)
    return { outcome: 'no_terminal', why: 'the binding names no maker yet: transport must complete it' };
  if (binding.makerId !== claim.makerId)
    return { outcome: 'no_terminal', why: `maker ${claim.makerId} is not the bound terminal's maker` };
  if (vehicle.status === 'retired') return { outcome: 'no_vehicle', why: 'the bound vehicle is retired' };
  if (normalisePlate(claim.plate) !== vehicle.plate || claim.plateColour !== binding.plateColour)
    return { outcome: 'no_vehicle', why: 'plate or plate colour is not the bound vehicle’s' };
  return { outcome: 'ok', why: 'matches the binding' };
}
