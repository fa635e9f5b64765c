/** A numeric command-line option (`--name 42`), or the fallback when it is absent. */
export function numericOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`--${name} takes a non-negative number`);
  return value;
}
