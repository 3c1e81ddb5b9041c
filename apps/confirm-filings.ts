/**
 * What an agency's staff do all day, as a script: page through the agency's work queue
 * (GET /v1/filings?status=pending) and confirm each filing, up to 500 per request. The demo, the
 * sample city, the benches and the terminal simulator use it, so that everything their enterprises
 * file goes through the same confirmation as in production.
 */
export async function confirmPendingFilings(
  base: string,
  agencyKeys: string[],
  reason = '材料齐全，核验通过',
): Promise<number> {
  const call = async (key: string, method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  let confirmed = 0;
  for (const key of agencyKeys) {
    for (;;) {
      const page = (await call(key, 'GET', '/v1/filings?status=pending&limit=500')) as { items: Array<{ id: string }> };
      if (page.items.length === 0) break;
      const results = (await call(key, 'POST', '/v1/filings/decisions', {
        decisions: page.items.map((f) => ({ filingId: f.id, decision: 'confirm', reason })),
      })) as Array<{ outcome: string; code?: string; detail?: string }>;
      const failed = results.find((r) => r.outcome === 'failed');
      if (failed) throw new Error(`confirming a filing failed: ${failed.code ?? ''} ${failed.detail ?? ''}`);
      confirmed += results.length;
    }
  }
  return confirmed;
}
