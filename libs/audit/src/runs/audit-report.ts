import { escapeHtml as e } from '@lib/platform';
import type { StoredAudit } from '../assessment/facility-audit.js';
import type { Term } from '../gb18218/assessment.js';
import type { AuditRunView } from './audit-run.service.js';

const GRADE = { 1: '一级', 2: '二级', 3: '三级', 4: '四级' } as const;
const n = (x: number | null, digits = 3): string =>
  x === null ? '—' : String(Math.round(x * 10 ** digits) / 10 ** digits);

/** The printable audit report: the run, then per facility its grade with every GB 18218 term, findings and flags. */
export function renderAuditReport(run: AuditRunView, results: Array<{ audit: StoredAudit; terms: Term[] }>): string {
  const scope =
    run.scope === 'enterprise' ? `企业 ${run.enterpriseId}` : run.scope === 'district' ? `${run.district}` : '全市';
  const sections = results
    .map(
      ({ audit: a, terms }) => `<section class="facility ${a.colour}">
  <h2>${e(a.name)} <small>${e(a.district)} · ${e(a.hazardUnitKind)}</small> <span class="grade">${a.grade ? GRADE[a.grade] : '非重大危险源'}</span></h2>
  <table><thead><tr><th>化学品</th><th>q (t)</th><th>Q (t)</th><th>q/Q</th><th>β</th><th>依据</th></tr></thead><tbody>
  ${terms.map((t) => `<tr><td>${e(t.name)}</td><td>${n(t.q)}</td><td>${n(t.Q)}</td><td>${n(t.ratio, 4)}</td><td>${n(t.beta)}</td><td>${e(t.QSource)}; ${e(t.betaSource)}</td></tr>`).join('\n  ')}
  </tbody></table>
  <p>S = ${n(a.design.S, 4)}${a.design.R !== null ? `; α = ${n(a.design.alpha)} (${e(a.design.alphaSource)}); R = ${n(a.design.R, 4)}` : ''}; 实际峰值 S = ${n(a.actual.S, 4)}</p>
  ${a.findings.length ? `<ul class="findings">${a.findings.map((f) => `<li>${e(f.kind)} ${e(f.chemicalId)}: ${n(f.recordedKg)} kg vs 台账 ${n(f.ledgerKg)} kg (差 ${n(f.differenceKg)} kg, 容差 ${n(f.toleranceKg)} kg)</li>`).join('')}</ul>` : ''}
  ${a.flags.length ? `<ul class="flags">${a.flags.map((f) => `<li>${e(f.kind)}: ${e(f.detail)}</li>`).join('')}</ul>` : ''}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>危险化学品库存检查报告 ${e(run.id)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:2px 6px;font-size:12px}
.facility{border-left:8px solid #bbb;padding-left:1em;margin:1.5em 0;page-break-inside:avoid}
.red{border-color:#d7191c}.orange{border-color:#fd8d3c}.yellow{border-color:#fecc5c}.blue{border-color:#2c7bb6}
.findings li,.flags li{color:#a00}
</style></head><body>
<h1>危险化学品库存检查报告</h1>
<p>范围：${e(scope)}；截至：${e(run.at)}；发起：${e(run.startedBy)}；完成：${e(run.finishedAt ?? '')}</p>
<p>设施 ${run.progress.total} 个，重大危险源 ${run.progress.majorHazards} 个，发现问题 ${run.progress.findings} 项，异常标记 ${run.progress.flagged} 个设施。</p>
<p class="method">辨识与分级依据 GB 18218-2018《危险化学品重大危险源辨识》§4.2–4.3（表1–表6）。q 为设计最大量（§4.2.2）；实际峰值为台账近一年最高库存。</p>
${sections}
</body></html>`;
}
