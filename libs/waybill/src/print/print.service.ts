import { AccessLog } from '@lib/platform';
import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import type { Principal, Reads } from '@lib/platform';
import { type EnterpriseView, type PersonView, RegistryLookup } from '@lib/registry';
import { FencesService } from '@lib/telematics';
import { renderWaybillHtml } from './print-layout.js';
import { WaybillService } from '../waybill.service.js';

/**
 * 应急联系电话 (2019 rules Art. 22: the waybill carries an emergency contact): the contact the
 * consignor (else the carrier) designated for emergencies, its role naming 应急 or emergency.
 * That number is printed in full, since a responder must be able to dial it; an enterprise's
 * other contacts are personal data the print does not show.
 */
function emergencyPhone(e: EnterpriseView | undefined): string | null {
  const c = (e?.contacts ?? []).find((x) => x.phone && /应急|emergency/i.test(x.role ?? ''));
  return c ? `${c.phone} (${c.name})` : null;
}

/** Resolves the names a printed waybill shows and renders it with its QR code. */
@Injectable()
export class WaybillPrint {
  constructor(
    private readonly filing: WaybillService,
    private readonly registry: RegistryLookup,
    private readonly fences: FencesService,
    private readonly access: AccessLog,
  ) {}

  async html(id: string, principal: Principal, purpose: string | null = null): Promise<string> {
    const { waybill: w, items, reads } = await this.filing.forPrint(id, principal);
    // The printout carries the crew's names and phones: a read of personal data (访问留痕).
    await this.access.record([
      {
        principal,
        channel: 'api',
        action: 'waybill.print',
        subjects: [`waybill:${w.id}`, `person:${w.driverId}`, `person:${w.escortId}`, `vehicle:${w.vehicleId}`],
        purpose,
      },
    ]);
    const [enterprises, facilities, vehicles, people, route, qr, chemicals, permits] = await Promise.all([
      this.registry.enterpriseMap([w.consignorId, w.carrierId, w.consigneeId]),
      this.registry.facilityMap([w.loadingFacilityId, w.unloadingFacilityId]),
      this.registry.vehicleMap([w.vehicleId, ...(w.trailerId ? [w.trailerId] : [])]),
      this.crew([w.driverId, w.escortId], principal, reads),
      this.fences.getRoute(w.routeId),
      QRCode.toString(w.number, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }),
      this.registry.chemicalMap(items.map((i) => i.chemicalId)),
      this.registry.licencesOf(w.carrierId, ['road_transport']),
    ]);
    const carrying = vehicles.get(w.trailerId ?? w.vehicleId);
    return renderWaybillHtml(
      w,
      items,
      {
        enterprises: new Map([...enterprises].map(([k, e]) => [k, e.name])),
        facilities: new Map([...facilities].map(([k, f]) => [k, f.name])),
        vehicles: new Map([...vehicles].map(([k, v]) => [k, v.plate])),
        vehicleCerts: new Map([...vehicles].map(([k, v]) => [k, v.transportCertNumber])),
        tankNumber: items.some((i) => i.packaging === 'tank') ? (carrying?.tankNumber ?? null) : null,
        emergencyPhone: emergencyPhone(enterprises.get(w.consignorId)) ?? emergencyPhone(enterprises.get(w.carrierId)),
        // Only the permit transport verified and that is in force is the carrier's permit.
        carrierPermit: permits.find((l) => l.status === 'verified' && l.inForce)?.number ?? null,
        tunnelCodes: new Map([...chemicals].map(([k, c]) => [k, c.tunnelCode])),
        people: new Map(
          [...people].map(([k, p]) => [k, { name: p.name, phone: p.phone, qualification: p.qualificationNumber }]),
        ),
        route: route.name,
      },
      qr,
    );
  }

  /** The crew as the reader may see them: an agency as its sharing policy shows crew (none when it gives none). */
  private async crew(ids: string[], principal: Principal, reads: Reads): Promise<Map<string, PersonView>> {
    if (principal.kind !== 'agency') return this.registry.personMap(ids, principal);
    if (!reads.may('crew')) return new Map();
    const people = await this.registry.personMap(ids, null);
    return new Map([...people].map(([k, p]) => [k, reads.shape('crew', p)]));
  }
}
