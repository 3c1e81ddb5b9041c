import { readFileSync } from 'node:fs';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { parseCsv, uuid7 } from '@lib/platform';

/**
 * Seeds the chemical catalogue from the reference data in ./seed (see its README for sources):
 * the catalogue's 140 rows, then the 剧毒 entries of the 2015 catalogue that it lacks.
 * The parsing lives here, not in the registry, so that this migration never changes meaning.
 */
const seedFile = (name: string): string => readFileSync(new URL(`./seed/${name}`, import.meta.url), 'utf8');

const uncertain = (v: string): boolean => v.endsWith('?');
const clean = (v: string): string => v.replace(/\?$/, '').trim();
const list = (v: string): string[] =>
  v.trim()
    ? v
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

/** "氯（别名：液氯；氯气）" → name 氯, synonyms 液氯, 氯气. */
function splitName(raw: string): { name: string; synonyms: string[] } {
  const m = /^(.*)（别名：([^）]*)）$/.exec(raw.trim());
  return m
    ? {
        name: m[1]!.trim(),
        synonyms: m[2]!
          .split('；')
          .map((s) => s.trim())
          .filter(Boolean),
      }
    : { name: raw.trim(), synonyms: [] };
}

const yesNo = (v: string): boolean | null => (clean(v) === 'yes' ? true : clean(v) === 'no' ? false : null);
const num = (v: string): number | null => (clean(v) === '' ? null : Number(clean(v)));

export class ChemicalCatalogueSeed1795917600000 implements MigrationInterface {
  name = 'ChemicalCatalogueSeed1795917600000';

  async up(q: QueryRunner): Promise<void> {
    const rows: unknown[][] = [];
    const seenCas = new Set<string>();
    for (const { values: r } of parseCsv(seedFile('chemicals-catalogue.csv')).records) {
      const { name, synonyms } = splitName(r.name_zh!);
      const doubts = ['un', 'key_supervised', 'gb18218_q_t', 'gb18218_beta'].filter((k) => uncertain(r[k]!));
      const sources = [
        r.sources,
        ...(doubts.length ? [`note: uncertain in the reference data: ${doubts.join(', ')}`] : []),
      ].join(';');
      if (r.cas) seenCas.add(r.cas);
      rows.push([
        uuid7(),
        r.cas || null,
        clean(r.un!) || null,
        name,
        r.name_en || null,
        synonyms,
        r.un_class || null,
        list(r.subsidiary_risks!),
        list(r.packing_group!),
        r.tunnel_code || null,
        num(r.density_kg_per_l!),
        r.physical_state || null,
        yesNo(r.highly_toxic!) === true,
        yesNo(r.explosive_precursor!) === true,
        /^[123]$/.test(r.drug_precursor!) ? Number(r.drug_precursor) : null,
        yesNo(r.key_supervised!),
        num(r.gb18218_q_t!),
        num(r.gb18218_beta!),
        sources,
      ]);
    }
    for (const { values: r } of parseCsv(seedFile('highly-toxic-2015.csv')).records) {
      if (seenCas.has(r.cas!)) continue;
      const synonyms = r.alias_zh
        ? r.alias_zh
            .split('；')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
      const sources = `${r.source};note: 《危险化学品目录（2015版）》 序号 ${r.seq}, 剧毒; no UN/ADR data in the reference`;
      rows.push([
        uuid7(),
        r.cas,
        null,
        r.name_zh!.trim(),
        null,
        synonyms,
        null,
        [],
        [],
        null,
        null,
        null,
        true,
        false,
        null,
        null,
        null,
        null,
        sources,
      ]);
    }
    const columns = 19;
    for (let i = 0; i < rows.length; i += 100) {
      const batch = rows.slice(i, i + 100);
      const placeholders = batch.map(
        (_row, b) => `(${Array.from({ length: columns }, (_col, c) => `$${b * columns + c + 1}`).join(', ')}, '{}')`,
      );
      await q.query(
        `INSERT INTO chemicals (id, cas, un_number, name_zh, name_en, synonyms, un_class, subsidiary_risks, packing_groups, tunnel_code,
           density_kg_per_l, physical_state, highly_toxic, explosive_precursor, drug_precursor_category, key_supervised,
           gb18218_critical_t, gb18218_beta, sources, control_allowed_districts)
         VALUES ${placeholders.join(', ')}`,
        batch.flat(),
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM chemicals');
  }
}
