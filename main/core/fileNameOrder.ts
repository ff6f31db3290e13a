/** A name cut into runs of digits (held without leading zeros) and of text (as people read it: case and accents aside). */
type NameKey = { digits: boolean; key: string }[];

function keyOf(name: string): NameKey {
  return (name.match(/\d+|\D+/g) ?? []).map((run) => (/^\d/.test(run)
    ? { digits: true, key: run.replace(/^0+(?=\d)/, '') }
    : { digits: false, key: run.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase() }));
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareKeys(left: NameKey, right: NameKey): number {
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    const order = x.digits && y.digits ? x.key.length - y.key.length || compareStrings(x.key, y.key) : compareStrings(x.key, y.key);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/**
 * Sorts in the order a file manager shows names: case and accents aside, numbers by value (IMG_2 before IMG_10);
 * names that read alike by their characters, so the order is total. Without ICU's collator, whose first use
 * costs a command about 5 ms.
 */
export function sortByFileName<T>(items: T[], nameOf: (item: T) => string): T[] {
  const keys = new Map(items.map((item) => [item, keyOf(nameOf(item))]));
  return items.sort((a, b) => compareKeys(keys.get(a)!, keys.get(b)!) || compareStrings(nameOf(a), nameOf(b)));
}
