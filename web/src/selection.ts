import { useState } from 'preact/hooks';

/** The ids checked in a table; ids that left the table drop out of it. */
export function useSelection(visibleIds: string[]) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const visible = new Set(visibleIds);
  const selected = new Set([...chosen].filter((id) => visible.has(id)));
  const toggle = (id: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  /** Unchecks the ids a call decided; what the user checked meanwhile stays checked. */
  const drop = (ids: Iterable<string>) =>
    setChosen((current) => {
      const next = new Set(current);
      for (const id of ids) next.delete(id);
      return next;
    });
  return { selected, toggle, drop };
}
