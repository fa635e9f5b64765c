import type { DeviceGroupOption } from './action-center.js';
import { ACTION_TYPES, type Filters, HISTORY_STATUSES, SOURCES, TIME_WINDOWS } from './filters.js';
import { humanize } from './format.js';

interface Props {
  idPrefix: string;
  filters: Filters;
  setFilters(filters: Filters): void;
  groups: DeviceGroupOption[];
  /** History adds status and source. */
  withStatusAndSource?: boolean;
}

interface SelectProps {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange(value: string): void;
}

function Select({ id, label, value, options, onChange }: SelectProps) {
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </span>
  );
}

const choices = (values: string[], any: string) => [
  { value: '', label: any },
  ...values.map((value) => ({ value, label: humanize(value) })),
];

export function FilterBar({ idPrefix, filters, setFilters, groups, withStatusAndSource }: Props) {
  const set = (change: Partial<Filters>) => setFilters({ ...filters, ...change });
  return (
    <fieldset class="filters">
      <legend>Filters</legend>
      <Select
        id={`${idPrefix}-type`}
        label="Type"
        value={filters.type}
        options={choices(ACTION_TYPES, 'All types')}
        onChange={(type) => set({ type: type as Filters['type'] })}
      />
      <Select
        id={`${idPrefix}-group`}
        label="Device group"
        value={filters.deviceGroupId}
        options={[
          { value: '', label: 'All groups' },
          ...groups.map((g) => ({ value: g.id, label: g.name })),
        ]}
        onChange={(deviceGroupId) => set({ deviceGroupId })}
      />
      <Select
        id={`${idPrefix}-window`}
        label="Created"
        value={String(filters.windowHours)}
        options={TIME_WINDOWS.map((w) => ({ value: String(w.hours), label: w.label }))}
        onChange={(hours) => set({ windowHours: Number(hours) })}
      />
      {withStatusAndSource && (
        <>
          <Select
            id={`${idPrefix}-status`}
            label="Status"
            value={filters.status}
            options={choices(HISTORY_STATUSES, 'Any status')}
            onChange={(status) => set({ status: status as Filters['status'] })}
          />
          <Select
            id={`${idPrefix}-source`}
            label="Source"
            value={filters.source}
            options={choices(SOURCES, 'Any source')}
            onChange={(source) => set({ source: source as Filters['source'] })}
          />
        </>
      )}
    </fieldset>
  );
}
