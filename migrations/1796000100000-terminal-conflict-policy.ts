import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `terminal.conflict` (a second device claiming a bound terminal that holds a live session) goes to
 * transport, which binds terminals. A database whose sharing policy was written before gets a new
 * policy version giving transport `terminal.*`, kept in the history like any other change; a new
 * database gets the shipped default, which has it.
 */
export class TerminalConflictPolicy1796000100000 implements MigrationInterface {
  name = 'TerminalConflictPolicy1796000100000';

  async up(q: QueryRunner): Promise<void> {
    const [latest] = (await q.query(
      'SELECT version, document FROM sharing_policy_versions ORDER BY version DESC LIMIT 1',
    )) as Array<{ version: number; document: unknown }>;
    if (!latest) return;
    const document = (typeof latest.document === 'string' ? JSON.parse(latest.document) : latest.document) as {
      agencies?: Record<string, { events?: Array<{ types: string[]; fields: string[]; unmasked: string[] }> }>;
    };
    const transport = document.agencies?.transport;
    if (!transport) return;
    const events = (transport.events ??= []);
    if (events.some((r) => r.types.some((t) => t === '*' || t === 'terminal.*' || t === 'terminal.conflict'))) return;
    events.push({ types: ['terminal.*'], fields: ['*'], unmasked: [] });
    await q.query(
      `INSERT INTO sharing_policy_versions (version, document, changed_by, reason) VALUES ($1, $2, 'system', $3)`,
      [
        Number(latest.version) + 1,
        JSON.stringify(document),
        'terminal conflicts (a second device claiming a bound terminal) are published to transport',
      ],
    );
  }

  async down(): Promise<void> {
    // A policy version is history: it stays.
  }
}
