/**
 * The relative file path a URL path names, or null when it must not be served: undecodable, a NUL byte, a
 * backslash, `..`, or a hidden (dot) segment. Decoding happens once, before the checks, so that `%2e%2e` and
 * `..%2f` are caught like their plain forms.
 */
export function safeRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return null;
  return segments.join('/');
}

/**
 * Names with a content hash, as esbuild (`[name]-[hash]`, 8 of A-Z2-7) or Vite (8 base64url characters) write
 * them: their content never changes under that name, so browsers may keep them for a year.
 */
export function isHashedName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /-(?=[A-Za-z0-9_-]*[A-Z0-9])[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+(\.map)?$/.test(name);
}
