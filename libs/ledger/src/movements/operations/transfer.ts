import type { ProblemItem } from '@lib/platform';
import type { OperationBuilder } from './context.js';

/** Between two facilities of one enterprise: two legs, out and in, one group. */
export const transfer: OperationBuilder = async (ctx) => {
  const { dto, facility, owner, kit } = ctx;
  const problems: ProblemItem[] = [];
  const lot = await kit.existingLot(ctx, dto.lotId);
  const to = await kit.ownFacility(dto.toFacilityId!, ctx.principal, 'toFacilityId');
  if (to.enterpriseId !== owner)
    problems.push({
      path: 'toFacilityId',
      rule: 'TRANSFER_OTHER_ENTERPRISE',
      message: 'a transfer stays within one enterprise; use sell or ship',
    });
  if (to.id === facility.id)
    problems.push({
      path: 'toFacilityId',
      rule: 'TRANSFER_SAME_FACILITY',
      message: 'toFacilityId must differ from facilityId',
    });
  problems.push(...(await kit.authorize(owner, 'store', ctx, to, 'toFacilityId')));
  const q = kit.quantityKg(ctx);
  return {
    legs: [
      kit.leg(ctx, facility, 'transfer_out', lot.id, -q, {
        counterpartyFacilityId: to.id,
        counterpartyEnterpriseId: owner,
      }),
      kit.leg(ctx, to, 'transfer_in', lot.id, q, {
        counterpartyFacilityId: facility.id,
        counterpartyEnterpriseId: owner,
      }),
    ],
    problems,
  };
};
