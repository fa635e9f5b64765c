import { Presets, SingleBar } from 'cli-progress';

/** A bar on stderr for long batches: only on a terminal unless `force` (stdout stays data). */
export function progressBar(total: number, label: string, force: boolean, unit = 'actions') {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit}`,
      stream: process.stderr,
      noTTYOutput: force,
      notTTYSchedule: 200,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    advance: (count: number) => bar.increment(count),
    update: (value: number) => bar.update(value),
    stop: () => bar.stop(),
  };
}
