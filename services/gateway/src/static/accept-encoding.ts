/** The pre-compressed variants we look for, in order of preference, with their file suffix. */
export const VARIANTS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;
export type Encoding = (typeof VARIANTS)[number]['encoding'];

/**
 * The encodings of `Accept-Encoding` the client takes (q > 0). `*` stands for any encoding not named;
 * `identity` is always possible and is not listed.
 */
export function acceptedEncodings(header: string | undefined): Set<Encoding> {
  const named = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    named.set(token, Number.isFinite(weight) ? weight : 0);
  }
  const accepted = new Set<Encoding>();
  for (const { encoding } of VARIANTS) {
    const weight = named.get(encoding) ?? named.get('*') ?? 0;
    if (weight > 0) accepted.add(encoding);
  }
  return accepted;
}
