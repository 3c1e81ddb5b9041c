import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Conflict,
  Database,
  NotFound,
  Outbox,
  type Page,
  pageById,
  type Principal,
  type ProblemItem,
  RulesViolated,
  shanghaiDate,
  uuid7,
} from '@lib/platform';
import { AuthorizationService, type ChemicalView, type FacilityView, RegistryLookup } from '@lib/registry';
import { LedgerRepository } from '../ledger.repository.js';
import { LedgerWriter, type OperationDraft } from '../ledger-writer.js';
import type { ManifestState, WasteManifestEntity } from '../movement.entity.js';
import { dating, IN_FUTURE, windowText } from '../movements/backdating.js';
import { roundKg, toKg } from '../quantity.js';
import type {
  ApprovalDto,
  CreateManifestDto,
  OverdueStorageQuery,
  OverdueStorageView,
  PickupManifestDto,
  DisposeManifestDto,
  ManifestQuery,
  ManifestView,
  ReceiveManifestDto,
  RejectManifestDto,
  ShipManifestDto,
} from './manifest.dto.js';
import { ManifestRepository } from './manifest.repository.js';
import { crossesProvince, provinceOf, storageDeadline, storedTooLong, wasteListCodeProblems } from './waste-rules.js';

const n = (v: string | null): number | null => (v === null ? null : Number(v));

export function toManifestView(m: WasteManifestEntity): ManifestView {
  return {
    id: m.id,
    number: m.number,
    state: m.state,
    wasteCode: m.wasteCode,
    wasteListCode: m.wasteListCode,
    chemicalId: m.chemicalId,
    lotId: m.lotId,
    packaging: m.packaging,
    generatorEnterpriseId: m.generatorEnterpriseId,
    generatorFacilityId: m.generatorFacilityId,
    transporterEnterpriseId: m.transporterEnterpriseId,
    receiverEnterpriseId: m.receiverEnterpriseId,
    receiverFacilityId: m.receiverFacilityId,
    plannedKg: Number(m.plannedKg),
    shippedKg: n(m.shippedKg),
    receivedKg: n(m.receivedKg),
    disposedKg: n(m.disposedKg),
    disposalMethod: m.disposalMethod,
    toleranceRatio: Number(m.toleranceRatio),
    discrepancyKg: n(m.discrepancyKg),
    rejectionReason: m.rejectionReason,
    createdAt: m.createdAt.toISOString(),
    shippedAt: m.shippedAt?.toISOString() ?? null,
    pickedUpAt: m.pickedUpAt?.toISOString() ?? null,
    receivedAt: m.receivedAt?.toISOString() ?? null,
    closedAt: m.closedAt?.toISOString() ?? null,
    generatorProvince: m.generatorProvince,
    receiverProvince: m.receiverProvince,
    generatorProvinceStated: m.generatorProvinceStated,
    receiverProvinceStated: m.receiverProvinceStated,
    crossProvince: crossesProvince(m.generatorProvince, m.receiverProvince),
    approval:
      m.approvalNumber && m.approvalStatus
        ? {
            number: m.approvalNumber,
            status: m.approvalStatus,
            assertedBy: m.approvalAssertedBy,
            assertedAt: m.approvalAssertedAt?.toISOString() ?? null,
          }
        : null,
  };
}

/**
 * CROSS_PROVINCE_UNAPPROVED (固废法 Art. 82; 《危险废物转移管理办法》 2021, ch. IV): waste crosses a
 * provincial border only under the approval ecology/environment of the province it leaves issued,
 * as ecology asserted it here; the number the generator cites is a claim until then.
 */
function approvalProblems(m: WasteManifestEntity): ProblemItem[] {
  if (!crossesProvince(m.generatorProvince, m.receiverProvince) || m.approvalStatus === 'asserted') return [];
  return [
    {
      path: 'approval',
      rule: 'CROSS_PROVINCE_UNAPPROVED',
      message: `a transfer from province ${m.generatorProvince ?? '(unconfirmed)'} to ${m.receiverProvince ?? '(unconfirmed)'} needs its cross-province approval (跨省转移审批) asserted by ecology/environment${m.approvalNumber ? `; ${m.approvalNumber} is only claimed` : ''}`,
    },
  ];
}

/**
 * The manifest with its facilities' provinces as the registry confirms them now: a province
 * emergency management confirmed since the manifest was made counts (and one withdrawn stops
 * counting) at the next step; the generator's statement stays the claim it was.
 */
function provincesNow(m: WasteManifestEntity, generator: FacilityView, receiver: FacilityView): WasteManifestEntity {
  return {
    ...m,
    generatorProvince: provinceOf(generator, undefined, 'generatorProvince').province,
    receiverProvince: provinceOf(receiver, undefined, 'receiverProvince').province,
  };
}

/** Default tolerance on receipt: 1% for bulk waste (weighing), none for counted packages. */
const DEFAULT_TOLERANCE = { bulk: 0.01, packaged: 0 } as const;

/**
 * Hazardous waste transfer manifests (危险废物转移联单, 《危险废物转移管理办法》 2021): created by the
 * generator, shipped (waste leaves the generator's stock), received by a disposer licensed for
 * the waste code (with the weighed quantity compared to the shipped one), then disposed, or
 * rejected (the waste returns to the generator). Each step writes its ledger leg in its transaction.
 */
@Injectable()
export class ManifestService {
  constructor(
    private readonly db: Database,
    private readonly manifests: ManifestRepository,
    private readonly ledger: LedgerRepository,
    private readonly writer: LedgerWriter,
    private readonly registry: RegistryLookup,
    private readonly authorization: AuthorizationService,
    private readonly outbox: Outbox,
    private readonly config: AppConfig,
  ) {}

  /**
   * When a step happened: not ahead of the clock, not before the step it follows, and within the
   * backdating window (a step is recorded when the waste moves; it is not a correction to file).
   */
  private when(occurredAt: string, notBefore: Date | null): Date {
    const at = new Date(occurredAt);
    const d = dating(at, new Date(), this.config.ledger.backdateMs);
    const problem = (rule: string, message: string): never => {
      throw new RulesViolated([{ path: 'occurredAt', rule, message }]);
    };
    if (d === 'future') throw new RulesViolated([IN_FUTURE]);
    if (d === 'correction')
      problem(
        'BEYOND_BACKDATE_WINDOW',
        `occurredAt lies more than ${windowText(this.config.ledger.backdateMs)} back; a manifest step is recorded when the waste moves`,
      );
    if (notBefore && at < notBefore)
      problem('BEFORE_PREVIOUS_STEP', `occurredAt must not be before the previous step (${notBefore.toISOString()})`);
    return at;
  }

  private async receiverProblems(
    receiver: FacilityView,
    chemical: ChemicalView,
    wasteCode: string,
    at: Date,
  ): Promise<ProblemItem[]> {
    const answer = await this.authorization.authorize({
      enterpriseId: receiver.enterpriseId,
      activity: 'dispose',
      chemicalId: chemical.id,
      at,
      wasteCode,
      district: receiver.district,
    });
    const reasons = answer.reasons.filter((r) => r.code !== 'CHEMICAL_PROHIBITED' && r.code !== 'CHEMICAL_RESTRICTED');
    return reasons.length
      ? [
          {
            path: 'receiverFacilityId',
            rule: 'WASTE_RECEIVER_UNLICENSED',
            // The receiver's licences are its own: the generator hears which rules fail, not their details.
            message: `the receiver may not take ${wasteCode} (${reasons.map((r) => r.code).join(', ')})`,
          },
        ]
      : [];
  }

  async create(dto: CreateManifestDto, principal: Principal): Promise<ManifestView> {
    const entity = await this.db.transaction(async () => {
      const facilities = await this.registry.facilityMap([dto.generatorFacilityId, dto.receiverFacilityId]);
      const generator = facilities.get(dto.generatorFacilityId);
      if (!generator || (principal.kind === 'enterprise' && principal.enterpriseId !== generator.enterpriseId))
        throw new NotFound('facility', dto.generatorFacilityId);
      const receiver = facilities.get(dto.receiverFacilityId);
      const [lot] = await this.ledger.findLots([dto.lotId]);
      const problems: ProblemItem[] = [];
      if (!receiver)
        problems.push({
          path: 'receiverFacilityId',
          rule: 'REFERENCE_NOT_FOUND',
          message: 'the receiving facility does not exist',
        });
      // Only waste the generator's facility holds or held goes on its manifest; any other lot answers as a missing one.
      if (!lot || !(await this.ledger.lotHeldAt(lot.id, generator.id)))
        throw new RulesViolated([
          {
            path: 'lotId',
            rule: 'REFERENCE_NOT_FOUND',
            message: `no lot ${dto.lotId} was ever booked at the generator's facility`,
          },
        ]);
      if (lot.wasteCode !== dto.wasteCode)
        problems.push({
          path: 'wasteCode',
          rule: 'WASTE_CODE_MISMATCH',
          message: `lot ${lot.number} is ${lot.wasteCode ?? 'not waste'}, not ${dto.wasteCode}`,
        });
      problems.push(...wasteListCodeProblems(dto.wasteListCode, dto.wasteCode));
      const from = provinceOf(generator, dto.generatorProvince, 'generatorProvince');
      const to = receiver
        ? provinceOf(receiver, dto.receiverProvince, 'receiverProvince')
        : { province: null, stated: null, problems: [] };
      problems.push(...from.problems, ...to.problems);
      if (dto.approvalNumber && receiver && !crossesProvince(from.province, to.province))
        problems.push({
          path: 'approvalNumber',
          rule: 'NOT_CROSS_PROVINCE',
          message: 'generator and receiver lie in one province: a cross-province approval does not apply',
        });
      const chemical = (await this.registry.chemicalMap([lot.chemicalId])).get(lot.chemicalId)!;
      const transporter = (await this.registry.enterpriseMap([dto.transporterEnterpriseId])).get(
        dto.transporterEnterpriseId,
      );
      if (!transporter)
        problems.push({
          path: 'transporterEnterpriseId',
          rule: 'REFERENCE_NOT_FOUND',
          message: 'the transporter does not exist',
        });
      else {
        const t = await this.authorization.authorize({
          enterpriseId: transporter.id,
          activity: 'transport',
          chemicalId: chemical.id,
          at: new Date(),
        });
        const reasons = t.reasons.filter((r) => r.code !== 'CHEMICAL_PROHIBITED' && r.code !== 'CHEMICAL_RESTRICTED');
        if (reasons.length)
          problems.push({
            path: 'transporterEnterpriseId',
            rule: 'TRANSPORTER_UNLICENSED',
            message: `the transporter may not carry ${chemical.nameZh} (${reasons.map((r) => r.code).join(', ')})`,
          });
      }
      if (receiver) problems.push(...(await this.receiverProblems(receiver, chemical, dto.wasteCode, new Date())));
      const planned = toKg(dto.quantity.value, dto.quantity.unit, chemical.densityKgPerL);
      if (planned === null)
        problems.push({ path: 'quantity.unit', rule: 'DENSITY_UNKNOWN', message: 'give the quantity in kg or t' });
      if (problems.length) throw new RulesViolated(problems);
      const now = new Date();
      const m: WasteManifestEntity = {
        id: uuid7(),
        number: `HWM-${shanghaiDate(now).replace(/-/g, '')}-${randomBytes(4).toString('hex').toUpperCase()}`,
        state: 'created',
        wasteCode: dto.wasteCode,
        wasteListCode: dto.wasteListCode,
        chemicalId: chemical.id,
        lotId: lot.id,
        packaging: dto.packaging,
        generatorEnterpriseId: generator.enterpriseId,
        generatorFacilityId: generator.id,
        transporterEnterpriseId: dto.transporterEnterpriseId,
        receiverEnterpriseId: receiver!.enterpriseId,
        receiverFacilityId: receiver!.id,
        plannedKg: planned!.toFixed(3),
        shippedKg: null,
        receivedKg: null,
        disposedKg: null,
        disposalMethod: null,
        toleranceRatio: (dto.toleranceRatio ?? DEFAULT_TOLERANCE[dto.packaging]).toFixed(6),
        discrepancyKg: null,
        rejectionReason: null,
        createdAt: now,
        shippedAt: null,
        pickedUpAt: null,
        receivedAt: null,
        closedAt: null,
        generatorProvince: from.province,
        receiverProvince: to.province,
        generatorProvinceStated: from.stated,
        receiverProvinceStated: to.stated,
        approvalNumber: dto.approvalNumber ?? null,
        approvalStatus: dto.approvalNumber ? 'claimed' : null,
        approvalAssertedBy: null,
        approvalAssertedAt: null,
      };
      await this.manifests.insert(m);
      await this.publish(m);
      return m;
    });
    return toManifestView(entity);
  }

  /** Loads and locks the manifest, checks who may move it and from which state. */
  private async transition(
    id: string,
    principal: Principal,
    side: 'generator' | 'transporter' | 'receiver',
    from: ManifestState[],
  ): Promise<WasteManifestEntity> {
    const m = await this.manifests.findForUpdate(id);
    const party =
      side === 'generator'
        ? m?.generatorEnterpriseId
        : side === 'transporter'
          ? m?.transporterEnterpriseId
          : m?.receiverEnterpriseId;
    if (!m || (principal.kind === 'enterprise' && !this.involves(m, principal.enterpriseId)))
      throw new NotFound('waste manifest', id);
    if (principal.kind === 'enterprise' && principal.enterpriseId !== party) {
      throw new RulesViolated([{ path: 'id', rule: 'NOT_YOUR_STEP', message: `this step belongs to the ${side}` }]);
    }
    if (!from.includes(m.state))
      throw new Conflict('INVALID_STATE', `the manifest is ${m.state}; this step needs ${from.join(' or ')}`, {
        state: m.state,
      });
    return m;
  }

  private involves(m: WasteManifestEntity, enterpriseId: string): boolean {
    return [m.generatorEnterpriseId, m.receiverEnterpriseId, m.transporterEnterpriseId].includes(enterpriseId);
  }

  private async parties(m: WasteManifestEntity) {
    const facilities = await this.registry.facilityMap([m.generatorFacilityId, m.receiverFacilityId]);
    const chemical = (await this.registry.chemicalMap([m.chemicalId])).get(m.chemicalId)!;
    return {
      generator: facilities.get(m.generatorFacilityId)!,
      receiver: facilities.get(m.receiverFacilityId)!,
      chemical,
    };
  }

  /**
   * The generator (移出人) hands the waste over, with what it weighed out. Until the transporter
   * confirms pickup the waste is still the generator's: nothing leaves its stock here.
   */
  async ship(id: string, dto: ShipManifestDto, principal: Principal): Promise<ManifestView> {
    return this.step(async () => {
      const held = await this.transition(id, principal, 'generator', ['created']);
      const { generator, receiver, chemical } = await this.parties(held);
      const m = provincesNow(held, generator, receiver);
      const at = this.when(dto.occurredAt, null);
      const kg = dto.quantity
        ? toKg(dto.quantity.value, dto.quantity.unit, chemical.densityKgPerL)
        : Number(m.plannedKg);
      if (kg === null)
        throw new RulesViolated([
          { path: 'quantity.unit', rule: 'DENSITY_UNKNOWN', message: 'give the quantity in kg or t' },
        ]);
      const problems = [...approvalProblems(m), ...(await this.receiverProblems(receiver, chemical, m.wasteCode, at))];
      if (problems.length) throw new RulesViolated(problems);
      return { ...m, state: 'shipped', shippedKg: roundKg(kg).toFixed(3), shippedAt: at };
    });
  }

  /**
   * The transporter named on the manifest (承运人) confirms it took the waste (《危险废物转移管理办法》
   * 2021: the carrier verifies the waste against the manifest and confirms it in the system): the
   * waste leaves the generator's stock (waste_transfer) and is in transit to the receiver.
   */
  async pickup(id: string, dto: PickupManifestDto, principal: Principal): Promise<ManifestView> {
    return this.step(async () => {
      const held = await this.transition(id, principal, 'transporter', ['shipped']);
      const { generator, receiver, chemical } = await this.parties(held);
      const m = provincesNow(held, generator, receiver);
      const at = this.when(dto.occurredAt, m.shippedAt);
      const problems = [...approvalProblems(m), ...(await this.receiverProblems(receiver, chemical, m.wasteCode, at))];
      if (problems.length) throw new RulesViolated(problems);
      const kg = Number(m.shippedKg);
      await this.writer.commit({
        operation: 'waste_transfer',
        occurredAt: at,
        actorKeyId: principal.keyId,
        legs: [
          {
            facility: generator,
            type: 'waste_transfer',
            chemical,
            lotId: m.lotId,
            deltaKg: -kg,
            originalValue: kg,
            originalUnit: 'kg',
            wasteCode: m.wasteCode,
            manifestId: m.id,
            counterpartyFacilityId: receiver.id,
            counterpartyEnterpriseId: receiver.enterpriseId,
          },
        ],
      });
      return { ...m, state: 'picked_up', pickedUpAt: at };
    });
  }

  /**
   * Ecology/environment (or admin) asserts the cross-province approval (跨省转移审批, 固废法 Art. 82):
   * the number it issued, replacing what the generator claimed. Before the waste is picked up.
   */
  async assertApproval(id: string, dto: ApprovalDto, principal: Principal): Promise<ManifestView> {
    return this.step(async () => {
      const held = await this.manifests.findForUpdate(id);
      if (!held) throw new NotFound('waste manifest', id);
      const { generator, receiver } = await this.parties(held);
      const m = provincesNow(held, generator, receiver);
      if (!['created', 'shipped'].includes(m.state))
        throw new Conflict('INVALID_STATE', `the manifest is ${m.state}; the approval precedes pickup`, {
          state: m.state,
        });
      if (!crossesProvince(m.generatorProvince, m.receiverProvince))
        throw new RulesViolated([
          {
            path: 'id',
            rule: 'NOT_CROSS_PROVINCE',
            message: 'generator and receiver lie in one province: a cross-province approval does not apply',
          },
        ]);
      return {
        ...m,
        approvalNumber: dto.number,
        approvalStatus: 'asserted',
        approvalAssertedBy: principal.kind === 'agency' ? `agency ${principal.agency}` : principal.kind,
        approvalAssertedAt: new Date(),
      };
    });
  }

  async receive(id: string, dto: ReceiveManifestDto, principal: Principal): Promise<ManifestView> {
    return this.step(async () => {
      const m = await this.transition(id, principal, 'receiver', ['picked_up']);
      const { generator, receiver, chemical } = await this.parties(m);
      const at = this.when(dto.occurredAt, m.pickedUpAt);
      const kg = toKg(dto.quantity.value, dto.quantity.unit, chemical.densityKgPerL);
      if (kg === null)
        throw new RulesViolated([
          { path: 'quantity.unit', rule: 'DENSITY_UNKNOWN', message: 'give the quantity in kg or t' },
        ]);
      const problems = await this.receiverProblems(receiver, chemical, m.wasteCode, at);
      if (problems.length) throw new RulesViolated(problems);
      await this.writer.commit({
        operation: 'waste_receive',
        occurredAt: at,
        actorKeyId: principal.keyId,
        legs: [
          {
            facility: receiver,
            type: 'waste_receive',
            chemical,
            lotId: m.lotId,
            deltaKg: kg,
            originalValue: dto.quantity.value,
            originalUnit: dto.quantity.unit,
            wasteCode: m.wasteCode,
            manifestId: m.id,
            counterpartyFacilityId: generator.id,
            counterpartyEnterpriseId: generator.enterpriseId,
          },
        ],
      });
      const shipped = Number(m.shippedKg);
      const difference = roundKg(shipped - kg);
      const beyond = Math.abs(difference) > shipped * Number(m.toleranceRatio) + 0.0005;
      const next = {
        ...m,
        state: 'received' as const,
        receivedKg: kg.toFixed(3),
        receivedAt: at,
        discrepancyKg: beyond ? difference.toFixed(3) : null,
      };
      if (beyond) {
        await this.outbox.append(
          'waste.discrepancy',
          {
            manifestId: m.id,
            number: m.number,
            wasteCode: m.wasteCode,
            generatorEnterpriseId: m.generatorEnterpriseId,
            receiverEnterpriseId: m.receiverEnterpriseId,
            shippedKg: shipped,
            receivedKg: kg,
            differenceKg: difference,
            toleranceRatio: Number(m.toleranceRatio),
          },
          { subjectId: m.id, occurredAt: at },
        );
      }
      return next;
    });
  }

  async dispose(id: string, dto: DisposeManifestDto, principal: Principal): Promise<ManifestView> {
    return this.step(async () => {
      const m = await this.transition(id, principal, 'receiver', ['received']);
      const { receiver, chemical } = await this.parties(m);
      const at = this.when(dto.occurredAt, m.receivedAt);
      const kg = Number(m.receivedKg);
      const problems = await this.receiverProblems(receiver, chemical, m.wasteCode, at);
      if (problems.length) throw new RulesViolated(problems);
      await this.writer.commit({
        operation: 'dispose',
        occurredAt: at,
        actorKeyId: principal.keyId,
        legs: [
          {
            facility: receiver,
            type: 'dispose',
            chemical,
            lotId: m.lotId,
            deltaKg: -kg,
            originalValue: kg,
            originalUnit: 'kg',
            wasteCode: m.wasteCode,
            disposalMethod: dto.method,
            manifestId: m.id,
          },
        ],
      });
      return { ...m, state: 'disposed', disposedKg: kg.toFixed(3), disposalMethod: dto.method, closedAt: at };
    });
  }

  async reject(id: string, dto: RejectManifestDto, principal: Principal): Promise<ManifestView> {
    return this.step(async () => {
      const m = await this.transition(id, principal, 'receiver', ['shipped', 'picked_up']);
      const { generator, receiver, chemical } = await this.parties(m);
      const at = this.when(dto.occurredAt, m.pickedUpAt ?? m.shippedAt);
      // Refused before pickup, the waste never left the generator: nothing returns.
      if (m.state === 'picked_up')
        await this.returnToGenerator({
          operation: 'waste_return',
          occurredAt: at,
          actorKeyId: principal.keyId,
          legs: [
            {
              facility: generator,
              type: 'waste_return',
              chemical,
              lotId: m.lotId,
              deltaKg: Number(m.shippedKg),
              originalValue: Number(m.shippedKg),
              originalUnit: 'kg',
              wasteCode: m.wasteCode,
              manifestId: m.id,
              reason: dto.reason,
              counterpartyFacilityId: receiver.id,
              counterpartyEnterpriseId: receiver.enterpriseId,
            },
          ],
        });
      return { ...m, state: 'rejected', rejectionReason: dto.reason, closedAt: at };
    });
  }

  /**
   * Books the waste's return into the generator's facility on the receiver's refusal. The
   * generator's facility is not the receiver's: a rule it breaks there (closed, capacity) is told
   * without its name or quantities.
   */
  private async returnToGenerator(op: OperationDraft): Promise<void> {
    try {
      await this.writer.commit(op);
    } catch (err) {
      if (!(err instanceof RulesViolated)) throw err;
      const rules = (err.extensions.errors as ProblemItem[]).map((p) => p.rule);
      throw new RulesViolated(
        rules.map((rule) => ({
          path: 'id',
          rule: rule ?? 'RETURN_REFUSED',
          message: "the generator's facility cannot take the waste back now; the generator must settle it first",
        })),
      );
    }
  }

  /** Runs a transition in one transaction: its ledger leg, the manifest's new state, its event. */
  private async step(work: () => Promise<WasteManifestEntity>): Promise<ManifestView> {
    const next = await this.db.transaction(async () => {
      const m = await work();
      const { id: _id, ...patch } = m;
      await this.manifests.update(m.id, patch);
      await this.publish(m);
      return m;
    });
    return toManifestView(next);
  }

  private async publish(m: WasteManifestEntity): Promise<void> {
    await this.outbox.append(
      'waste.manifest.changed',
      {
        manifestId: m.id,
        number: m.number,
        state: m.state,
        wasteCode: m.wasteCode,
        generatorEnterpriseId: m.generatorEnterpriseId,
        receiverEnterpriseId: m.receiverEnterpriseId,
        quantityKg: Number(m.receivedKg ?? m.shippedKg ?? m.plannedKg),
      },
      { subjectId: m.id },
    );
  }

  /**
   * A manifest by id for other contexts' rules (an e-waybill of a waste load names one), found
   * only when the asking consignor is its generator: another party's id answers null, so its
   * number, parties and provinces stay theirs.
   */
  async lookup(id: string, generatorEnterpriseId: string): Promise<ManifestView | null> {
    const m = await this.manifests.findById(id);
    return m && m.generatorEnterpriseId === generatorEnterpriseId ? toManifestView(m) : null;
  }

  /**
   * The lots among these that are hazardous waste, with their waste code (危废代码), of those the
   * enterprise holds or held: another's lot id tells nothing of that lot.
   */
  async wasteLots(lotIds: string[], enterpriseId: string): Promise<Map<string, string>> {
    const lots = await this.ledger.findLots([...new Set(lotIds)]);
    const out = new Map<string, string>();
    for (const l of lots)
      if (l.wasteCode && (await this.ledger.lotHeldBy(l.id, enterpriseId))) out.set(l.id, l.wasteCode);
    return out;
  }

  /**
   * WASTE_STORED_OVER_ONE_YEAR (固废法 Art. 81): hazardous waste still in storage a year after the
   * facility took it in. Ecology/environment and admin see every facility's; an enterprise its own.
   */
  async overdueStorage(q: OverdueStorageQuery, principal: Principal): Promise<OverdueStorageView[]> {
    const asOf = q.asOf ? new Date(q.asOf) : new Date();
    // A calendar year is never shorter than 365 days: the query narrows, the rule decides.
    const rows = await this.manifests.storedBefore(
      new Date(asOf.getTime() - 365 * 86_400_000),
      principal.kind === 'enterprise' ? principal.enterpriseId : null,
    );
    return rows
      .filter((r) => storedTooLong(r.storedSince, asOf))
      .map((r) => ({
        ...r,
        storedSince: r.storedSince.toISOString(),
        deadline: storageDeadline(r.storedSince).toISOString(),
        rule: 'WASTE_STORED_OVER_ONE_YEAR',
      }));
  }

  async get(id: string, principal: Principal): Promise<ManifestView> {
    const m = await this.manifests.findById(id);
    if (!m || (principal.kind === 'enterprise' && !this.involves(m, principal.enterpriseId)))
      throw new NotFound('waste manifest', id);
    return toManifestView(m);
  }

  async list(q: ManifestQuery, principal: Principal): Promise<Page<ManifestView>> {
    const page = await pageById(q, (window) =>
      this.manifests.list({
        enterpriseId: principal.kind === 'enterprise' ? principal.enterpriseId : null,
        state: q.state,
        discrepancy: q.discrepancy === 'true',
        wasteCode: q.wasteCode,
        ...window,
      }),
    );
    return { items: page.items.map(toManifestView), nextCursor: page.nextCursor };
  }
}
