/** Bytes an interface has received and sent since its counters started (boot, or the interface appearing). */
export interface InterfaceCounters {
  rxBytes: number;
  txBytes: number;
}

/**
 * Parses the kernel's `/proc/net/dev` table. Unreadable lines are skipped: the file's two header lines, and
 * anything a future kernel adds that does not look like `name: rx_bytes ... tx_bytes ...`.
 */
export function parseNetDev(text: string): Map<string, InterfaceCounters> {
  const counters = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes ... (field 8).
    if (name === '' || fields.length < 16 || !fields.every((f) => /^\d+$/.test(f))) continue;
    counters.set(name, { rxBytes: Number(fields[0]), txBytes: Number(fields[8]) });
  }
  return counters;
}

/** Loopback and the virtual links containers and bridges add: their bytes never leave the host. */
const VIRTUAL = /^(lo|docker\d*|br-.*|veth.*|virbr.*|cni.*|flannel.*|cali.*|vxlan.*|tunl\d*|kube-.*|dummy\d*)$/;

/**
 * The interfaces whose transmitted bytes the provider bills: the configured ones (those present), or else every
 * interface that is not loopback or a container/bridge link.
 */
export function billedInterfaces(all: Iterable<string>, configured: readonly string[]): string[] {
  const names = [...all];
  if (configured.length > 0) return names.filter((name) => configured.includes(name));
  return names.filter((name) => !VIRTUAL.test(name));
}
