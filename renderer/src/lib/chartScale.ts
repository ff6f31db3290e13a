/** Round steps for an axis: 0 and up to four ticks at 1, 2 or 5 times a power of ten. */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough;
  const wholeStep = Math.max(1, Math.ceil(step));
  const ticks: number[] = [];
  for (let v = 0; v < max + wholeStep; v += wholeStep) ticks.push(v);
  return ticks;
}
