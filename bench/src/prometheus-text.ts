/** The sum of a metric's samples in Prometheus text format whose labels contain `label` (e.g. `direction="outgoing"`). */
export function sumSamples(text: string, name: string, label = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(label)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue; // another metric with this prefix (_sum, _count)
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function fetchSum(url: string, name: string, label = ''): Promise<number> {
  return sumSamples(await (await fetch(url)).text(), name, label);
}
