import { escapeHtml, SHANGHAI_OFFSET_MS } from '@lib/platform';
import type { WaybillEntity, WaybillItemEntity } from '../waybill.entity.js';

/** The names a printed waybill shows beside the ids. */
export interface PrintNames {
  enterprises: Map<string, string>;
  facilities: Map<string, string>;
  vehicles: Map<string, string>;
  /** 道路运输证号 of each vehicle, and the carrying unit's tank number (罐体编号). */
  vehicleCerts: Map<string, string | null>;
  tankNumber: string | null;
  /** 应急联系电话: whom an emergency responder calls (the consignor's emergency contact). */
  emergencyPhone: string | null;
  /** The carrier's road transport permit (道路运输经营许可证) number, verified by transport. */
  carrierPermit: string | null;
  /** Tunnel restriction code of each catalogue entry on board. */
  tunnelCodes: Map<string, string | null>;
  /** People: name and the masked phone the driver may be called on. */
  people: Map<string, { name: string; phone: string | null; qualification: string | null }>;
  route: string;
}

const escape = escapeHtml;

/** An instant as Asia/Shanghai wall time, which is what the driver and the police read. */
const local = (d: Date | null): string =>
  d ? new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ') + ' (UTC+8)' : '—';

/**
 * The printable e-waybill the driver carries (the paper copy of 电子运单): parties, vehicle and
 * crew, goods by UN number, the route, and the number as a QR code an inspector scans.
 */
export function renderWaybillHtml(
  w: WaybillEntity,
  items: WaybillItemEntity[],
  names: PrintNames,
  qrSvg: string,
): string {
  const person = (id: string | null): string => {
    if (!id) return '—';
    const p = names.people.get(id);
    return p
      ? `${escape(p.name)} · ${escape(p.qualification ?? '—')}${p.phone ? ` · ${escape(p.phone)}` : ''}`
      : escape(id);
  };
  const rows = items
    .map(
      (i) =>
        `<tr><td>${i.line}</td><td>${i.unNumber ? `UN${escape(i.unNumber)}` : '—'}</td><td>${escape(i.properShippingName)}</td><td>${escape(i.unClass ?? '—')}</td>` +
        `<td>${escape(i.packingGroup ?? '—')}</td><td>${escape(names.tunnelCodes.get(i.chemicalId) ?? '—')}</td><td>${escape(Number(i.quantityValue))} ${escape(i.unit)}</td><td>${escape(Number(i.quantityKg))}</td>` +
        `<td>${i.packaging === 'tank' ? `罐体 tank${i.compartment ? ` #${i.compartment}` : ''}` : `包装 ${escape(i.packages ?? '')}`}</td></tr>`,
    )
    .join('\n');
  const field = (label: string, value: string): string => `<tr><th>${label}</th><td>${value}</td></tr>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>危险货物道路运输电子运单 ${escape(w.number)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#111}
h1{font-size:20px;margin:0}table{border-collapse:collapse;width:100%;margin-top:12px}
th,td{border:1px solid #444;padding:4px 6px;font-size:13px;text-align:left;vertical-align:top}
th{background:#eee;width:10em}.head{display:flex;justify-content:space-between;align-items:flex-start}
.qr svg{width:140px;height:140px}.status{font-size:14px;margin-top:4px}
@media print{body{margin:8mm}}
</style></head><body>
<div class="head"><div><h1>危险货物道路运输电子运单</h1><div>Dangerous goods road transport e-waybill</div>
<div class="status">No. <strong>${escape(w.number)}</strong> · version ${w.version} · ${escape(w.status)}</div></div>
<div class="qr" aria-label="waybill number as a QR code">${qrSvg}</div></div>
<table>
${field('托运人 Consignor', escape(names.enterprises.get(w.consignorId) ?? w.consignorId))}
${field('承运人 Carrier', escape(names.enterprises.get(w.carrierId) ?? w.carrierId))}
${field('道路运输经营许可证号 Carrier permit', escape(names.carrierPermit ?? '—'))}
${field('应急联系电话 Emergency phone', escape(names.emergencyPhone ?? '—'))}
${field('收货人 Consignee', escape(names.enterprises.get(w.consigneeId) ?? w.consigneeId))}
${field('装货地 Loading', escape(names.facilities.get(w.loadingFacilityId) ?? w.loadingFacilityId))}
${field('卸货地 Unloading', escape(names.facilities.get(w.unloadingFacilityId) ?? w.unloadingFacilityId))}
${field('车辆 Vehicle', `${escape(names.vehicles.get(w.vehicleId) ?? w.vehicleId)}${w.trailerId ? ` + 挂车 ${escape(names.vehicles.get(w.trailerId) ?? w.trailerId)}` : ''}`)}
${field('道路运输证号 Road transport certificate', [w.vehicleId, ...(w.trailerId ? [w.trailerId] : [])].map((v) => escape(names.vehicleCerts.get(v) ?? '—')).join(' / '))}
${field('罐体编号 Tank number', escape(names.tankNumber ?? '—'))}
${field('驾驶员 Driver', person(w.driverId))}
${field('押运员 Escort', person(w.escortId))}
${field('线路 Route', escape(names.route))}
${field('计划 Planned', `${local(w.plannedDeparture)} → ${local(w.plannedArrival)}`)}
${w.toxicPass ? field('剧毒品通行证 Toxic pass', `${escape(w.toxicPass.number)} (${escape(w.toxicPass.validFrom)} – ${escape(w.toxicPass.validTo)})`) : ''}
${w.manifestId ? field('危废转移联单 Manifest', escape(w.manifestId)) : ''}
</table>
<table><thead><tr><th>#</th><th>UN</th><th>正式运输名称 Proper shipping name</th><th>类别 Class</th><th>包装类别 PG</th><th>隧道代码 Tunnel code</th><th>数量 Quantity</th><th>kg</th><th>包装/罐体</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${w.loadingCheck ? `<p>装货人 ${escape(w.loadingCheck.loaderName)} 已查验并签字 · ${escape(w.loadingCheck.signedAt)}</p>` : ''}
</body></html>
`;
}
