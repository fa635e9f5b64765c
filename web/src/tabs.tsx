// A WAI-ARIA tab list: arrow keys move between the tabs, the selected one is in the tab order.
type TabId = 'pending' | 'history';
const ORDER: TabId[] = ['pending', 'history'];

interface Props {
  selected: TabId;
  onSelect(tab: TabId): void;
  labels: Record<TabId, string>;
}

export function Tabs({ selected, onSelect, labels }: Props) {
  const move = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const step = event.key === 'ArrowRight' ? 1 : ORDER.length - 1;
    const next = ORDER[(ORDER.indexOf(selected) + step) % ORDER.length] ?? selected;
    onSelect(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <div role="tablist" aria-label="Actions" class="tabs" onKeyDown={move}>
      {ORDER.map((tab) => (
        <button
          key={tab}
          type="button"
          role="tab"
          id={`tab-${tab}`}
          aria-selected={tab === selected}
          aria-controls={`panel-${tab}`}
          tabIndex={tab === selected ? 0 : -1}
          onClick={() => onSelect(tab)}
        >
          {labels[tab]}
        </button>
      ))}
    </div>
  );
}
